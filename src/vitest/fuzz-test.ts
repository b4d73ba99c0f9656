import { it } from 'vitest';
import { loadSimulation } from '../engine/load-simulation.ts';
import { fuzz, type FuzzOptions, type FuzzResult } from '../fuzz/fuzz.ts';
import { isFuzzTarget, type FuzzTarget } from '../fuzz/fuzz-target.ts';
import { describeRecordings, describeReproduction } from '../format/reproduction-line.ts';
import { previewJson } from '../format/json-preview.ts';
import { formatActionLine } from '../format/action-line.ts';
import { Redactor, type RedactPattern } from '../store/redact.ts';
import { BeamulatorError } from '../util/errors.ts';
import { formatClock } from '../util/duration.ts';
import { displayPath } from './display-path.ts';
import { openTestStore } from './open-test-store.ts';
import { keepRuns, keepRunsEnvVar } from './keep-runs.ts';
import { replayCommand } from './replay-command.ts';
import { shellQuote } from '../util/reproduce-command.ts';
import { seedEnvVar } from './resolve-seed.ts';

/**
 * Options of `fuzzTest`: the campaign's (see `fuzz`; `redact` is what beamulator.config.ts's
 * `redact` is to the CLI), plus where the failure goes and the test's timeout.
 */
export interface FuzzTestOptions extends Pick<FuzzOptions, 'runs' | 'seed' | 'timeLimitMs' | 'shrinkTimeLimitMs' | 'failOn' | 'examples' | 'redact' | 'reproduceRuns'> {
  /**
   * Folder the shrunk failure's replay file is written to (default `replays`, relative to the
   * working directory): commit it and `replayTests('replays')` keeps it as a regression test.
   * `false`: no file.
   */
  replaysDir?: string | false;
  /** Keep the recorded fuzz run in a temp DuckDB file (default: BEAMULATOR_KEEP_RUNS=1, else `:memory:`). */
  keep?: boolean;
  /** The fuzz target's file, stored with the run so the replay file can load it (given automatically when `target` is a path). */
  file?: string;
  /** Test timeout, ms. Default: the search and shrink time limits (60 s each by default) plus 60 s. */
  timeout?: number;
}

/**
 * A vitest test that runs a fuzz campaign against `target` (what defineFuzzTarget returned, or
 * the path of a `*.fuzz.ts` file) and fails when it finds a failure, with the shrunk run, its
 * replay file and the `npx beamulator replay <file>` command in the message.
 * The fast-check seed: `options.seed`, else BEAMULATOR_SEED (a whole number), else fuzz's default (42).
 *
 * @example
 * import { fuzzTest } from 'beamulator/vitest';
 * fuzzTest('no stale reads', 'fuzz/stale-read.fuzz.ts', { runs: 200, timeLimitMs: 20_000 });
 */
export function fuzzTest(name: string, target: FuzzTarget | string, options: FuzzTestOptions = {}): void {
  const timeout = options.timeout ?? (options.timeLimitMs ?? 60_000) + (options.shrinkTimeLimitMs ?? 60_000) + 60_000;
  it(name, async ({ signal }) => {
    const result = await runFuzzTest(target, { ...options, signal });
    if (result.failed) throw new FuzzTestFailure(result.message);
  }, timeout);
}

/** What `runFuzzTest` resolves to. */
export interface FuzzTestOutcome {
  /** The campaign found a failure. */
  failed: boolean;
  /** The failure message `fuzzTest` fails with, else a one-line summary. */
  message: string;
  result: FuzzResult;
  /** The temp DuckDB file the failure was recorded in (`keep`), else null. */
  db: string | null;
}

/** What `fuzzTest` runs: the campaign, and the failure message when it found something. */
export async function runFuzzTest(target: FuzzTarget | string, options: FuzzTestOptions & { signal?: AbortSignal } = {}): Promise<FuzzTestOutcome> {
  const { fuzzTarget, file } = await resolveFuzzTarget(target, options.file);
  const seed = options.seed ?? seedFromEnv();
  const { store, file: dbFile } = await openTestStore(keepRuns(options.keep), options.redact);
  let result: FuzzResult;
  try {
    result = await fuzz(fuzzTarget, {
      ...pick(options, ['runs', 'timeLimitMs', 'shrinkTimeLimitMs', 'failOn', 'examples', 'signal', 'redact', 'reproduceRuns']),
      ...(seed !== undefined ? { seed } : {}),
      ...(file !== null ? { file } : {}),
      db: store,
      replaysDir: options.replaysDir ?? 'replays',
    });
  } finally {
    await store.close();
  }
  const reproduce = file !== null
    ? `npx beamulator fuzz ${shellQuote(file)} --seed ${result.seed}${options.runs !== undefined ? ` --runs ${options.runs}` : ''}${options.failOn ? ` --fail-on ${options.failOn}` : ''}`
    : `fuzz(target, { seed: ${result.seed}${options.runs !== undefined ? `, runs: ${options.runs}` : ''} })`;
  const c = result.coverage;
  const message = result.found
    ? formatFuzzFailure(result, { reproduce, db: dbFile, ...pick(options, ['redact']) })
    : `no failure in ${result.runs} runs (seed ${result.seed}): ${c.actions} actions by ${c.actors} actors, ${c.overlappingSteps} overlapping steps, ${c.pairs.length} behavior/action pairs, ok ${c.outcomes.ok} error ${c.outcomes.error} crash ${c.outcomes.crash}`;
  return { failed: result.found, message, result, db: dbFile };
}

