/**
 * Actions: the only code that talks to the todo app. Each maps the HTTP answer to a value
 * (outcome `ok`) or to `fail(...)` (outcome `error`); a network failure is an `error` too.
 */
import { defineActions, fail, type HttpResponse } from 'beamulator';

export interface Credentials {
  username: string;
  password: string;
}

export interface Todo {
  id: string;
  title: string;
  completed: boolean;
  team: string;
  createdBy: string;
  updatedBy: string;
  version: number;
}

const auth = (user: Credentials) => ({ 'x-user': user.username, 'x-password': user.password });

function expectStatus<T>(res: HttpResponse, status: number, what: string): T {
  if (res.status !== status) fail(`${what}: HTTP ${res.status}`, { status: res.status, body: res.body.slice(0, 200) });
  return (res.body ? res.json<T>() : null) as T;
}

export const actions = defineActions({
  signup: async (args: Credentials & { team: string }, { http }) =>
    expectStatus<{ id: string; username: string; team: string }>(await http.post('/users', { json: args }), 201, 'signup'),

  listTodos: async (args: { user: Credentials }, { http }) =>
    expectStatus<Todo[]>(await http.get('/todos', { headers: auth(args.user) }), 200, 'list todos'),

  getTodo: async (args: { user: Credentials; id: string }, { http }) =>
    expectStatus<Todo>(await http.get(`/todos/${args.id}`, { headers: auth(args.user) }), 200, `get ${args.id}`),

  createTodo: async (args: { user: Credentials; title: string }, { http }) =>
    expectStatus<Todo>(await http.post('/todos', { json: { title: args.title }, headers: auth(args.user) }), 201, 'create todo'),

  completeTodo: async (args: { user: Credentials; id: string }, { http }) =>
    expectStatus<Todo>(await http.patch(`/todos/${args.id}`, { json: { completed: true }, headers: auth(args.user) }), 200, `complete ${args.id}`),

  renameTodo: async (args: { user: Credentials; id: string; title: string }, { http }) =>
    expectStatus<Todo>(await http.patch(`/todos/${args.id}`, { json: { title: args.title }, headers: auth(args.user) }), 200, `rename ${args.id}`),

  deleteTodo: async (args: { user: Credentials; id: string }, { http }) => {
    expectStatus<null>(await http.delete(`/todos/${args.id}`, { headers: auth(args.user) }), 204, `delete ${args.id}`);
    return { deleted: args.id };
  },
});
