import type { SnapshotRecord } from '../store/records.ts';

/** Where a stopped run stood at its last snapshot: what `run --resume` continues from. */
export interface ResumePoint {
  /** The run being resumed. */
  runId: string;
  /** Sim time of its last snapshot: the resumed run's clock starts there. */
  simTime: number;
  /** The engine's step and the next action's seq then: the resumed run numbers on from them. */
  step: number;
  actionSeq: number;
  /** Each actor's last snapshot, by actor id. */
  snapshots: ReadonlyMap<number, SnapshotRecord>;
}
