import { existsSync } from 'node:fs';
import path from 'node:path';
import { openStore } from '../store/duckdb-store.ts';
import { BeamulatorError, ExitCode } from '../util/errors.ts';
import { formatReplayReport } from '../replay/format-report.ts';
import { readReplayFile, readRunBundle } from '../replay/replay-file.ts';
import { findRecordedSimulation } from '../replay/simulation-file.ts';
import { replayRunInternal, type ReplayMode } from '../replay/replay-run.ts';
import { ActionTally } from './action-tally.ts';
import { dbFlag, styler, type Output } from './output.ts';
import { outputRedactor, redactPatterns, simulationDefaults, type ProjectOptions } from './project-config.ts';
import { cliJson } from '../util/strict-json.ts';

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
}

/** `beamulator replay <run-id | file.json>`: replay, compare, report; exit 7 when it diverged. */
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
  const fromFile = ref.endsWith('.json') || existsSync(ref);
  const bundle = fromFile ? await readReplayFile(ref, { allowEdited: Boolean(opts.allowEdited) }) : null;
  const redact = redactPatterns(opts.projectConfig);
  const store = await openStore(opts.db, { redact: { extra: redact } });
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.on('SIGINT', onSigint);
  const tally = new ActionTally();
  try {
    const source = bundle ?? (await readRunBundle(store, await store.resolveRunId(ref)));
    // The run names its simulation relative to where it was recorded: find it from here.
    const recordedIn = fromFile ? path.dirname(path.resolve(ref)) : opts.db === ':memory:' ? null : path.dirname(path.resolve(opts.db));
    const simulationFile = opts.sim ?? findRecordedSimulation(source.run, recordedIn) ?? undefined;
    const report = await replayRunInternal(source, {
      mode: opts.mode as ReplayMode, offline: Boolean(opts.offline), pace: opts.pace as 'original' | 'fast',
      db: store, signal: controller.signal, defaults: simulationDefaults(opts.projectConfig), hooks: { onAction: tally.add },
      ...(redact ? { redact } : {}),
      ...(opts.target ? { target: opts.target } : {}),
      ...(simulationFile ? { file: simulationFile } : {}),
      ...(opts.checkTarget ? { checkTarget: true } : {}),
    });
    // A replay that reached no target compared nothing worth reading: that is exit 4, not 7.
    const exitCode = controller.signal.aborted ? ExitCode.interrupted : tally.targetDown ? ExitCode.target
      : report.identical ? ExitCode.ok : ExitCode.diverged;
    if (opts.json) {
      output.out(`${cliJson({ ...report, exitCode })}\n`);
      return exitCode;
    }
    if (tally.targetDown) {
      output.out(`replay ${report.replayRunId} of ${report.parentRunId}: none of its ${tally.actions} actions reached the target\n  inspect   beamulator show ${report.replayRunId}${dbFlag(opts.db)}\n`);
      output.err(`beamulator: cannot replay run ${report.parentRunId}: cannot reach the target, every action failed (${tally.lastUnreachable}). Start it, point at it with --target <url>, or replay with --offline\n`);
      return exitCode;
    }
    const s = styler(output.color);
    output.out(formatReplayReport(report, source.actors, output.color, source.complaints, outputRedactor(opts.projectConfig)));
    output.out(`\n  inspect   beamulator show ${report.replayRunId}${dbFlag(opts.db)}\n`);
    if (!report.identical) output.out(`\n${s.red('diverged')}: exit 7. The replay is stored as run ${report.replayRunId}; --json gives every divergence kept.\n`);
    return exitCode;
  } finally {
    process.off('SIGINT', onSigint);
    await store.close();
  }
}
