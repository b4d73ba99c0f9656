/**
 * Shared setup of the todo fuzz targets: the bundled example's behaviors against the bundled
 * todo app (which the example's `target.start` starts) with one planted bug switched on (or none),
 * set through the example's `bugs` parameter.
 */
import type { BugName } from '../fixtures/todo-app/bugs.ts';
import todo from '../examples/todo/todo.sim.ts';
import { defineFuzzTarget, type FuzzTarget, type FuzzTargetSpec, type Simulation } from 'beamulator';

/** The example's teams: the first is the "least" choice, so shrunk runs use it unless a second team matters. */
export const teams = [{ team: 'red' }, { team: 'blue' }, { team: 'green' }];

export function todoFuzzTarget(name: string, bugs: BugName[], extra: Partial<FuzzTargetSpec> = {}, simulation: Simulation = todo): FuzzTarget {
  return defineFuzzTarget({
    name,
    simulation,
    params: { bugs },
    behaviors: ['Organizer', 'Procrastinator'],
    configs: teams,
    maxActors: 3,
    maxTurns: 12,
    duration: '24h',
    ...extra,
  });
}
