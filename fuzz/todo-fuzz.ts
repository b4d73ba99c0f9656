/**
 * Shared setup of the todo fuzz targets: the bundled example's behaviors against the bundled
 * todo app with one planted bug switched on (or none).
 */
import { startTodoApp } from '../fixtures/todo-app/server.ts';
import type { BugName } from '../fixtures/todo-app/bugs.ts';
import todo from '../examples/todo/todo.sim.ts';
import { defineFuzzTarget, type FuzzTarget, type FuzzTargetSpec } from 'beamulator';

/** The example's teams: the first is the "least" choice, so shrunk runs use it unless a second team matters. */
export const teams = [{ team: 'red' }, { team: 'blue' }, { team: 'green' }];

export function todoFuzzTarget(name: string, bugs: BugName[], extra: Partial<FuzzTargetSpec> = {}): FuzzTarget {
  return defineFuzzTarget({
    name,
    simulation: todo,
    behaviors: ['Organizer', 'Procrastinator'],
    configs: teams,
    maxActors: 3,
    maxTurns: 12,
    duration: '24h',
    target: {
      start: async () => {
        const app = await startTodoApp({ bugs });
        return { url: app.url, stop: () => app.stop(), reset: () => app.reset() };
      },
    },
    ...extra,
  });
}
