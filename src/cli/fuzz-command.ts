/**
 * `beamulator fuzz [files...]`: fuzz the given target files, or every `fuzz/*.fuzz.ts`, print each shrunk
 * failure readably with the command that replays it; exit 1 when a failure was found.
 *
 * main.ts loads this module for every command (even `--help`): the fuzz engine, fast-check and the
 * simulation loader are imported inside {@link fuzzCommand}, only when a campaign runs.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { wallNow } from '../clock/wall-clock.ts';
import type { FuzzCoverage, FuzzProgress, FuzzResult } from '../fuzz/fuzz.ts';
import { fuzzFailureLine, storedFailure } from '../format/fuzz-failure-line.ts';
import { describeRecordings, describeReproduction } from '../format/reproduction-line.ts';
import { defaultStorePath } from '../store/default-store-path.ts';
import { formatActionLine } from '../format/action-line.ts';
import { previewJson } from '../format/json-preview.ts';
import { severities, type ActionRecord, type Json, type Severity } from '../store/records.ts';
import { Redactor } from '../store/redact.ts';
import { formatClock, parsePositiveDuration } from '../util/duration.ts';
import { BeamulatorError, ExitCode } from '../util/errors.ts';
import { globFiles } from '../util/glob-files.ts';
import { dbFlag, styler, type Output } from './output.ts';
import type { ProjectOptions } from './project-config.ts';
import { cliJson } from '../util/strict-json.ts';
import { fuzzShare, parseShard, shardFromEnv } from '../engine/shard.ts';
import { StopSignals, stoppingLine } from './stop-signals.ts';

export interface FuzzCommandOptions extends ProjectOptions {
  runs: string;
  seed?: string;
  timeLimit: string;
  failOn?: string;
  db: string;
  replays: string;
  json?: boolean;
  /** Overrides the target's maxActors. */
  maxActors?: string;
  /** Overrides the target's maxTurns. */
  maxTurns?: string;
  /** `--overlap` (true) / `--no-overlap` (false) override the target's overlap; undefined keeps it. */
  overlap?: boolean;
  /** Runs in a row a failing shrink candidate must fail (confirmRuns). */
  confirm?: string;
  /** Re-runs of the shrunk failure (reproduceRuns). */
  reproduce?: string;
  /** `--trace`: a Playwright trace of each browser actor of the recorded failure (FuzzOptions.trace). */
  trace?: boolean;
  /** Simulation code may crash without failing a run (overrides the targets' allowCrashes). */
  allowCrashes?: boolean;
  /** The targets are known to be buggy: succeed when each one fails, fail when one passes. */
  expectFailure?: boolean;
  /** `i/N`: this process's share of the campaign (default from the environment, as for `run`). */
  shard?: string;
}

/** Adds `fuzz` to the program. */
export function registerFuzzCommand(program: Command, output: Output, setCode: (code: number) => void): void {
  program.command('fuzz')
    .argument('[files...]', 'fuzz target files, or folders of them (default: every fuzz/*.fuzz.ts)')
    .description('search populations of actors and their choices for a failure with fast-check, shrink it, record it and export its replay')
    .option('--runs <n>', 'property runs per target (search)', '1000')
    .option('--seed <n>', 'fast-check seed (default: a fresh one, printed)')
    .option('--time-limit <duration>', 'wall-time cap of the search, and separately of the shrink', '60s')
    .option('--fail-on <severity>', "complaints at or above this fail a run (default: the target's, usually annoying)")
    .option('--db <path>', 'run store where failures are recorded', defaultStorePath)
    .option('--replays <dir>', 'where replay files of failures are written', 'replays')
    .option('--max-actors <n>', "at most this many actors per run (overrides the target's maxActors)")
    .option('--max-turns <n>', "at most this many turns per actor (overrides the target's maxTurns)")
    .option('--overlap', "let the actors' tapes overlap events (races), whatever the target says")
    .option('--no-overlap', 'run events serially, whatever the target says')
    .option('--confirm <n>', 'a failing shrink candidate must fail the same way n times in a row (default 2 with overlap, else 1)')
    .option('--reproduce <n>', 'replay the shrunk failure\'s replay file in n fresh processes, as `beamulator replay <file>` would, reported k/n (default 5; 0: none)')
    .option('--trace', "record a Playwright trace of each browser actor of the shrunk failure's recorded run next to the store (traces/<run-id>/actor-<id>.zip)")
    .option('--shard <i/N>', 'run shard i of N of the campaign: its share of --runs with its own seed derived from --seed; default from BEAMULATOR_SHARD, or JOB_COMPLETION_INDEX with BEAMULATOR_SHARDS')
    .option('--allow-crashes', "a behavior or action that crashes does not fail a run (default: it does, unless the target's allowCrashes says otherwise)")
    .option('--expect-failure', 'the targets have a known bug: exit 0 when each one fails (recorded, replayable), 1 when one passes')
    .option('--json', 'print the results as JSON')
    .action(async (files: string[], opts: FuzzCommandOptions) => {
      setCode(await fuzzCommand(files, opts, output));
    });
}

