// One writer signs up to the --target todo app, then adds a numbered todo every sim minute, one
// request at a time. The target's todos say which actions it saw and when (start it with
// mintIds: todos carry createdAt), so test/e2e/stop-and-kill.test.ts can tell what a killed or
// stopped run must have kept.
import { defineBehavior, defineSimulation } from 'beamulator';
import { actions } from '../../../examples/todo/actions.ts';

export const writer = { username: 'writer', password: 'pw' };

const write = defineBehavior({
  name: 'Writer',
  initialState: undefined,
  act: async (ctx) => {
    if (ctx.turn === 1) await ctx.execute(actions.signup, { ...writer, team: 'red' });
    else await ctx.execute(actions.createTodo, { user: writer, title: `todo ${ctx.turn - 1}` });
    return '1m';
  },
});

export default defineSimulation({
  name: 'todo-writer', actions, population: [{ behavior: write, count: 1 }], duration: '1000h',
});
