/**
 * Joining a todo app that already holds data: one Returning member per account the app has,
 * seeded from it (fromTarget), each holding its own open todos, plus a new Organizer who signs up.
 *
 *   npx beamulator run examples/todo/seeded.sim.ts            # starts the app pre-loaded with seed-data.json
 *   npx tsx fixtures/todo-app/main.ts --data examples/todo/seed-data.json &
 *   npx beamulator run examples/todo/seeded.sim.ts --target http://127.0.0.1:3000
 *   npx beamulator replay latest --check-target                # does the app still hold what the run was seeded from?
 *
 * The seeded states are stored with the run, redacted like everything else: so they hold no
 * password. A member's password comes from the same data file the app was loaded with.
 */
import { fileURLToPath } from 'node:url';
import { defineActions, defineBehavior, defineSimulation, fail } from 'beamulator';
import { loadSeedData, startTodoApp } from '../../fixtures/todo-app/server.ts';
import { actions, type Credentials } from './actions.ts';
import { organizer } from './behaviors.ts';

const data = loadSeedData(fileURLToPath(new URL('./seed-data.json', import.meta.url)));
const passwords = new Map(data.users.map((u) => [u.username, u.password]));
const login = (username: string): Credentials => ({ username, password: passwords.get(username) ?? '' });

const adminActions = defineActions({
  listAccounts: async (_args: Record<string, never>, { http }) => {
    const res = await http.get('/__admin/users');
    if (res.status !== 200) fail(`list accounts: HTTP ${res.status}`);
    return res.json<Array<{ id: string; username: string; team: string }>>();
  },
});

interface MemberState {
  username: string;
  team: string;
  /** Ids of this member's own open todos, as last seen. */
  open: string[];
}

/** A member who was there before the run: finishes their own open todos, and adds one now and then. */
const returning = defineBehavior<MemberState>({
  name: 'Returning',
  initialState: { username: '', team: '', open: [] },
  async act(ctx) {
    const { state } = ctx;
    const user = login(state.username);
    const list = await ctx.execute(actions.listTodos, { user });
    if (!list.ok) return '30m';
    state.open = list.value!.filter((t) => t.createdBy === state.username && !t.completed).map((t) => t.id);
    if (state.open.length > 0 && ctx.rng.chance(0.6)) {
      const id = ctx.rng.pick(state.open);
      const done = await ctx.execute(actions.completeTodo, { user, id });
      if (done.ok) state.open = state.open.filter((x) => x !== id);
    } else {
      const created = await ctx.execute(actions.createTodo, { user, title: ctx.rng.faker.lorem.sentence(3) });
      if (created.ok) state.open.push(created.value!.id);
    }
    return ctx.rng.int(20, 90) * 60_000;
  },
});

export default defineSimulation({
  name: 'todo-seeded',
  actions: { ...actions, ...adminActions },
  behaviors: [returning, organizer],
  population: [
    {
      behavior: returning,
      // One actor per account the app holds (that this simulation can log in as), with its open todos.
      fromTarget: async (ctx) => {
        const accounts = await ctx.execute(adminActions.listAccounts, {});
        if (!accounts.ok) throw new Error(`cannot list the app's accounts: ${accounts.error}`);
        const members = [];
        for (const account of accounts.value!.filter((a) => passwords.has(a.username))) {
          const todos = await ctx.execute(actions.listTodos, { user: login(account.username) });
          const open = (todos.value ?? []).filter((t) => t.createdBy === account.username && !t.completed).map((t) => t.id);
          members.push({ name: account.username, state: { username: account.username, team: account.team, open } });
        }
        return members;
      },
      start: { jitter: '10m' },
    },
    { behavior: organizer, count: 1, config: { team: 'red' }, start: { at: '15m' } },
  ],
  target: {
    start: async () => {
      const app = await startTodoApp({ data });
      return { url: app.url, stop: () => app.stop(), reset: () => app.reset() };
    },
    // An app given with --target goes back to the data it was started with.
    reset: 'POST /__admin/reset',
  },
  duration: '6h',
});
