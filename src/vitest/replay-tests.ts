import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'vitest';
import type { Simulation } from '../engine/simulation.ts';
import { loadReplayFile, type ReplayBundle } from '../replay/replay-file.ts';
import { replayRun, type ReplayMode, type ReplayReport } from '../replay/replay-run.ts';
import type { RedactPattern } from '../store/redact.ts';
import { BeamulatorError, errorMessage } from '../util/errors.ts';
import { replayCommand, reportText } from './replay-command.ts';

/** Options of `replayTests` and `checkReplayFile`. */
export interface ReplayTestsOptions {
  /** `rerun` (default) or `log`. */
  mode?: ReplayMode;
  /**
   * Serve the recorded answers (default true: no target needed, the replay checks that the
   * simulation still makes the same actions and reacts the same to the same answers). `false`:
   * the simulation starts its target (or `target` is used) and the target's answers are compared too.
   */
  offline?: boolean;
  /** Url of a running target (with `offline: false`). */
  target?: string;
  /** Accept files edited after export (their checksum does not match). Default false. */
  allowEdited?: boolean;
  /** The simulation to replay every file with, instead of each file's `run.file`. */
  simulation?: Simulation;
  /** Timeout of each test, ms (default: vitest's testTimeout). */
  timeout?: number;
  /**
   * Let a folder with no replay files pass (one passing test says so). Default false: an empty
   * folder fails, so replay tests cannot vanish unnoticed. A missing folder fails either way.
   */
  allowEmpty?: boolean;
  /** Names the failure messages hide on top of the built-in rules (what beamulator.config.ts's `redact` is to the CLI). */
  redact?: readonly RedactPattern[];
}

/** The outcome of replaying one replay file. */
export interface ReplayFileOutcome {
  file: string;
  pass: boolean;
  /** Why it failed, with the command that repeats the replay; a one-line summary when it passed. */
  message: string;
  /** The file's run, when the file could be read. */
  bundle: ReplayBundle | null;
  /** The comparison, when the replay ran. */
  report: ReplayReport | null;
}

/**
 * Reads one replay file and replays it (offline unless told otherwise): what each test of
 * `replayTests` does. Never throws for a bad file, a simulation that does not load or a
 * divergence: those are a failed outcome with a message that says what is wrong.
 *
 * @example
 * const outcome = await checkReplayFile('replays/todo-example.json');
 * if (!outcome.pass) throw new Error(outcome.message);
 */
export async function checkReplayFile(file: string, options: ReplayTestsOptions = {}): Promise<ReplayFileOutcome> {
  const offline = options.offline ?? true;
  const how = { ...(options.mode ? { mode: options.mode } : {}), offline, ...(options.target ? { target: options.target } : {}) };
  const command = `${replayCommand(file, null, how)}${options.allowEdited ? ' --allow-edited' : ''}`;
  let bundle: ReplayBundle;
  try {
    bundle = (await loadReplayFile(file, options.allowEdited ? { allowEdited: true } : {})).bundle;
  } catch (error) {
    // readReplayFile's own one-line message: truncated (with line, column, byte), another version, edited, ...
    return { file, pass: false, message: errorMessage(error), bundle: null, report: null };
  }
  const { run } = bundle;
  if (options.simulation === undefined && !run.file) {
    return {
      file, pass: false, bundle, report: null,
      message: `cannot replay ${file}: its run ${run.runId} does not name its simulation file (run.file is empty); pass \`simulation\` in the options of replayTests`,
    };
  }
  let report: ReplayReport;
  try {
    report = await replayRun(bundle, {
      ...how,
      ...(options.simulation ? { simulation: options.simulation } : {}),
      ...(options.redact ? { redact: options.redact } : {}),
      db: false,
    });
  } catch (error) {
    return { file, pass: false, bundle, report: null, message: `cannot replay ${file} (run ${run.runId}, ${run.kind} of ${run.simulation}): ${errorMessage(error)}\n  replay     ${command}` };
  }
  if (report.identical) {
    return { file, pass: true, bundle, report, message: `${file}: identical (${report.compared} actions, ${describeHow(report)})` };
  }
  return {
    file, pass: false, bundle, report,
    message: `replay file ${file} diverged from its recording (run ${run.runId}, ${run.kind} of ${run.simulation}, seed ${run.seed}): `
      + `${report.divergenceCount} divergence${report.divergenceCount === 1 ? '' : 's'}\n`
      + `${reportText(report, bundle.actors)}  replay     ${command}`,
  };
}

/** The `*.json` files of a folder, sorted; null when the folder does not exist. */
export function listReplayFiles(dir: string): string[] | null {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) return null;
    names = readdirSync(dir);
  } catch {
    return null;
  }
  return names.filter((name) => name.endsWith('.json')).sort();
}

/**
 * Turns every `*.json` replay file of `dir` (default `replays`, relative to the working
 * directory) into one vitest test, which replays the file (offline by default) and fails with
 * the divergence report and the `npx beamulator replay <file>` command. A file that cannot be
 * read (truncated, edited, another version) fails its test with readReplayFile's message.
 *
 * A folder with no replay files fails (one failing test, `no replay files in <dir>`), unless
 * `allowEmpty` is set; a folder that does not exist always fails: a mistyped name or another
 * working directory must not turn the regression tests into nothing.
 *
 * Call it at the top level of a test file (or inside a describe).
 *
 * @example
 * // test/replays.test.ts
 * import { replayTests } from 'beamulator/vitest';
 * replayTests('replays');
 */
export function replayTests(dir = 'replays', options: ReplayTestsOptions = {}): void {
  const files = listReplayFiles(dir);
  const label = dir.endsWith('/') ? dir : `${dir}/`;
  describe(label, () => {
    if (files === null || files.length === 0) {
      const failure = files === null ? missingFolder(dir) : options.allowEmpty ? null : emptyFolder(dir);
      it(`no replay files in ${dir}${files === null ? ' (no such folder)' : ''}`, () => {
        if (failure) throw failure;
      });
      return;
    }
    for (const name of files) {
      it(name, async () => {
        const outcome = await checkReplayFile(path.join(dir, name), options);
        if (!outcome.pass) throw new ReplayFileFailure(outcome.message);
      }, options.timeout);
    }
  });
}

/** The error a failed replay test throws: its message is the whole report (no stack to read). */
export class ReplayFileFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplayFileFailure';
    this.stack = `${this.name}: ${message}`;
  }
}

function missingFolder(dir: string): BeamulatorError {
  return new BeamulatorError('BEAM_REPLAY_NOT_FOUND', `cannot replay the files of ${dir}: there is no folder ${path.resolve(dir)}`,
    'Pass the folder of the replay files, relative to the working directory of the tests, or create it (keep it in git with a .gitkeep, and pass { allowEmpty: true } while it is empty)');
}

function emptyFolder(dir: string): BeamulatorError {
  return new BeamulatorError('BEAM_REPLAY_NOT_FOUND', `cannot replay the files of ${dir}: it has no *.json replay files`,
    `Export a run into it (npx beamulator export <run-id> -o ${path.join(dir, '<name>.json')}), or pass { allowEmpty: true } to replayTests while it has none`);
}

function describeHow(report: ReplayReport): string {
  return `${report.mode}${report.offline ? ', offline' : ''}`;
}

