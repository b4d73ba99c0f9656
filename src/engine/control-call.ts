// Types only: the public RunOptions names RecordedControl, and its .d.ts must not reach the engine's
// implementation (which reaches node: modules and Playwright's types).
import type { Json } from '../store/records.ts';
import type { ActorQuery } from './run-control.ts';

/** One change to the population, as JSON: what a `control` event records and a replay applies again. */
export type ControlCall =
  | { op: 'spawn'; behavior: string; count: number; config?: Json; name?: string; tags?: string[] }
  | { op: 'remove'; actor: number }
  | { op: 'replace'; actor: number; behavior: string }
  | { op: 'runAction'; actor: number; action: string; args: Json }
  | { op: 'setState'; actor: number; patch: Record<string, Json> }
  | { op: 'setState'; actor: number; state: Json }
  | { op: 'tag' | 'untag'; actor: number; tag: string }
  | { op: 'send'; to: number | ActorQuery; body: Json };

/** A control call of a recorded run: applied again at the same step by a replay. */
export interface RecordedControl {
  step: number;
  call: ControlCall;
  /**
   * Set when the recorded run was paced: the call is applied again at the first step boundary
   * after every event up to this sim time (and before anything, when it came before the first
   * turn). A paced run's steps are its dispatches, which a replay in virtual time does not share.
   */
  simTime?: number;
}
