/**
 * The bundled example: three teams share todo lists in the bundled todo app.
 *
 *   npx beamulator run examples/todo/todo.sim.ts                      # all bugs off: no complaints
 *   TODO_BUGS=stale-read npx beamulator run examples/todo/todo.sim.ts  # a planted bug: complaints
 *
 * TODO_BUGS takes a comma list of the app's planted bugs (lost-update, tenant-leak, stale-read)
 * or `all`. The lost update needs overlapping requests: add `--concurrency 4 --overlap-window 10m`.
 * Pass `--target <url>` to run against a todo app you started yourself.
 */
import { startTodoApp } from '../../fixtures/todo-app/server.ts';
import { parseBugs } from '../../fixtures/todo-app/bugs.ts';
import { defineSimulation } from 'beamulator';
import { actions } from './actions.ts';
import { organizer, procrastinator, type TeamConfig } from './behaviors.ts';

const teams = ['red', 'blue', 'green'];

export default defineSimulation({
  name: 'todo',
  actions,
  behaviors: [organizer, procrastinator],
  population: [
    { behavior: organizer, count: 3, config: (i: number): TeamConfig => ({ team: teams[i % 3]! }), start: { jitter: '5m' } },
    { behavior: procrastinator, count: 6, config: (i: number): TeamConfig => ({ team: teams[i % 3]! }), start: { rampUp: '30m', jitter: '5m' } },
  ],
  target: {
    start: async () => {
      const app = await startTodoApp({ bugs: parseBugs(process.env.TODO_BUGS ?? '') });
      return { url: app.url, stop: () => app.stop(), reset: () => app.reset() };
    },
  },
  duration: '8h',
});
