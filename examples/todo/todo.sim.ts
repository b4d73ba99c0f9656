/**
 * The bundled example: teams share todo lists in the bundled todo app.
 *
 *   npx beamulator run examples/todo/todo.sim.ts                            # all bugs off: no complaints
 *   npx beamulator run examples/todo/todo.sim.ts --param bugs=stale-read    # a planted bug: complaints
 *   npx beamulator run examples/todo/todo.sim.ts --param teams=5            # 5 teams: 5 Organizers, 10 Procrastinators
 *
 * `bugs` takes a comma list of the app's planted bugs (lost-update, tenant-leak, stale-read) or
 * `all`; the environment variable TODO_BUGS sets it too when --param does not. The lost update
 * needs overlapping requests: add `--concurrency 4 --overlap-window 10m`.
 * Pass `--target <url>` to run against a todo app you started yourself (the bugs are then its own;
 * its data is reset first). todo-ui.sim.ts is the same simulation plus browser actors (Chromium).
 */
import { startTodoApp } from '../../fixtures/todo-app/server.ts';
import { apiBugNames, parseBugs } from '../../fixtures/todo-app/bugs.ts';
import { defineParams, defineSimulation, type ParamValues } from 'beamulator';
import { actions } from './actions.ts';
import { organizer, procrastinator, type TeamConfig } from './behaviors.ts';

/** The example's parameters: declared apart so behaviors could type `ctx.params` as `TodoParams`. */
export const params = defineParams({
  bugs: { default: [], choices: [...apiBugNames, 'all'], description: "the todo app's planted bugs to switch on", env: 'TODO_BUGS' },
  teams: { default: 3, description: 'how many teams share the app: one Organizer and two Procrastinators each' },
});
export type TodoParams = ParamValues<typeof params>;

const colors = ['red', 'blue', 'green', 'yellow', 'purple', 'orange'];
/** How many teams (exported with `team` for todo-ui.sim.ts, whose browser actors join the same teams). */
export const teamCount = (p: { teams: number }) => Math.max(1, Math.floor(p.teams));
/** The i-th actor's team, round-robin (the first three are red, blue, green). */
export const team = (i: number, p: { teams: number }): TeamConfig => {
  const k = i % teamCount(p);
  return { team: colors[k] ?? `team-${k + 1}` };
};

export default defineSimulation({
  name: 'todo',
  params,
  actions,
  behaviors: [organizer, procrastinator],
  population: [
    { behavior: organizer, count: teamCount, config: team, start: { jitter: '5m' } },
    { behavior: procrastinator, count: (p) => 2 * teamCount(p), config: team, start: { rampUp: '30m', jitter: '5m' } },
  ],
  target: {
    start: async ({ params }) => {
      const app = await startTodoApp({ bugs: parseBugs(params.bugs.join(',')) });
      return { url: app.url, stop: () => app.stop(), reset: () => app.reset() };
    },
    // A todo app given with --target is emptied first, so a run or replay starts where the recording did.
    reset: 'POST /__admin/reset',
  },
  duration: '8h',
});
