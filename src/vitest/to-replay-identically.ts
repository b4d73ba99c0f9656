import type { MatcherState } from 'vitest';
import type { Simulation } from '../engine/simulation.ts';
import { replayRun, type ReplayMode, type ReplayReport, type ReplaySource } from '../replay/replay-run.ts';
import { openStore } from '../store/duckdb-store.ts';
import type { RunStore } from '../store/run-store.ts';
import type { MatcherOutcome } from './matcher-outcome.ts';
import type { RecordedRun } from './recorded-run.ts';
import { replayCommand, reportText } from './replay-command.ts';
import { requireRecordedRun } from './require-recorded-run.ts';
import { runFooter } from './run-footer.ts';
import { simulationOf } from './simulation-of.ts';

/** Options of `toReplayIdentically`: how to replay (see "Replay" in the README). */
export interface ReplayIdenticallyOptions {
  /** `rerun` (default): run the simulation again from the run's seed and config. `log`: re-issue the logged actions. */
  mode?: ReplayMode;
  /** Serve the recorded answers instead of calling a target (default false: the simulation starts its target again). */
  offline?: boolean;
  /** Url of a running target to replay against (not offline). */
  target?: string;
  /**
   * The simulation to replay with. Default: the one `runSimulation` ran (the same object), else the
   * run's simulation file (`run.file`), loaded again.
   */
  simulation?: Simulation;
}

/**
 * `await expect(run).toReplayIdentically({ offline?, mode?, target?, simulation? })`: replays the
 * run from the rows on the run (no store needed, so `:memory:` runs work) and passes when every
 * action matches the original. The failure shows the first divergence (seq, sim time, actor,
 * action, args, original → replay), the number of divergences, run id, seed and the command that
 * replays it. Asynchronous: always `await` it.
 *
 * A kept run (`keep: true`) records its replay in the same DuckDB file, so the message can name
 * the replay run to inspect; otherwise the replay is not recorded.
 */
export async function toReplayIdentically(this: MatcherState, received: unknown, options: ReplayIdenticallyOptions = {}): Promise<MatcherOutcome> {
  const run = requireRecordedRun(received, 'toReplayIdentically');
  const source = replaySourceOf(run);
  const simulation = options.simulation ?? simulationOf(run);
  const how = { ...(options.mode ? { mode: options.mode } : {}), ...(options.offline ? { offline: true } : {}), ...(options.target ? { target: options.target } : {}) };
  let store: RunStore | null = null;
  let report: ReplayReport;
  try {
    if (run.db !== null) store = await openStore(run.db);
    report = await replayRun(source, {
      ...how,
      ...(simulation ? { simulation } : {}),
      db: store ?? false,
    });
  } finally {
    await store?.close();
  }
  const command = run.db !== null ? replayCommand(run.runId, run.db, how) : run.reproduce;
  const footer = runFooter(run, this);
  const replayLine = run.db !== null
    ? `  replay     ${command}\n  inspect    npx beamulator show ${report.replayRunId} --db ${run.db}  (the replay run)\n`
    : `  replay     recorded in memory only: repeat the run with the reproduce command below, then \`npx beamulator replay latest${how.mode === 'log' ? ' --mode log' : ''}${how.offline ? ' --offline' : ''}\`\n`;
  return {
    pass: report.identical,
    message: () => this.isNot
      ? `expected run ${run.runId} not to replay identically, but all ${report.compared} actions matched (${describeHow(report)})\n${footer}`
      : `expected run ${run.runId} to replay identically (${describeHow(report)}), but it diverged: ${report.divergenceCount} divergence${report.divergenceCount === 1 ? '' : 's'}\n`
        + `${reportText(report, run.actors)}${replayLine}${footer}`,
  };
}

/** What replayRun needs from a recorded run, or a TypeError naming what is missing. */
export function replaySourceOf(run: RecordedRun): ReplaySource {
  if (run.run === undefined || run.exchanges === undefined) {
    throw new TypeError(`expect(run).toReplayIdentically(): run ${run.runId} has no \`run\` row or no \`exchanges\`; `
      + "pass what runSimulation from 'beamulator/vitest' resolves to (it keeps every row a replay needs)");
  }
  return { run: run.run, actors: [...run.actors], actions: [...run.actions], exchanges: [...run.exchanges], events: [...run.events] };
}

function describeHow(report: ReplayReport): string {
  return `${report.mode}${report.offline ? ', offline' : ''}`;
}

