import type { FuzzSpec } from '../replay/fuzz-spec.ts';
import type { ComplaintRecord, Severity } from '../store/records.ts';
import type { RedactPattern } from '../store/redact.ts';
import type { RunStore } from '../store/run-store.ts';
import { BeamulatorError } from '../util/errors.ts';
import type { ParamSettings } from '../util/params.ts';
import type { FuzzSettings, FuzzTarget } from './fuzz-target.ts';
import { callUser } from '../util/user-code.ts';

export interface FuzzOptions {
  /** Property runs in the search (default 1000). */
  runs?: number;
  /** fast-check seed (default 42: campaigns are reproducible unless you pick another). */
  seed?: number;
  /** Wall-time cap of the search, ms (default 60 000). */
  timeLimitMs?: number;
  /** Wall-time cap of the shrink, ms (default 60 000). */
  shrinkTimeLimitMs?: number;
  /**
   * Cap on property runs while shrinking (default none). Unlike the time cap it does not depend on
   * the machine's speed, so a fixed seed gives the same shrunk result everywhere (tests use it).
   */
  shrinkRuns?: number;
  /** Overrides the target's failOn. */
  failOn?: Severity;
  /** Called after every property run. */
  onProgress?: (progress: FuzzProgress) => void;
  /** Abort to stop: the best failure so far (if any) is still recorded and exported. */
  signal?: AbortSignal;
  /** Where the shrunk failure is recorded (default the default store; `false`: not recorded, no replay file). */
  db?: string | RunStore | false;
  /**
   * Names to redact on top of the built-in rules: in the store this opens (`db` as a path; see
   * RunOptions.redact) and in the result's actions, complaints and configs (redacted either way).
   */
  redact?: readonly RedactPattern[];
  /** Folder of the exported replay file (default 'replays'; `false`: no file). */
  replaysDir?: string | false;
  /** The fuzz target's file, stored with the run so `beamulator replay` can load it. */
  file?: string;
  /** Extra specs tried first (and shrunk when they fail): e.g. a recorded seeded run's canonical tapes. */
  examples?: FuzzSpec[];
  /**
   * Values of the simulation's parameters for this campaign, over the target's own (`params` of
   * defineFuzzTarget); the rest are resolved as for any run (env where declared, else default).
   */
  params?: ParamSettings;
  /** Overrides the target's maxActors for this campaign (whole number >= 1). */
  maxActors?: number;
  /** Overrides the target's maxTurns for this campaign (whole number >= 1). */
  maxTurns?: number;
  /** Overrides the target's allowCrashes: true lets simulation code crash without failing a run. */
  allowCrashes?: boolean;
  /** Overrides the target's overlap for this campaign. */
  overlap?: boolean;
  /**
   * Runs in a row a failing shrink candidate must fail (the same way) to count as a shrink step
   * (default 2 when overlap is on, else 1). With overlap, whether a race bites depends on the
   * target's timing, and a shrink that settled on a candidate failing once in a while would
   * hand the user a failure their replay does not show.
   */
  confirmRuns?: number;
  /**
   * Fresh processes that replay the shrunk failure's replay file, as `beamulator replay <file>`
   * would, to check the failure reproduces outside the warm campaign (default 5; 0: no check).
   * Each costs a Node start, the CLI, the simulation and its target (about 0.5 s for the bundled
   * example). Needs the fuzz target's `file`.
   */
  reproduceRuns?: number;
  /**
   * Record a Playwright trace of each browser actor of the shrunk failure's recorded run, next to
   * the campaign's store (`traces/<run id>/actor-<id>.zip`, named by `trace` events). The search
   * and shrink runs are not traced.
   */
  trace?: boolean;
}

/**
 * The target's settings with a campaign's overrides (maxActors, maxTurns, overlap) applied;
 * throws a usage error for a bad override.
 */
export function campaignSettings(target: FuzzTarget, options: Pick<FuzzOptions, 'maxActors' | 'maxTurns' | 'overlap'> = {}): FuzzSettings {
  const settings = target.fuzz;
  for (const field of ['maxActors', 'maxTurns'] as const) {
    const value = options[field];
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
      throw new BeamulatorError('BEAM_USAGE', `cannot fuzz '${settings.name}' with ${field} ${value}`, 'Use a whole number >= 1');
    }
  }
  if (options.overlap !== undefined && typeof options.overlap !== 'boolean') {
    throw new BeamulatorError('BEAM_USAGE', `cannot fuzz '${settings.name}' with overlap ${String(options.overlap)}`, 'Use true or false');
  }
  return {
    ...settings,
    ...(options.maxActors !== undefined ? { maxActors: options.maxActors } : {}),
    ...(options.maxTurns !== undefined ? { maxTurns: options.maxTurns } : {}),
    ...(options.overlap !== undefined ? { overlap: options.overlap } : {}),
  };
}

export interface FuzzProgress {
  phase: 'search' | 'shrink' | 'record';
  runs: number;
  failures: number;
  shrinks: number;
  elapsedMs: number;
  /** Actions of the smallest failing run so far. */
  bestActions: number | null;
}

const rank: Record<Severity, number> = { urgent: 3, annoying: 2, justsayin: 1 };

/**
 * Whether a complaint fails a run of the campaign: at or above `failOn` (the option, else the
 * target's), and picked by the target's failWhen.
 *
 * @example
 * const fails = failsRun(target.fuzz, options.failOn);
 * const failure = complaints.find(fails);
 */
export function failsRun(settings: FuzzSettings, failOn: Severity = settings.failOn): (complaint: ComplaintRecord) => boolean {
  const { failWhen } = settings;
  return (c) => rank[c.severity] >= rank[failOn] && (!failWhen || callUser(`fuzz target '${settings.name}' failWhen()`, () => failWhen(c)));
}

/**
 * FuzzOptions plus what beamulator's CLI passes. `shard`: the campaign is shard `index` of `count`
 * (`fuzz --shard`, which derives the seed and share of runs itself): the failure's run id ends in
 * `-s<index>`, like a sharded run's, so the failures of a campaign's shards never share an id
 * when their stores are merged.
 */
export interface InternalFuzzOptions extends FuzzOptions {
  shard?: { index: number; count: number };
}
