import type { ActionRecord, ComplaintRecord, EventRecord } from '../store/records.ts';

/** Progress of a run, reported every so often while it runs. */
export interface Progress {
  simTime: number;
  simLimit: number;
  actions: number;
  complaints: number;
  actors: number;
  wallMs: number;
}

/**
 * Listeners for what a run does. The engine publishes; reporters, the CLI and tests listen.
 * Listeners run on the hot path: keep them cheap.
 */
export interface EngineHooks {
  onAction?(row: ActionRecord): void;
  onComplaint?(row: ComplaintRecord): void;
  onEvent?(row: EventRecord): void;
  onProgress?(progress: Progress): void;
}