/** A `--seed` of fast-check: a whole number (Number('') is 0, so an empty one is refused by name). */
export function fastCheckSeed(text: string, doing: 'fuzz' | 'shrink'): number {
  const seed = text.trim() === '' ? NaN : Number(text);
  if (!Number.isInteger(seed)) throw new BeamulatorError('BEAM_USAGE', `cannot ${doing} with --seed '${text}'`, 'Use a whole number');
  return seed;
}

export async function fuzzCommand(file: string | readonly string[] | undefined, opts: FuzzCommandOptions, output: Output): Promise<number> {
  const budget = Number(opts.runs);
  if (!Number.isInteger(budget) || budget < 1) throw new BeamulatorError('BEAM_USAGE', `cannot fuzz with --runs ${opts.runs}`, 'Use a whole number >= 1');
  const campaignSeed = opts.seed !== undefined ? fastCheckSeed(opts.seed, 'fuzz') : wallNow() % 2147483647;
  const shard = opts.shard !== undefined ? parseShard(opts.shard) : shardFromEnv(process.env);
  const { seed, runs } = shard ? fuzzShare(campaignSeed, budget, shard) : { seed: campaignSeed, runs: budget };
  if (runs === 0) throw new BeamulatorError('BEAM_USAGE', `cannot fuzz shard ${shard!.index}/${shard!.count} of ${budget} runs: it gets none`, `Raise --runs to at least ${shard!.count}`);
  const sharePart = shard ? ` ${styler(output.color).dim(`(shard ${shard.index}/${shard.count}: ${runs} of ${budget} runs, seed derived from ${campaignSeed})`)}` : '';
  const timeLimitMs = parsePositiveDuration(opts.timeLimit, '--time-limit');
  if (opts.failOn !== undefined && !severities.includes(opts.failOn as Severity)) {
    throw new BeamulatorError('BEAM_USAGE', `cannot fuzz with --fail-on '${opts.failOn}'`, `Use one of ${severities.join(', ')}`);
  }
  const maxActors = wholeOption('--max-actors', opts.maxActors);
  const maxTurns = wholeOption('--max-turns', opts.maxTurns);
  const confirmRuns = wholeOption('--confirm', opts.confirm);
  const reproduceRuns = wholeOption('--reproduce', opts.reproduce, 0);
  const overrides = {
    ...(maxActors !== undefined ? { maxActors } : {}),
    ...(maxTurns !== undefined ? { maxTurns } : {}),
    ...(opts.overlap !== undefined ? { overlap: opts.overlap } : {}),
  };
  const allowCrashes = opts.allowCrashes ? { allowCrashes: true } : {};
  const given = typeof file === 'string' ? [file] : (file ?? []);
  const [{ loadSimulation }, { withSimulationDefaults }, { campaignSettings, fuzzInternal }, { isFuzzTarget }, config, { filesOfArgument }] = await Promise.all([
    import('../engine/load-simulation.ts'), import('../engine/simulation-defaults.ts'), import('../fuzz/fuzz.ts'), import('../fuzz/fuzz-target.ts'),
    import('./project-config.ts'), import('../engine/user-files.ts'),
  ]);
  const project = opts.projectConfig;
  // A folder stands for every fuzz target inside it.
  const expanded = (await Promise.all(given.map((g) => filesOfArgument(g, 'fuzz target')))).flat();
  const files = expanded.length > 0 ? expanded : (await config.configuredFiles(project, 'fuzz')) ?? await defaultFiles();
  const redact = config.redactPatterns(project);
  const redactor = config.outputRedactor(project);
  const s = styler(output.color);
  const stop = new StopSignals((signal) => output.err(`\n${styler(output.errColor).yellow(stoppingLine(signal, 'keeping the best failure found so far'))}\n`));
  const results: Array<FuzzResult & { file: string }> = [];
  try {
    for (const f of files) {
      if (stop.signal.aborted) break;
      const simulation = withSimulationDefaults((await loadSimulation(f, 'fuzz target')).simulation, config.simulationDefaults(project));
      if (!isFuzzTarget(simulation)) {
        throw new BeamulatorError('BEAM_SIMULATION_INVALID', `cannot fuzz ${f}: its default export is not a fuzz target`, 'Export default defineFuzzTarget({ ... })');
      }
      const rel = path.relative(process.cwd(), path.resolve(f)) || f;
      const settings = campaignSettings(simulation, overrides);
      const bounds = Object.keys(overrides).length > 0 ? `  ${s.dim(`(max-actors ${settings.maxActors}, max-turns ${settings.maxTurns}, overlap ${settings.overlap ? 'on' : 'off'})`)}` : '';
      if (!opts.json) output.out(`${s.bold('fuzz')} ${simulation.name}  ${s.dim(rel)}  seed ${seed}${sharePart}${bounds}\n`);
      const draw = output.isTTY && !opts.json;
      const result = await fuzzInternal(simulation, {
        runs, seed, timeLimitMs, shrinkTimeLimitMs: timeLimitMs, file: rel, db: opts.db, replaysDir: opts.replays,
        signal: stop.signal, ...overrides, ...allowCrashes, ...(redact ? { redact } : {}),
        ...(confirmRuns !== undefined ? { confirmRuns } : {}),
        ...(reproduceRuns !== undefined ? { reproduceRuns } : {}),
        ...(opts.trace ? { trace: true } : {}),
        ...(shard ? { shard: { index: shard.index, count: shard.count } } : {}),
        ...(opts.failOn ? { failOn: opts.failOn as Severity } : {}),
        ...(draw ? { onProgress: throttled((p) => output.err(`\r${styler(output.errColor).dim(progressLine(p))}\x1b[K`)) } : {}),
      });
      if (draw) output.err('\r\x1b[K');
      results.push({ ...result, file: rel });
      if (!opts.json) output.out(formatFuzzResult(result, opts.db, output.color, redactor));
      if (!opts.json && opts.trace && result.runId) output.out(tracesLine(result.runId, opts.db));
    }
  } finally {
    stop[Symbol.dispose]();
  }
  if (opts.json) output.out(`${cliJson(results)}\n`);
  else if (results.length > 1) output.out(formatCampaignSummary(results, output.color));
  if (stop.signal.aborted && !results.some((r) => r.found)) return stop.exitCode ?? ExitCode.interrupted;
  if (opts.expectFailure) {
    const passed = results.filter((r) => !r.found);
    if (passed.length === 0) return ExitCode.ok;
    if (!opts.json) output.err(`beamulator: expected a failure, but ${passed.map((r) => r.file).join(', ')} passed. Raise --runs or --time-limit, or check that the bug is switched on\n`);
    return ExitCode.complaints;
  }
  return results.some((r) => r.found) ? ExitCode.complaints : ExitCode.ok;
}

