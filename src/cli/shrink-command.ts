/**
 * `beamulator shrink <run-id> --target <fuzz file>`: the hybrid workflow. A failing normal
 * (seeded) run's choices are recorded as canonical tapes, shrunk by fast-check through the fuzz
 * target's property, recorded as a `fuzz` run and exported as a replay file.
 *
 * main.ts loads this module for every command (even `--help`): the store, the fuzz engine and the
 * simulation loader are imported inside {@link shrinkCommand}, only when it runs.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { defaultStorePath } from '../store/default-store-path.ts';
import { severities, type Severity } from '../store/records.ts';
import { parsePositiveDuration } from '../util/duration.ts';
import { BeamulatorError, ExitCode } from '../util/errors.ts';
import { fastCheckSeed, formatFuzzResult, wholeOption, type FuzzCommandOptions } from './fuzz-command.ts';
import { styler, type Output } from './output.ts';
import { recoveringNotice } from './recovering-notice.ts';
import { cliJson } from '../util/strict-json.ts';
import { StopSignals, stoppingLine } from './stop-signals.ts';

/** The fuzz command's search options, plus the fuzz target to shrink with. */
export interface ShrinkCommandOptions extends Pick<FuzzCommandOptions, 'seed' | 'timeLimit' | 'failOn' | 'db' | 'replays' | 'json' | 'projectConfig' | 'reproduce'> {
  target: string;
}

/** Adds `shrink` to the program. */
export function registerShrinkCommand(program: Command, output: Output, setCode: (code: number) => void): void {
  program.command('shrink')
    .argument('<run-id>', "a failing run made by `beamulator run` (id, unique prefix, or 'latest')")
    .description("shrink a failing seeded run with fast-check through a fuzz target's property, record it and export its replay")
    .requiredOption('--target <file>', 'the fuzz target file (fuzz/*.fuzz.ts) whose simulation made the run')
    .option('--seed <n>', 'fast-check seed of the shrink', '42')
    .option('--time-limit <duration>', 'wall-time cap of the shrink', '60s')
    .option('--fail-on <severity>', "complaints at or above this count as the failure (default: the target's, usually annoying)")
    .option('--db <path>', 'run store holding the run; the shrunk run is recorded there too', defaultStorePath)
    .option('--replays <dir>', 'where the replay file of the shrunk run is written', 'replays')
    .option('--reproduce <n>', "replay the shrunk run's replay file in n fresh processes, reported k/n (default 5; 0: none)")
    .option('--json', 'print the result as JSON')
    .action(async (runId: string, opts: ShrinkCommandOptions) => {
      setCode(await shrinkCommand(runId, opts, output));
    });
}

export async function shrinkCommand(runRef: string, opts: ShrinkCommandOptions, output: Output): Promise<number> {
  const seed = fastCheckSeed(opts.seed ?? '42', 'shrink');
  const shrinkTimeLimitMs = parsePositiveDuration(opts.timeLimit, '--time-limit');
  const reproduceRuns = wholeOption('--reproduce', opts.reproduce, 0, 'shrink');
  if (opts.failOn !== undefined && !severities.includes(opts.failOn as Severity)) {
    throw new BeamulatorError('BEAM_USAGE', `cannot shrink with --fail-on '${opts.failOn}'`, `Use one of ${severities.join(', ')}`);
  }
  const [{ loadSimulation }, { withSimulationDefaults }, { isFuzzTarget }, { shrinkRun }, { openStore }, config] = await Promise.all([
    import('../engine/load-simulation.ts'), import('../engine/simulation-defaults.ts'), import('../fuzz/fuzz-target.ts'), import('../fuzz/shrink-run.ts'),
    import('../store/duckdb-store.ts'), import('./project-config.ts'),
  ]);
  const loaded = await loadSimulation(opts.target, 'fuzz target');
  const simulation = withSimulationDefaults(loaded.simulation, config.simulationDefaults(opts.projectConfig));
  if (!isFuzzTarget(simulation)) {
    throw new BeamulatorError('BEAM_SIMULATION_INVALID', `cannot shrink with ${opts.target}: its default export is not a fuzz target`, 'Export default defineFuzzTarget({ ... })');
  }
  const rel = path.relative(process.cwd(), path.resolve(opts.target)) || opts.target;
  const s = styler(output.color);
  const redact = config.redactPatterns(opts.projectConfig);
  const store = await openStore(opts.db, { redact: { extra: redact }, onRecovering: recoveringNotice(output, opts.db) });
  const stop = new StopSignals((signal) => output.err(`\n${styler(output.errColor).yellow(stoppingLine(signal, 'keeping the smallest failure so far'))}\n`));
  try {
    const runId = await store.resolveRunId(runRef);
    if (!opts.json) output.out(`${s.bold('shrink')} run ${runId} with ${simulation.name}  ${s.dim(rel)}  seed ${seed}\n`);
    const result = await shrinkRun(simulation, store, runId, {
      seed, shrinkTimeLimitMs, file: rel, db: store, replaysDir: opts.replays, signal: stop.signal,
      ...(redact ? { redact } : {}),
      ...(opts.failOn ? { failOn: opts.failOn as Severity } : {}),
      ...(reproduceRuns !== undefined ? { reproduceRuns } : {}),
    });
    if (opts.json) {
      output.out(`${cliJson(result)}\n`);
    } else {
      const shrunk = result.failure?.actionsAtFailure ?? result.actions.length;
      output.out(`  source run ${runId}: ${result.recordedSpec.actors.length} actors, ${result.sourceActions} actions up to "${result.sourceComplaint.message}"\n`);
      output.out(`  shrunk to ${result.actors.length} actor${result.actors.length === 1 ? '' : 's'}, ${shrunk} actions up to the failure\n`);
      output.out(formatFuzzResult(result, opts.db, output.color, config.outputRedactor(opts.projectConfig)));
    }
    return stop.exitCode ?? ExitCode.complaints;
  } finally {
    stop[Symbol.dispose]();
    await store.close();
  }
}
