/**
 * Every failure a user can see is a BeamulatorError: a stable `code`, a one-line
 * message ("cannot <do X>: <reason>. <hint>") and the process exit code it maps to.
 */

/**
 * Documented, stable exit codes of the `beamulator` command (docs/exit-codes.md explains each;
 * a process ended by another signal exits 128 + its number, as shells report it).
 */
export const ExitCode = {
  /** The run finished and no complaint reached `--fail-on`. */
  ok: 0,
  /** The run finished, but complaints at or above `--fail-on` were recorded. */
  complaints: 1,
  /** Bad usage or configuration: unknown option, invalid duration, a simulation or config file that does not load. */
  usage: 2,
  /** The run store could not be used: locked by another process, corrupt, or not found. */
  store: 3,
  /** The target could not be started or reached at all. */
  target: 4,
  /** Asked for something that does not exist, such as an unknown run id. */
  notFound: 5,
  /** The user's code threw: a behavior or an action (the run finished), or a checker, invariant, complaint predicate, population function or reset hook (the run stopped, kept as failed). */
  crashed: 6,
  /** A replay departed from the original run (see its first divergence). */
  diverged: 7,
  /** A replay file that cannot be used: truncated, not JSON, not a replay file, a missing or invalid field. */
  replayFile: 8,
  /** A replay file of another format version (written by a newer or older beamulator). */
  replayVersion: 9,
  /** A replay file edited after export (its checksum does not match). */
  replayEdited: 10,
  /** `merge`: a group of shards is incomplete (a shard missing, or one that did not complete) or was seeded from the target unevenly; what was there is merged. */
  incomplete: 11,
  /** `replay --check-target`: the target no longer holds what the run was seeded from. */
  targetChanged: 12,
  /** An internal error: a bug in beamulator, or a command left waiting on a promise that can never settle (bin/beamulator.js). */
  internal: 70,
  /** Stopped by Ctrl-C (SIGINT); everything recorded so far was saved. */
  interrupted: 130,
  /** Stopped by SIGTERM (a container or CI stopping it); everything recorded so far was saved. */
  terminated: 143,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export type ErrorCode =
  | 'BEAM_USAGE'
  | 'BEAM_CONFIG'
  | 'BEAM_DURATION'
  | 'BEAM_SIMULATION_LOAD'
  | 'BEAM_SIMULATION_INVALID'
  | 'BEAM_UNKNOWN_BEHAVIOR'
  | 'BEAM_UNKNOWN_ACTOR'
  | 'BEAM_STORE_LOCKED'
  | 'BEAM_STORE_CORRUPT'
  | 'BEAM_STORE'
  | 'BEAM_RUN_NOT_FOUND'
  | 'BEAM_RUN_EXISTS'
  | 'BEAM_REPLAY_NOT_FOUND'
  | 'BEAM_REPLAY_FILE'
  | 'BEAM_REPLAY_VERSION'
  | 'BEAM_REPLAY_EDITED'
  | 'BEAM_TARGET'
  | 'BEAM_TARGET_CHANGED'
  | 'BEAM_SEED'
  | 'BEAM_STATE'
  | 'BEAM_USER_CODE'
  | 'BEAM_BROWSER'
  | 'BEAM_INTERNAL';

const exitCodes: Record<ErrorCode, ExitCodeValue> = {
  BEAM_USAGE: ExitCode.usage,
  /** beamulator.config.ts does not load, or holds an unknown key or a value of the wrong type. */
  BEAM_CONFIG: ExitCode.usage,
  BEAM_DURATION: ExitCode.usage,
  BEAM_SIMULATION_LOAD: ExitCode.usage,
  BEAM_SIMULATION_INVALID: ExitCode.usage,
  BEAM_UNKNOWN_BEHAVIOR: ExitCode.usage,
  /** A control call or a message names an actor the run does not have (or one in another shard). */
  BEAM_UNKNOWN_ACTOR: ExitCode.usage,
  BEAM_STORE_LOCKED: ExitCode.store,
  BEAM_STORE_CORRUPT: ExitCode.store,
  BEAM_STORE: ExitCode.store,
  BEAM_RUN_NOT_FOUND: ExitCode.notFound,
  /** Importing a run whose id the store already holds (import it under another id). */
  BEAM_RUN_EXISTS: ExitCode.usage,
  /** A replay file that does not exist. */
  BEAM_REPLAY_NOT_FOUND: ExitCode.notFound,
  /** A replay file that cannot be read or written: truncated, not JSON, not a replay file, a missing or invalid field. */
  BEAM_REPLAY_FILE: ExitCode.replayFile,
  /** A replay file of another format version (written by a newer or older beamulator). */
  BEAM_REPLAY_VERSION: ExitCode.replayVersion,
  /** A replay file edited after export (its checksum does not match). */
  BEAM_REPLAY_EDITED: ExitCode.replayEdited,
  BEAM_TARGET: ExitCode.target,
  /** `replay --check-target` found the target changed since the run was seeded from it. */
  BEAM_TARGET_CHANGED: ExitCode.targetChanged,
  /** A population entry's fromTarget threw or returned something that is not a list of actors with plain-JSON states. */
  BEAM_SEED: ExitCode.usage,
  /** An actor's state cannot be snapshotted (not plain JSON), or a run cannot be resumed from its snapshots. */
  BEAM_STATE: ExitCode.usage,
  /** Code the user wrote threw while beamulator called it (see util/user-code.ts). */
  BEAM_USER_CODE: ExitCode.crashed,
  /** Chromium, which browser actions drive, is not installed or does not start. */
  BEAM_BROWSER: ExitCode.usage,
  BEAM_INTERNAL: ExitCode.internal,
};

/**
 * A user-facing error.
 *
 * @example
 * throw new BeamulatorError('BEAM_RUN_NOT_FOUND', 'cannot show run x1: no such run', 'List runs with `beamulator runs`.');
 */
export class BeamulatorError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly exitCode: ExitCodeValue;

  constructor(code: ErrorCode, message: string, hint?: string, options?: { cause?: unknown }) {
    // A reason quoted from elsewhere may end in its own period: never print "..".
    super(hint ? `${message.replace(/\.+$/, '')}. ${hint}` : message, options);
    this.name = 'BeamulatorError';
    this.code = code;
    this.hint = hint;
    this.exitCode = exitCodes[code];
  }
}

/** True for a BeamulatorError, even one from another copy of the module (realm-safe). */
export function isBeamulatorError(error: unknown): error is BeamulatorError {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'string' && code.startsWith('BEAM_') && 'exitCode' in error;
}

/** The message of anything thrown, on one line. */
export function errorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? text;
}