/** One line per target after a multi-target campaign: what failed (with its replay file) and what passed. */
function formatCampaignSummary(results: ReadonlyArray<FuzzResult & { file: string }>, color: boolean): string {
  const s = styler(color);
  const failed = results.filter((r) => r.found).length;
  const lines = [s.bold(`${results.length} targets: ${failed} failed, ${results.length - failed} passed`)];
  const width = Math.max(...results.map((r) => r.file.length));
  for (const r of results) {
    const what = r.found ? `${s.red('FAILED')}  ${behaviorActions(r).length} actions${r.replayFile ? `  ${r.replayFile}` : ''}` : s.green('passed');
    lines.push(`  ${r.file.padEnd(width)}  ${what}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A whole number >= min (default 1) given to a CLI option, or undefined when the option is absent. */
export function wholeOption(flag: string, value: string | undefined, min = 1, doing: 'fuzz' | 'shrink' = 'fuzz'): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min) throw new BeamulatorError('BEAM_USAGE', `cannot ${doing} with ${flag} ${value}`, `Use a whole number >= ${min}`);
  return n;
}

/** Every fuzz target in ./fuzz (not deeper), relative to the working directory. */
async function defaultFiles(): Promise<string[]> {
  const files = (await globFiles(['fuzz/*.fuzz.{ts,js}'], '.')).map((file) => path.relative(process.cwd(), file));
  if (files.length === 0) throw new BeamulatorError('BEAM_USAGE', 'cannot fuzz: no fuzz/*.fuzz.ts files here', 'Give a fuzz target file, or run from a folder with fuzz/');
  return files;
}

function progressLine(p: FuzzProgress): string {
  const best = p.bestActions !== null ? `  best ${p.bestActions} actions` : '';
  return `  ${p.phase}  ${p.runs} runs  ${(p.elapsedMs / 1000).toFixed(1)}s  ${p.failures} failing  ${p.shrinks} shrink steps${best}`;
}

function throttled(fn: (p: FuzzProgress) => void): (p: FuzzProgress) => void {
  let last = -Infinity;
  return (p) => {
    if (p.elapsedMs - last < 100 && p.phase !== 'record') return;
    last = p.elapsedMs;
    fn(p);
  };
}

/**
 * A result, readably: the shrunk run's actors, their actions with the target's answers, the
 * failure, the replay command. `redactor`: what the printed values hide (the command passes the
 * project config's patterns; the result itself was redacted with the campaign's).
 */
export function formatFuzzResult(result: FuzzResult, db: string, color: boolean, redactor: Redactor = new Redactor()): string {
  const s = styler(color);
  const t = result.timings;
  const lines: string[] = [];
  const timing = `search ${(t.searchMs / 1000).toFixed(1)}s, shrink ${(t.shrinkMs / 1000).toFixed(1)}s`;
  if (!result.found) {
    lines.push(`  ${s.green('passed')}  ${result.runs} runs without a failure (${timing})${result.interrupted ? s.yellow('  interrupted') : ''}`);
    lines.push(...formatCoverage(result.coverage, s));
    return lines.join('\n') + '\n\n';
  }
  const failure = result.failure!;
  const what = fuzzFailureLine(storedFailure(failure));
  lines.push(`  ${s.red('FAILED')}  ${what}`);
  const acted = behaviorActions(result).length;
  const probeCount = result.actions.length - acted;
  const probes = probeCount > 0 ? ` (and ${probeCount} invariant probe${probeCount === 1 ? '' : 's'})` : '';
  lines.push(`  found after ${result.runs} runs, shrunk in ${result.shrinks} steps to ${result.actors.length} actor${result.actors.length === 1 ? '' : 's'}, ${acted} action${acted === 1 ? '' : 's'}${probes} (${timing})${result.interrupted ? s.yellow('  interrupted: best so far') : ''}`);
  if (result.reproduced) {
    const { flaky, text } = describeReproduction(result.reproduced);
    lines.push(flaky ? `  ${s.yellow('FLAKY')}  ${text}` : `  ${text}`);
  }
  const recordings = describeRecordings(result.recordings);
  if (recordings) lines.push(result.recordings.failed ? `  ${recordings}` : `  ${s.yellow('FLAKY')}  ${recordings}`);
  if (result.unconfirmed > 0) lines.push(`  ${result.unconfirmed} shrink candidate${result.unconfirmed === 1 ? '' : 's'} failed once but not again in a row (not taken)`);
  lines.push('');
  lines.push('  actors');
  const names = new Map(result.actors.map((a) => [a.actorId, a.name]));
  for (const a of result.actors) lines.push(`    ${a.name.padEnd(18)} ${previewJson(redactor.value(a.config), 100)}`);
  lines.push('');
  lines.push('  actions');
  // The failing action is marked only when the recorded run is the failing one.
  const failingSeq = !result.recordings.failed ? null : failure.kind === 'complaint' ? failure.complaint.actionSeq : failure.kind === 'crash' ? failure.actionSeq : null;
  const together = concurrentWith(behaviorActions(result));
  for (const a of result.actions) {
    const actor = names.get(a.actorId) ?? `actor ${a.actorId}`;
    lines.push(`    ${formatActionLine(a, { actor, color, failing: a.seq === failingSeq, probeOf: result.probes[a.seq], concurrent: together.get(a.seq), redactor })}`);
  }
  if (together.size > 0) lines.push(s.dim('    [with #n]: ran concurrently with action #n (other actors, same engine step)'));
  if (!result.recordings.failed) {
    lines.push(`  ${s.red('=>')} the campaign's run failed (${what}); the recorded run above did not`);
  } else if (failure.kind === 'complaint') {
    const c = failure.complaint;
    lines.push(`  ${s.red('=>')} ${names.get(c.actorId) ?? `actor ${c.actorId}`} complains at ${formatClock(c.simTime)}${c.actionSeq !== null ? ` (action #${c.actionSeq})` : ''}: ${c.message}`);
    // The detail is often the evidence (which seat, which ids) that the clipped answers above leave out.
    if (c.detail !== null && !echoesAction(c.detail)) lines.push(`     ${s.dim('detail')} ${previewJson(redactor.value(c.detail), 160)}`);
  } else if (failure.kind === 'crash') {
    lines.push(`  ${s.red('=>')} ${names.get(failure.actorId) ?? `actor ${failure.actorId}`} crashed${failure.actionSeq !== null ? ` (action #${failure.actionSeq})` : ''}: ${failure.message}${failure.at ? s.dim(` ${failure.at}`) : ''}`);
  } else {
    lines.push(`  ${s.red('=>')} invariant '${failure.invariant}' broken: ${failure.message}`);
  }
  lines.push('');
  if (result.replayFile) lines.push(`  replay    beamulator replay ${result.replayFile}`);
  if (result.runId) lines.push(`  inspect   beamulator show ${result.runId}${dbFlag(db)}`);
  return lines.join('\n') + '\n\n';
}

/** A complaint predicate's detail is its action's own record ({ action, args, outcome, ... }), already printed on the action's line. */
function echoesAction(detail: Json): boolean {
  return typeof detail === 'object' && detail !== null && !Array.isArray(detail) && 'action' in detail && 'args' in detail && 'outcome' in detail;
}

/** The shrunk run's actions without the invariants' probes (they are not the behaviors' choices). */
function behaviorActions(result: FuzzResult): ActionRecord[] {
  return result.actions.filter((a) => result.probes[a.seq] === undefined);
}

/** What a passing campaign explored, so a user can tell a target that held from a search that went nowhere. */
function formatCoverage(c: FuzzCoverage, s: ReturnType<typeof styler>): string[] {
  const below = c.complaintsBelowFailLevel;
  const belowTotal = below.urgent + below.annoying + below.justsayin;
  const lines = [
    `  explored  ${c.actions} actions by ${c.actors} actors in ${c.runs} runs${c.probes > 0 ? ` (and ${c.probes} invariant probes)` : ''}, ${c.overlappingSteps} overlapping steps`,
    `  outcomes  ok ${c.outcomes.ok}, error ${c.outcomes.error}, crash ${c.outcomes.crash}${c.crashes > 0 ? `; ${c.crashes} behavior crashes (allowed)` : ''}`,
    `  pairs     ${c.pairs.length} behavior/action pairs: ${c.pairs.slice(0, 8).join(', ') || 'none'}${c.pairs.length > 8 ? `, …+${c.pairs.length - 8} (--json for all)` : ''}`,
    `  below the fail level  ${belowTotal} complaints (urgent ${below.urgent}, annoying ${below.annoying}, justsayin ${below.justsayin})`,
  ];
  if (c.actions === 0) lines.push(`  ${s.yellow('warning')}  no action ran: the search explored nothing (check the behaviors and the target)`);
  else if (c.outcomes.ok === 0) lines.push(`  ${s.yellow('warning')}  no action succeeded: every one ended in error or crash (is the target answering?)`);
  return lines;
}

/** Seq -> the other actors' actions of the same engine step (they ran concurrently: overlap). */
function concurrentWith(actions: readonly ActionRecord[]): Map<number, number[]> {
  const bySteps = new Map<number, ActionRecord[]>();
  for (const a of actions) {
    const step = bySteps.get(a.step);
    if (step) step.push(a);
    else bySteps.set(a.step, [a]);
  }
  const out = new Map<number, number[]>();
  for (const step of bySteps.values()) {
    for (const a of step) {
      const others = step.filter((b) => b.actorId !== a.actorId).map((b) => b.seq);
      if (others.length > 0) out.set(a.seq, others);
    }
  }
  return out;
}

/** Where `--trace` put the recorded failure's traces (next to the store). */
function tracesLine(runId: string, db: string): string {
  const dir = path.join(path.dirname(path.resolve(db)), 'traces', runId);
  if (!existsSync(dir)) return '  traces    none: no browser actor ran in the recorded failure\n';
  const relative = path.relative(process.cwd(), dir);
  return `  traces    ${relative.startsWith('..') ? dir : relative}/ (open one with \`npx playwright show-trace <file>\`)\n`;
}
