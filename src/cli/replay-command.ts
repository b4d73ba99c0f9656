import { existsSync } from 'node:fs';
import path from 'node:path';
import { openStore } from '../store/duckdb-store.ts';
import { BeamulatorError, ExitCode } from '../util/errors.ts';
import { formatReplayReport } from '../replay/format-report.ts';
import { readReplayFile, readRunBundle } from '../replay/replay-file.ts';
import { findRecordedSimulation } from '../replay/simulation-file.ts';
import { replayRunInternal, type ReplayMode } from '../replay/replay-run.ts';
import type { Simulation } from '../engine/simulation.ts';
import { fuzzFailureLine, storedFailureOf } from '../format/fuzz-failure-line.ts';
import { failureRecurs } from '../fuzz/failure-recurs.ts';
import type { ActionRecord, EventRecord } from '../store/records.ts';
import { clip } from '../util/clip.ts';
import { ActionTally } from './action-tally.ts';
import { dbFlag, styler, type Output } from './output.ts';
import { recoveringNotice } from './recovering-notice.ts';
import { outputRedactor, redactPatterns, simulationDefaults, type ProjectOptions } from './project-config.ts';
import { cliJson } from '../util/strict-json.ts';
import { StopSignals, stoppingLine } from './stop-signals.ts';

export interface ReplayCommandOptions extends ProjectOptions {
  mode: string;
  offline?: boolean;
  pace: string;
  db: string;
  target?: string;
  sim?: string;
  json?: boolean;
  allowEdited?: boolean;
  checkTarget?: boolean;
  /** Replay up to this many times, stopping at the first that reproduces the recording. */
  attempts?: string;
}

/**
 * `beamulator replay <run-id | file.json>`: replay, compare, report; exit 7 when it diverged.
 * `--attempts n`: replay up to n times, stopping at the first replay that reproduces the
 * recording (a fuzz run's recorded failure recurs; for any other run, or in log mode, the replay
 * is identical); exit 0 when one did, 7 when none did.
 */
