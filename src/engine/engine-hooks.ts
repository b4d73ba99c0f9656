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
  /** A paced run: its speed, whether it is paused, and the largest lag (wall ms) of the turns since the last report. */
  pace?: { speed: number; paused: boolean; recentMaxLagMs: number };
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
 * Simulation code that crashed in an actor's turn (`onCrash`): its behavior's `act()` threw (or
 * returned no wait), or an action's own code threw (outcome `crash`). The run goes on: the actor
 * restarts (see SimulationSpec.restart), and the CLI exits 6 when the run is over.
 */
export interface Crash {
  actorId: number;
  /** What threw: `behavior Writer's act() (turn 3)`, `action addTodo (#12)`. */
  what: string;
  /** What it threw, on one line: `TypeError: Cannot read properties of null (reading 'id')`. */
  error: string;
  /** `file:line:column` of the first stack frame in the user's files (not beamulator's, not node_modules), or null. */
  at: string | null;
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
  onCrash?(crash: Crash): void;
  onProgress?(progress: RunProgress): void;
  /**
   * Told when the run is over and rows its store journaled while the process was saturated are
   * still to be loaded into DuckDB (src/store/row-journal.ts): the run ends when they are. First
   * with `savedBytes` 0, then every quarter second with the bytes loaded so far. Not called when
   * nothing is left to load.
   *
   * @example
   * hooks: { onSaving: ({ journalBytes, savedBytes }) => console.error(`saving ${Math.floor(100 * savedBytes / journalBytes)}%`) }
   */
  onSaving?(saving: { journalBytes: number; savedBytes: number }): void;
}