/** The failure message of a fuzz campaign that found something; `redact`: names its values hide on top of the built-in rules. */
export function formatFuzzFailure(result: FuzzResult, context: { reproduce: string; db: string | null; redact?: readonly RedactPattern[] }): string {
  const names = new Map(result.actors.map((a) => [a.actorId, a.name]));
  const name = (id: number | null) => (id === null ? 'the run' : names.get(id) ?? `actor ${id}`);
  const probes = Object.keys(result.probes).length;
  const acted = result.actions.length - probes;
  const lines = [`fuzz target '${result.target}' failed: found in ${result.runs} run${result.runs === 1 ? '' : 's'} (seed ${result.seed}), shrunk to ${acted} action${acted === 1 ? '' : 's'}${probes > 0 ? ` (and ${probes} invariant probe${probes === 1 ? '' : 's'})` : ''} of ${result.actors.length} actor${result.actors.length === 1 ? '' : 's'} (${result.shrinks} shrink${result.shrinks === 1 ? '' : 's'})`];
  const failure = result.failure!;
  if (failure.kind === 'complaint') {
    const c = failure.complaint;
    lines.push(`  ${c.severity.padEnd(9)} ${c.message}  (${name(c.actorId)} at ${formatClock(c.simTime)}${c.actionSeq !== null ? `, action #${c.actionSeq}` : ''})`);
  } else if (failure.kind === 'crash') {
    lines.push(`  crash     ${failure.message}  (${name(failure.actorId)}${failure.actionSeq !== null ? `, action #${failure.actionSeq}` : ''})`);
  } else {
    lines.push(`  invariant '${failure.invariant}' broken: ${failure.message}${failure.detail !== null ? `  ${previewJson(failure.detail, 100)}` : ''}`);
  }
  // A race that bit once in a while is worth knowing before trusting the replay file.
  if (result.reproduced) {
    const { flaky, text } = describeReproduction(result.reproduced);
    lines.push(`  ${flaky ? 'FLAKY     ' : ''}${text}`);
  }
  const recordings = describeRecordings(result.recordings);
  if (recordings) lines.push(`  ${result.recordings.failed ? '' : 'FLAKY     '}${recordings}`);
  lines.push(`  shrunk run:`);
  const redactor = new Redactor({ extra: context.redact });
  const shown = result.actions.slice(0, 20);
  for (const a of shown) lines.push(`    ${formatActionLine(a, { actor: name(a.actorId), redactor })}`);
  if (result.actions.length > shown.length) lines.push(`    ... and ${result.actions.length - shown.length} more`);
  if (result.replayFile !== null) {
    lines.push(`  replay file ${result.replayFile}  (commit it: replayTests keeps it as a regression test)`);
    lines.push(`  replay     ${replayCommand(result.replayFile, null)}`);
  } else {
    lines.push('  replay file none (replaysDir: false)');
  }
  if (result.runId !== null) {
    lines.push(context.db !== null
      ? `  inspect    npx beamulator show ${result.runId} --db ${shellQuote(context.db)}`
      : `  inspect    fuzz run ${result.runId} was recorded in memory only; set ${keepRunsEnvVar}=1 (or keep: true) to keep it in a DuckDB file`);
  }
  lines.push(`  reproduce  ${context.reproduce}`);
  if (result.interrupted) lines.push('  note       the campaign was interrupted: this is the best failure so far');
  return lines.join('\n');
}

/** The error a failed fuzz test throws: its message is the whole report. */
export class FuzzTestFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FuzzTestFailure';
    this.stack = `${this.name}: ${message}`;
  }
}

async function resolveFuzzTarget(target: FuzzTarget | string, fileOption: string | undefined): Promise<{ fuzzTarget: FuzzTarget; file: string | null }> {
  if (typeof target !== 'string') {
    if (!isFuzzTarget(target)) throw new BeamulatorError('BEAM_SIMULATION_INVALID', 'cannot fuzz: the value given is not a fuzz target', 'Pass what defineFuzzTarget returned, or a *.fuzz.ts file path');
    return { fuzzTarget: target, file: fileOption !== undefined ? displayPath(fileOption) : null };
  }
  const loaded = await loadSimulation(target, 'fuzz target');
  if (!isFuzzTarget(loaded.simulation)) {
    throw new BeamulatorError('BEAM_SIMULATION_INVALID', `cannot fuzz ${target}: its default export is a simulation, not a fuzz target`, 'Export defineFuzzTarget({ ... }) from it');
  }
  return { fuzzTarget: loaded.simulation, file: displayPath(fileOption ?? target) };
}

function seedFromEnv(): number | undefined {
  const raw = process.env[seedEnvVar];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) throw new BeamulatorError('BEAM_USAGE', `cannot fuzz with ${seedEnvVar}=${raw}: a fuzz seed is a whole number`, `Set ${seedEnvVar} to a whole number, or unset it`);
  return n;
}

function pick<T extends object, K extends keyof T>(options: T, keys: readonly K[]): Pick<T, K> {
  const out: Partial<T> = {};
  for (const key of keys) if (options[key] !== undefined) out[key] = options[key];
  return out as Pick<T, K>;
}