export async function replayCommand(ref: string, opts: ReplayCommandOptions, output: Output): Promise<number> {
  if (opts.mode !== 'rerun' && opts.mode !== 'log') {
    throw new BeamulatorError('BEAM_USAGE', `cannot replay with --mode '${opts.mode}'`, 'Use rerun (run the simulation again from its seed) or log (re-issue the logged actions)');
  }
  if (opts.pace !== 'original' && opts.pace !== 'fast') {
    throw new BeamulatorError('BEAM_USAGE', `cannot replay with --pace '${opts.pace}'`, 'Use original or fast');
  }
  if (opts.offline && opts.target) {
    throw new BeamulatorError('BEAM_USAGE', 'cannot replay offline against a target', 'Drop --offline to call the target, or drop --target');
  }
  const maxAttempts = opts.attempts === undefined ? 1 : Number(opts.attempts);
  if (opts.attempts !== undefined && (opts.attempts.trim() === '' || !Number.isInteger(maxAttempts) || maxAttempts < 1)) {
    throw new BeamulatorError('BEAM_USAGE', `cannot replay with --attempts ${opts.attempts}`, 'Use a whole number >= 1');
  }
  const fromFile = ref.endsWith('.json') || existsSync(ref);
  const bundle = fromFile ? await readReplayFile(ref, { allowEdited: Boolean(opts.allowEdited) }) : null;
  const redact = redactPatterns(opts.projectConfig);
  const store = await openStore(opts.db, { redact: { extra: redact }, onRecovering: recoveringNotice(output, opts.db) });
  const stop = new StopSignals((signal) => output.err(`\n${styler(output.errColor).yellow(stoppingLine(signal, 'saving the replay so far'))}\n`));
  try {
    const source = bundle ?? (await readRunBundle(store, await store.resolveRunId(ref)));
    // The run names its simulation relative to where it was recorded: find it from here.
    const recordedIn = fromFile ? path.dirname(path.resolve(ref)) : opts.db === ':memory:' ? null : path.dirname(path.resolve(opts.db));
    const simulationFile = opts.sim ?? findRecordedSimulation(source.run, recordedIn) ?? undefined;
    const stored = storedFailureOf(source.run);
    const replayOnce = async () => {
      const tally = new ActionTally(outputRedactor(opts.projectConfig));
      const actions: ActionRecord[] = [];
      const events: EventRecord[] = [];
      // Only an invariant or a crash needs the log (a replay can be long).
      const keepLog = stored?.kind === 'invariant' || stored?.kind === 'crash';
      let simulation: Simulation | null = null;
      const report = await replayRunInternal(source, {
        mode: opts.mode as ReplayMode, offline: Boolean(opts.offline), pace: opts.pace as 'original' | 'fast',
        db: store, signal: stop.signal, defaults: simulationDefaults(opts.projectConfig),
        hooks: {
          onAction: (a) => {
            tally.add(a);
            if (keepLog) actions.push(a);
          },
          onEvent: (e) => {
            if (keepLog) events.push(e);
          },
        },
        onSimulation: (sim) => (simulation = sim),
        ...(redact ? { redact } : {}),
        ...(opts.target ? { target: opts.target } : {}),
        ...(simulationFile ? { file: simulationFile } : {}),
        ...(opts.checkTarget ? { checkTarget: true } : {}),
      });
      // A fuzz run's failure recurs, or (any other run, or a log replay, which raises no complaints) the replay is identical.
      const reproduces = stored && report.complaints ? failureRecurs(stored, { simulation, run: source.run, actions, complaints: report.complaints, events }) : report.identical;
      return { report, tally, reproduces };
    };
    // --attempts: a timing-dependent failure is replayed again until it reproduces, up to n times.
    let made = 0;
    let last: Awaited<ReturnType<typeof replayOnce>>;
    do {
      made++;
      last = await replayOnce();
    } while (!last.reproduces && made < maxAttempts && !stop.signal.aborted && !last.tally.targetDown);
    const { report, tally, reproduces } = last;
    // A replay that reached no target compared nothing worth reading: that is exit 4, not 7.
    const exitCode = stop.exitCode ?? (tally.targetDown ? ExitCode.target
      : (opts.attempts !== undefined ? reproduces : report.identical) ? ExitCode.ok : ExitCode.diverged);
    const attempts = { made, reproduced: reproduces ? 1 : 0, max: maxAttempts };
    if (opts.json) {
      output.out(`${cliJson({ ...report, exitCode, reproduces, attempts })}\n`);
      return exitCode;
    }
    if (tally.targetDown) {
      output.out(`replay ${report.replayRunId} of ${report.parentRunId}: none of its ${tally.actions} actions reached the target\n  inspect   beamulator show ${report.replayRunId}${dbFlag(opts.db)}\n`);
      output.err(`beamulator: cannot replay run ${report.parentRunId}: cannot reach the target, every action failed (${tally.lastUnreachable}). Start it, point at it with --target <url>, or replay with --offline\n`);
      return exitCode;
    }
    const s = styler(output.color);
    output.out(formatReplayReport(report, source.actors, output.color, source.complaints, outputRedactor(opts.projectConfig)));
    if (stored && report.complaints) {
      output.out(`  the recorded failure ${reproduces ? s.green('recurred') : s.red('did not recur')} (${clip(fuzzFailureLine(stored), 100)})\n`);
    }
    if (opts.attempts !== undefined) {
      output.out(reproduces
        ? `  ${s.green(`reproduced ${attempts.reproduced}/${made}`)}${made > 1 ? ` (at attempt ${made}; the ${made - 1} before did not)` : ''}\n`
        : `  ${s.red(`reproduced 0/${made}`)}: no attempt reproduced the recording${made < maxAttempts ? ' (stopped early)' : ''}\n`);
    }
    output.out(`\n  inspect   beamulator show ${report.replayRunId}${dbFlag(opts.db)}\n`);
    if (exitCode === ExitCode.diverged) {
      output.out(opts.attempts !== undefined
        ? `\n${s.red('not reproduced')}: exit 7. The last attempt is stored as run ${report.replayRunId}; --json gives every divergence kept.\n`
        : `\n${s.red('diverged')}: exit 7. The replay is stored as run ${report.replayRunId}; --json gives every divergence kept.\n`);
    }
    return exitCode;
  } finally {
    stop[Symbol.dispose]();
    await store.close();
  }
}
