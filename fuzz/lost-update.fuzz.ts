/** PATCH does read-modify-write across an await: overlapping PATCHes from two teammates lose one update. */
import { startTodoApp } from '../fixtures/todo-app/server.ts';
import { todoFuzzTarget } from './todo-fuzz.ts';

// Overlap on: each popped event's actor draws (from its own tape) how many following events run concurrently with it.
// The app runs in the campaign's process with its race window counted in event-loop turns, not
// 20 ms (see RaceWindow in fixtures/todo-app/todo-service.ts): the two PATCHes of an overlapping
// step reach it 1 turn apart and race however busy the machine is, so a failure found here
// reproduces and replays the same on a loaded CI machine; PATCHes of different steps never race.
// Within a step the engine sends the requests in an order drawn from the tapes (fuzz/README.md,
// "Ordered overlap"): the completion must go first, and the rename with it, not after its response.
export default todoFuzzTarget('lost-update', ['lost-update'], {
  overlap: true, maxSpan: 2, maxLatency: '10m',
  target: {
    start: async () => {
      const app = await startTodoApp({ bugs: ['lost-update'], lostUpdateWindow: { turns: 20 } });
      return { url: app.url, stop: () => app.stop(), reset: () => app.reset() };
    },
  },
});
