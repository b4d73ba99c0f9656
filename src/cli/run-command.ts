import path from 'node:path';
import { atLeast } from '../engine/complaint.ts';
import type { LoadedConfig } from '../config/load-config.ts';
import { loadSimulation } from '../engine/load-simulation.ts';
import { resolveParams } from '../engine/resolve-params.ts';
import { withSimulationDefaults } from '../engine/simulation-defaults.ts';
import { redactionOf } from '../engine/simulation.ts';
import { Redactor } from '../store/redact.ts';
import { runSimulationInternal } from '../engine/run-simulation.ts';
import { defaultStorePath } from '../store/duckdb-store.ts';
import type { ComplaintRecord, Severity } from '../store/records.ts';
import { formatDuration, parseDuration, toSeconds } from '../util/duration.ts';
import { parseShard, shardFromEnv, type Shard } from '../engine/shard.ts';
import { parseFailOn } from './fail-on.ts';
import { reproduceCommand } from '../util/reproduce-command.ts';
import { BeamulatorError, ExitCode } from '../util/errors.ts';
import { globFiles } from '../util/glob-files.ts';
import { ActionTally } from './action-tally.ts';
import { formatRunSummary, groupComplaints } from './format-run.ts';
import { dbFlag, styler, type Output } from './output.ts';
import { formatBytes } from './format-bytes.ts';
import { recoveringNotice } from './recovering-notice.ts';
import { configuredFiles, redactPatterns, simulationDefaults, type ProjectOptions } from './project-config.ts';
import { cliJson } from '../util/strict-json.ts';
import { loadLeftJournals, openRunStore, type DuckDBRunStore } from '../store/duckdb-store.ts';
import type { RunRecord } from '../store/records.ts';
import { resumeRunOptions, runToResume } from '../engine/resume-options.ts';
import { findRecordedSimulation } from '../replay/simulation-file.ts';
import { StopSignals, stoppingLine } from './stop-signals.ts';
import { bothHooks, startRunDashboard, type LiveDashboard } from './live-dashboard.ts';
import type { EngineHooks } from '../engine/engine-hooks.ts';
import type { LagSummary } from '../engine/pace-control.ts';
import type { RunControl } from '../engine/run-control.ts';
import { runControlHandlers, type RunControls } from './run-controls.ts';

export interface RunCommandOptions extends ProjectOptions {
  seed?: string;
  duration?: string;
  /** `--param name=value` flags, in order (a later one wins). */
  param?: string[];
  db: string;
  target?: string;
  concurrency?: number;
  overlapWindow?: string;
  speed?: number;
  startAt?: string;
  actors?: Record<string, number>;
  shard?: string;
  group?: string;
  maxActions?: number;
  maxWallTime?: string;
  resume?: string;
  failOn: string;
  /** `--trace`: a Playwright trace per browser actor, next to the store. */
  trace?: boolean;
  json?: boolean;
  progress: boolean;
  dashboard?: boolean;
  dashboardHost: string;
  dashboardPort: string;
}

/** `beamulator run`: load, run, print the summary, map complaints to the exit code. */
export async function runCommand(fileArg: string | undefined, opts: RunCommandOptions, output: Output): Promise<number> {
  const failOn = parseFailOn(opts.failOn);
  const project = opts.projectConfig;
  // --resume: the run to continue names its simulation (a file given still wins).
  const resuming = opts.resume !== undefined ? await openResumed(opts, output) : null;
  // The run's own open would load a killed run's journal silently (it can take seconds): say so.
  if (!resuming) await loadLeftJournals(opts.db, recoveringNotice(output, opts.db));
  try {
    const file = fileArg ?? resuming?.file ?? (await findSimulationFile(project));
    return await runLoaded(file, resuming, failOn, opts, output);
  } finally {
    await resuming?.store.close();
  }
}

interface Resuming {
  store: DuckDBRunStore;
  run: RunRecord;
  file: string | undefined;
}

