import type { ResolvedShard } from './shard.ts';
import type { ActionRecord, ComplaintRecord, EventRecord } from '../store/records.ts';

/** Progress of a run, reported every so often while it runs (`onProgress`). */
export interface RunProgress {
  simTime: number;
  simLimit: number;
  actions: number;
  complaints: number;
  actors: number;
  wallMs: number;
}

/** Told once, when the run is recorded and its actors are about to start (`onRunStart`). */
export interface RunStart {
  runId: string;
  seed: string;
  targetUrl: string | null;
  actors: number;
  simLimit: number;
  /** The shard this run is, or null for a whole run. */
  shard: ResolvedShard | null;
}

/**
 * Listeners for what a run does. The engine publishes; reporters, the CLI and tests listen.
 * Listeners run on the hot path: keep them cheap.
 */
export interface EngineHooks {
  onRunStart?(start: RunStart): void;
  onAction?(row: ActionRecord): void;
  onComplaint?(row: ComplaintRecord): void;
  onEvent?(row: EventRecord): void;
  onProgress?(progress: RunProgress): void;
}
