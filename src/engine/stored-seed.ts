import type { ActionRecord } from '../store/records.ts';
import type { SeededActor } from './seed-from-target.ts';

/**
 * A seed as a run stored it: the actors each fromTarget entry gave (by entry index), and the
 * seeder's reads. In a module of its own, with type imports only: the public RunOptions names it,
 * and a user's type-check must not reach the engine's Node-only modules through it.
 */
export interface StoredSeed {
  byEntry: ReadonlyMap<number, readonly SeededActor[]>;
  actions: readonly ActionRecord[];
}