/** The store and the run `--resume` names, checked before anything loads (see runToResume). */
async function openResumed(opts: RunCommandOptions, output: Output): Promise<Resuming> {
  for (const [flag, given] of [['--seed', opts.seed], ['--param', opts.param], ['--actors', opts.actors], ['--concurrency', opts.concurrency], ['--overlap-window', opts.overlapWindow], ['--shard', opts.shard]] as const) {
    if (given !== undefined) throw new BeamulatorError('BEAM_USAGE', `cannot use ${flag} with --resume: a resumed run keeps the settings of the run it continues`, `Drop ${flag}`);
  }
  const store = await openRunStore(opts.db, { redact: { extra: redactPatterns(opts.projectConfig) }, onRecovering: recoveringNotice(output, opts.db) });
  try {
    const run = await runToResume(store, opts.resume!);
    const recordedIn = opts.db === ':memory:' ? null : path.dirname(path.resolve(opts.db));
    return { store, run, file: findRecordedSimulation(run, recordedIn) ?? undefined };
  } catch (error) {
    await store.close();
    throw error;
  }
}

async function runLoaded(file: string, resuming: Resuming | null, failOn: Severity | null, opts: RunCommandOptions, output: Output): Promise<number> {
  const project = opts.projectConfig;
  const loaded = await loadSimulation(file);
  const { file: absFile, codeHash } = loaded;
  const simulation = withSimulationDefaults(loaded.simulation, simulationDefaults(project));
  if (opts.overlapWindow !== undefined && opts.speed !== undefined) {
    throw new BeamulatorError('BEAM_USAGE', `cannot use --overlap-window with --speed: a paced run has no steps to overlap (each turn runs when it is due)`, 'Drop --overlap-window');
  }
  if (opts.overlapWindow !== undefined && (opts.concurrency ?? simulation.concurrency ?? 1) === 1) {
    // With one action in flight at a time nothing can overlap: the window would be ignored.
    throw new BeamulatorError('BEAM_USAGE', `cannot use --overlap-window ${opts.overlapWindow} without concurrency: one action at a time never overlaps`, 'Add --concurrency <n> with n >= 2, or drop --overlap-window');
  }
  if (opts.trace && opts.db === ':memory:') {
    throw new BeamulatorError('BEAM_USAGE', 'cannot use --trace with --db :memory:: traces are written next to the store file', 'Give --db a file, or drop --trace');
  }
  const shard = shardOption(opts);
  // Like the shard, read from the environment when the flag is absent (a Job's pods share it).
  const startAt = opts.startAt ?? (process.env.BEAMULATOR_START_AT || undefined);
  const redact = redactPatterns(project);
  // Resolved here, not only in runSimulation, so errors name the flag and the output can say where a value came from.
  const resumeOptions = resuming ? await resumeRunOptions(resuming.store, resuming.run, simulation, opts.duration) : null;
  const params = resumeOptions ? resolveParams(simulation, { given: resumeOptions.params, env: resumeOptions.env ?? process.env }) : resolveParams(simulation, { flags: opts.param, env: process.env });
  const s = styler(output.color);
  const se = styler(output.errColor);

  const complaints: ComplaintRecord[] = [];
  const traces: string[] = [];
  const actorNames = new Map<number, string>();
  const crashes: string[] = [];
  // Error messages are free text that may quote a secret: printed lines hide what the store hides.
  const redactor = new Redactor({ extra: redactionOf(simulation, redact) });
  const tally = new ActionTally(redactor);
  const stop = new StopSignals((signal) => output.err(`\n${se.yellow(stoppingLine(signal, 'saving the run'))}\n`));
  const drawProgress = opts.progress && output.isTTY && !opts.json;
  let progressDrawn = false;
  let live: LiveDashboard | null = null;
  const paced = (opts.speed ?? simulation.speed) !== undefined;
  // The run hands its controls out when its actors start; the dashboard's handlers find them here.
  const controls: RunControls = { population: null, pace: null };
  try {
    if (opts.dashboard) {
      live = await startRunDashboard(simulation, redactor, { host: opts.dashboardHost, port: opts.dashboardPort }, runControlHandlers(controls, paced),
        paced ? () => controls.pace?.status() ?? null : undefined);
      output.err(`${se.dim('dashboard')}  ${se.bold(live.dashboard.url)}  ${se.dim('(live while the run runs)')}\n`);
    }
    const result = await runSimulationInternal(simulation, {
      ...resumeOptions,
      db: resuming?.store ?? opts.db,
      file: path.relative(process.cwd(), absFile) || absFile,
      codeHash,
      signal: stop.signal,
      params: params.values,
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      ...(opts.duration !== undefined && !resumeOptions ? { duration: opts.duration } : {}),
      ...(opts.target !== undefined ? { target: opts.target } : {}),
      ...(opts.concurrency !== undefined ? { concurrency: opts.concurrency } : {}),
      ...(opts.overlapWindow !== undefined ? { overlapWindow: opts.overlapWindow } : {}),
      ...(opts.speed !== undefined ? { speed: opts.speed } : {}),
      ...(startAt !== undefined ? { wallStartAt: startAt } : {}),
      onPaceControl: (pace) => { controls.pace = pace; },
      ...(opts.actors !== undefined ? { actors: opts.actors } : {}),
      ...(shard ? { shard } : {}),
      ...(opts.maxActions !== undefined ? { maxActions: opts.maxActions } : {}),
      ...(opts.maxWallTime !== undefined ? { maxWallTime: opts.maxWallTime } : {}),
      ...(redact ? { redact } : {}),
      ...(opts.trace ? { trace: true } : {}),
      ...(live ? { onControl: (control: RunControl) => void (controls.population = control) } : {}),
      hooks: withLive(live, {
        onComplaint: (c) => complaints.push(c),
        onRunStart: (start) => {
          if (opts.json) return;
          const target = start.targetUrl ? `against ${start.targetUrl}` : 'without a target';
          const config = project ? `; config ${project.shown}` : '';
          if (resuming) output.err(se.dim(`resuming run ${resuming.run.runId} from its snapshots at ${formatDuration(toSeconds(resumeOptions!.resumeFrom!.simTime))} of sim time\n`));
          const part = start.shard ? ` (shard ${start.shard.index}/${start.shard.count} of group ${start.shard.group})` : '';
          output.err(se.dim(`running ${simulation.name}${part}: ${start.actors} actors, ${formatDuration(start.simLimit)} of sim time, seed ${start.seed}, ${target} (run ${start.runId}${config})\n`));
        },
        onEvent: (e) => {
          if (e.kind === 'spawn' && e.actorId !== null) actorNames.set(e.actorId, (e.detail as { name: string }).name);
          if (e.kind === 'pace' && !opts.json && (e.detail as { what: string }).what === 'start' && (e.detail as { lateMs: number }).lateMs > 0) {
            output.err(`${se.yellow('warning')}: the run was ready ${((e.detail as { lateMs: number }).lateMs / 1000).toFixed(1)}s after its --start-at instant: its first turns are late (the lag shows it). Give a start further ahead\n`);
          }
          if (e.kind === 'trace') traces.push((e.detail as { file: string }).file);
          if (e.kind === 'snapshots-off' && !opts.json) output.err(`${se.yellow('warning')}: snapshots are off for this run (crash restore from a snapshot and --resume need them): ${(e.detail as { reason: string }).reason.replace(/^cannot snapshot /, '')}. Keep actor state plain JSON, or set snapshots: false\n`);
        },
        onCrash: (c) => {
          crashes.push(`${c.what} by ${actorNames.get(c.actorId) ?? `actor ${c.actorId}`} threw ${redactor.text(c.error)}${c.at ? ` (at ${c.at})` : ''}`);
        },
        onAction: (a) => tally.add(a),
        // Loading a big journal takes seconds (about 1 s per 10-20 MB here): say why the run has not
        // ended yet, and on a terminal how far the load is.
        onSaving: ({ journalBytes, savedBytes }) => {
          if (opts.json || journalBytes < 16 * 2 ** 20) return;
          if (savedBytes === 0) {
            if (progressDrawn) output.err('\r\x1b[K');
            progressDrawn = false;
            output.err(se.dim(`saving: loading ${formatBytes(journalBytes)} of rows journaled at full speed into ${opts.db} ...\n`));
          } else if (drawProgress) {
            progressDrawn = true;
            output.err(`\r${se.dim(`  saving  ${formatBytes(savedBytes)} / ${formatBytes(journalBytes)}  ${Math.floor((100 * savedBytes) / journalBytes)}%`)}\x1b[K`);
          }
        },
        onProgress: drawProgress
          ? (p) => {
            progressDrawn = true;
            const pct = Math.min(100, Math.floor((p.simTime / p.simLimit) * 100));
            const pace = p.pace ? `  ${p.pace.speed}x${p.pace.paused ? ' paused' : ''} lag<=${p.pace.recentMaxLagMs.toFixed(1)}ms` : '';
            output.err(`\r${se.dim(`  ${pct}%  sim ${formatDuration(toSeconds(p.simTime))} / ${formatDuration(p.simLimit)}  ${p.actions} actions  ${p.complaints} complaints  ${(p.wallMs / 1000).toFixed(1)}s${pace}`)}\x1b[K`);
          }
          : undefined,
      }),
    });
    if (progressDrawn) output.err('\r\x1b[K');
    const failing = failOn ? complaints.filter((c) => atLeast(c.severity, failOn)).length : 0;
    const targetDown = tally.targetDown;
    const warning = tally.warning();
    const exitCode = result.status === 'stopped' ? stop.exitCode ?? ExitCode.interrupted
      : targetDown ? ExitCode.target
      : crashes.length > 0 ? ExitCode.crashed
      : failing > 0 ? ExitCode.complaints
      : ExitCode.ok;
    if (opts.json) {
      output.out(`${cliJson({
        ...result, paramSources: params.sources, file: path.relative(process.cwd(), absFile), config: project?.shown ?? null, failOn: failOn ?? 'none', exitCode, unreachableActions: tally.unreachable, warnings: warning ? [warning] : [],
      })}\n`);
      return exitCode;
    }
    const headline = { ...result, simulation: simulation.name, paramSources: params.sources };
    output.out(formatRunSummary(headline, groupComplaints(complaints), (id) => actorNames.get(id) ?? `actor ${id}`, output.color));
    if (result.pace) output.out(`  ${s.dim('pace')}        ${paceLine(result.pace)}\n`);
    if (tally.unreachable > 0 && !targetDown) {
      output.out(`  ${s.yellow('target')}      ${tally.unreachable} actions could not reach the target: ${tally.lastUnreachable}. Is it running?\n`);
    }
    const rel = path.relative(process.cwd(), absFile) || absFile;
    if (result.db && result.db !== ':memory:') {
      output.out(`\n  inspect   beamulator show ${result.runId}${dbFlag(opts.db)}\n`);
      if (live) output.out(`  dashboard beamulator dashboard ${result.runId}${dbFlag(opts.db)}   (the live one closed with the run)\n`);
    }
    if (resuming) output.out(`  continues run ${resuming.run.runId} (sim time from ${formatDuration(toSeconds(resumeOptions!.resumeFrom!.simTime))})\n`);
    if (resuming && result.targetState === 'started') {
      output.err(`${se.yellow(`warning: the target was started anew for the resumed run, so it does not hold what run ${resuming.run.runId} left there; resume against the target it ran against with --target <url>`)}\n`);
    }
    if (opts.trace) output.out(tracesLine(traces, result.db!));
    if (!resuming) output.out(`  repeat    ${reproduceCommand(rel, {
      seed: result.seed, durationMs: parseDuration(opts.duration ?? simulation.duration ?? '1h'), params: result.params,
      ...(opts.target ? { target: opts.target } : {}), ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
      ...(opts.overlapWindow ? { overlapWindow: opts.overlapWindow } : {}), ...(opts.actors ? { actors: opts.actors } : {}),
      ...(opts.speed !== undefined ? { speed: opts.speed } : {}),
      ...(result.shard ? { shard: result.shard } : {}),
      ...(opts.maxActions ? { maxActions: opts.maxActions } : {}), ...(opts.maxWallTime ? { maxWallTime: opts.maxWallTime } : {}),
      ...(opts.db !== defaultStorePath ? { db: opts.db } : {}), ...(opts.failOn !== defaultFailOn ? { failOn: opts.failOn } : {}),
    })}\n`);
    // Only when the complaints decide the exit code: a target that is down (4), a crash (6) or an
    // interrupt (130) exits otherwise, and says so itself.
    if (exitCode === ExitCode.complaints) output.out(`\n${s.red('failed')}: ${failing} complaint${failing === 1 ? '' : 's'} at or above '${failOn}' (exit 1; change with --fail-on)\n`);
    if (crashes.length > 0) {
      output.err(`beamulator: cannot run ${simulation.name} cleanly: your code crashed ${crashes.length} time${crashes.length === 1 ? '' : 's'}, first ${crashes[0]}. Fix that code; \`beamulator show ${result.runId}${dbFlag(opts.db)}\` lists the crashes\n`);
    }
    if (targetDown) {
      output.err(`beamulator: cannot reach the target: every action failed (${tally.lastUnreachable}). Start it, or point at it with --target <url>\n`);
    }
    if (warning) output.err(`${se.yellow(warning)}${result.db !== ':memory:' ? ` (\`beamulator show ${result.runId}${dbFlag(opts.db)}\` lists them)` : ''}\n`);
    if (result.status === 'stopped') output.out(`\n${s.yellow('interrupted')}: the run was stopped early${stop.received ? ` by ${stop.received}` : ''}; everything recorded so far is saved.\n`);
    return exitCode;
  } finally {
    stop[Symbol.dispose]();
    controls.population = controls.pace = null;
    live?.feed.end();
    await live?.dashboard.close();
  }
}

/** The run's own listeners, and the live dashboard's feed when there is one. */
function withLive(live: LiveDashboard | null, hooks: EngineHooks): EngineHooks {
  return live ? bothHooks(hooks, live.feed.hooks) : hooks;
}

/** `--shard`/`--group`, else the environment (BEAMULATOR_SHARD, JOB_COMPLETION_INDEX + BEAMULATOR_SHARDS). */
function shardOption(opts: RunCommandOptions): Shard | null {
  const shard = opts.shard !== undefined ? parseShard(opts.shard) : shardFromEnv(process.env);
  if (!shard) {
    if (opts.group !== undefined) throw new BeamulatorError('BEAM_USAGE', `cannot use --group ${opts.group} without --shard: a group names the shards of one run`, 'Add --shard i/N, or drop --group');
    return null;
  }
  return opts.group !== undefined ? { ...shard, group: opts.group } : shard;
}

/** `speed 60x, lag p50 0.3 ms, p99 1.2 ms, max 4.0 ms over 1200 turns`. */
function paceLine(pace: { speed: number; lag: LagSummary | null }): string {
  const { lag } = pace;
  const lagText = lag ? `lag p50 ${lag.p50Ms.toFixed(1)} ms, p99 ${lag.p99Ms.toFixed(1)} ms, max ${lag.maxMs.toFixed(1)} ms over ${lag.turns} turns` : 'no turns';
  return `speed ${pace.speed}x, ${lagText}`;
}

/** Where `--trace` wrote its traces (next to the store), or that no browser actor ran. */
function tracesLine(traces: readonly string[], db: string): string {
  if (traces.length === 0) return '  traces    none: no browser actor ran\n';
  const at = (file: string) => {
    const absolute = path.join(path.dirname(path.resolve(db)), file);
    const relative = path.relative(process.cwd(), absolute);
    return relative.startsWith('..') ? absolute : relative;
  };
  const shown = traces.slice(0, 3).map(at).join(', ');
  return `  traces    ${shown}${traces.length > 3 ? ` and ${traces.length - 3} more` : ''} (open one with \`npx playwright show-trace <file>\`)\n`;
}

/** `--fail-on`'s default in main.ts (not imported from there: main.ts loads commands lazily). */
const defaultFailOn = 'urgent';

/** With no file given: the single file the config's `simulations` globs match, else the single `*.sim.ts` in ., simulations/ or examples/*. */
async function findSimulationFile(project: LoadedConfig | undefined): Promise<string> {
  const configured = await configuredFiles(project, 'simulations');
  if (configured?.length === 1) return configured[0]!;
  if (configured) {
    throw new BeamulatorError('BEAM_USAGE', `cannot run: no simulation file given and ${project!.shown}'s simulations match ${configured.length} (${configured.join(', ')})`, 'Pass the one to run');
  }
  const candidates = (await globFiles(['*.sim.{ts,mts,js,mjs}', 'simulations/*.sim.{ts,mts,js,mjs}', 'examples/*/*.sim.{ts,mts,js,mjs}'], '.'))
    .map((file) => path.relative(process.cwd(), file));
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length === 0) {
    throw new BeamulatorError('BEAM_USAGE', 'cannot run: no simulation file given and none found', 'Pass one, e.g. `beamulator run my.sim.ts` (looked for *.sim.ts in ., simulations/ and examples/*/)');
  }
  throw new BeamulatorError('BEAM_USAGE', `cannot run: no simulation file given and ${candidates.length} found (${candidates.join(', ')})`, 'Pass the one to run');
}
