export type { Checker, StartedChecker, Violation, Violations, Invariant, InvariantVerdict, RunView, ActorView } from './types.ts';
export { defineChecker } from './types.ts';
export type { EntityModel, Fields } from './entity-model.ts';
export { readYourWrites, type CheckerOptions, type ReadYourWritesOptions } from './read-your-writes.ts';
export { monotonicReads, type MonotonicReadsOptions } from './monotonic-reads.ts';
export { lostUpdate, type LostUpdateOptions } from './lost-update.ts';
