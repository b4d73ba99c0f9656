import { loadSimulation, type LoadedSimulation } from '../engine/load-simulation.ts';
import { resolveParams } from '../engine/resolve-params.ts';
import { userHooks } from '../engine/user-hooks.ts';
import { runSimulationInternal, type RunOptions, type RunResult } from '../engine/run-simulation.ts';
import { isSimulation, type Simulation } from '../engine/simulation.ts';
import type { ActionRecord, ActorRecord, ComplaintRecord, EventRecord, ExchangeRecord, RunRecord } from '../store/records.ts';
import { Redactor, type RedactPattern } from '../store/redact.ts';
import type { RunStore } from '../store/run-store.ts';
import { parseDuration } from '../util/duration.ts';
import { BeamulatorError } from '../util/errors.ts';
import type { ParamDefs } from '../util/params.ts';
import { displayPath } from './display-path.ts';
import { keepRuns } from './keep-runs.ts';
import { openTestStore } from './open-test-store.ts';
import { reproduceCommand, type ReproduceSettings } from '../util/reproduce-command.ts';
import { resolveSeed } from './resolve-seed.ts';
import type { TestRun } from './test-run.ts';
import { rememberSimulation } from './simulation-of.ts';

/** The RunOptions a test run takes: the ones the reproduce command can repeat, plus signal and hooks. */
type PassedRunOptions<P extends ParamDefs = ParamDefs> = Pick<RunOptions<P>,
  'seed' | 'duration' | 'params' | 'maxActions' | 'maxWallTime' | 'concurrency' | 'overlapWindow' | 'target' | 'actors' | 'signal' | 'hooks'>;

/**
 * Options of a test run: beamulator's RunOptions (seed, duration, params, target, concurrency,
 * overlapWindow, actors, maxActions, maxWallTime, signal, hooks). Where it is recorded (`db`,
 * `redact`) is not one: every run gets a store of its own. `env` and `actionTimeout` are left out
 * on purpose: the reproduce command could not repeat them.
 */
export interface TestRunOptions<P extends ParamDefs = ParamDefs> extends PassedRunOptions<P> {
  /**
   * Keep the run in a temp DuckDB file (its path is in `run.db` and in failure messages) instead
   * of discarding it. Default: the env var BEAMULATOR_KEEP_RUNS=1, else false.
   */
  keep?: boolean;
  /** The simulation's file, so the reproduce command can be a `beamulator run` command line. */
  file?: string;
  /**
   * Environment variables the run depends on: their values at the time of the run go in front of
   * the test's rerun line, and of the reproduce command unless a parameter reads them (the
   * command sets every parameter with `--param`, so only variables read outside parameters matter).
   */
  reproduceEnv?: readonly string[];
  /**
   * Names to redact on top of the built-in rules (what beamulator.config.ts's `redact` is to the
   * CLI): in the run's store, so in the rows on the handle, and in its result and reproduce command.
   */
  redact?: readonly RedactPattern[];
}

/**
 * Runs a simulation for a test: records it in a store of its own (`:memory:`, or a temp DuckDB
 * file with `keep`), reads everything back, closes the store, and resolves to a TestRun the
 * beamulator matchers understand. The simulation's own target (if it starts one) is stopped.
 *
 * `sim` is a simulation, a path to a simulation file, or what `loadSimulation` returned.
 * The seed: `options.seed`, else `BEAMULATOR_SEED`, else the simulation's, else random.
 *
 * @example
 * import { runSimulation } from 'beamulator/vitest';
 * import todo from '../examples/todo/todo.sim.ts';
 *
 * test('the todo app keeps its promises', async () => {
 *   const run = await runSimulation(todo, { duration: '2h', file: 'examples/todo/todo.sim.ts' });
 *   expect(run).toHaveNoComplaints();
 * });
 */
export async function runSimulation<P extends ParamDefs = ParamDefs>(sim: Simulation<P> | LoadedSimulation | string, options: TestRunOptions<P> = {}): Promise<TestRun> {
  const { simulation, file, codeHash } = await resolveSimulation(sim as Simulation | LoadedSimulation | string, options.file);
  const { keep: keepOption, reproduceEnv } = options;
  const runOptions: PassedRunOptions = pick(options as TestRunOptions, ['seed', 'duration', 'maxActions', 'maxWallTime', 'concurrency', 'overlapWindow', 'target', 'actors', 'signal', 'hooks']);
  const { seed, source: seedSource } = resolveSeed(options.seed, simulation.seed);
  // Resolved before the run, for the reproduce command (every parameter, so the environment cannot change it).
  const { values: params } = resolveParams(simulation, { given: options.params, env: process.env });
  const settings: ReproduceSettings = {
    seed,
    durationMs: parseDuration(options.duration ?? simulation.duration ?? '1h', 'duration'),
    // A secret parameter is left out of the command (see reproduceCommand).
    params: new Redactor({ extra: options.redact }).value(params),
    ...(options.target !== undefined ? { target: options.target } : {}),
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    ...(options.overlapWindow !== undefined ? { overlapWindow: options.overlapWindow } : {}),
    ...(options.actors !== undefined ? { actors: options.actors } : {}),
    ...(options.maxActions !== undefined ? { maxActions: options.maxActions } : {}),
    ...(options.maxWallTime !== undefined ? { maxWallTime: options.maxWallTime } : {}),
  };
  const env = Object.fromEntries((reproduceEnv ?? []).flatMap((name) => process.env[name] !== undefined ? [[name, process.env[name]!]] : []));
  // A variable a parameter reads needs no place in front of the command: the command sets the parameter
  // (the test's rerun line keeps it: the test itself may read it).
  const paramEnv = new Set(Object.values(simulation.params ?? {}).map((def) => def.env));
  const reproduce = reproduceCommand(file, settings, Object.fromEntries(Object.entries(env).filter(([name]) => !paramEnv.has(name))));
  const notes: string[] = [];
  if (options.target !== undefined) notes.push(`the run used the target at ${options.target}: start it the same way before repeating the run`);
  if (file === null) notes.push("the simulation's file is unknown: pass `file` in the options (or a file path) to get a `beamulator run` command");

  const { store, file: dbFile } = await openTestStore(keepRuns(keepOption), options.redact);
  let result: RunResult;
  let rows: { run: RunRecord; actors: ActorRecord[]; actions: ActionRecord[]; complaints: ComplaintRecord[]; events: EventRecord[]; exchanges: ExchangeRecord[] };
  try {
    result = await runSimulationInternal(simulation, {
      ...runOptions,
      ...(runOptions.hooks ? { hooks: userHooks(runOptions.hooks, 'runSimulation options') } : {}),
      seed,
      params,
      db: store,
      ...(options.redact ? { redact: options.redact } : {}),
      ...(file !== null ? { file } : {}),
      ...(codeHash !== null ? { codeHash } : {}),
    });
    rows = await readRows(store, result.runId);
  } catch (error) {
    throw withRunContext(error, simulation.name, seed, reproduce, dbFile);
  } finally {
    await store.close();
  }
  const testRun: TestRun = Object.freeze({
    kind: 'run' as const,
    runId: result.runId,
    simulation: simulation.name,
    seed,
    seedSource,
    summary: result.summary,
    ...rows,
    db: dbFile,
    reproduce,
    env,
    notes,
    result,
    file,
  });
  // The matchers that replay the run (toReplayIdentically) rerun this very simulation object.
  rememberSimulation(testRun, simulation);
  return testRun;
}

/** The given keys of `options` that are set (a caller's extra keys are not passed on). */
function pick<T extends object, K extends keyof T>(options: T, keys: readonly K[]): Pick<T, K> {
  const out: Partial<T> = {};
  for (const key of keys) if (options[key] !== undefined) out[key] = options[key];
  return out as Pick<T, K>;
}

async function resolveSimulation(sim: Simulation | LoadedSimulation | string, fileOption: string | undefined): Promise<{ simulation: Simulation; file: string | null; codeHash: string | null }> {
  if (typeof sim === 'string') {
    const loaded = await loadSimulation(sim);
    return { simulation: loaded.simulation, file: displayPath(fileOption ?? loaded.file), codeHash: loaded.codeHash };
  }
  if (isSimulation(sim)) return { simulation: sim, file: fileOption !== undefined ? displayPath(fileOption) : null, codeHash: null };
  if (typeof sim === 'object' && sim !== null && isSimulation((sim as LoadedSimulation).simulation)) {
    return { simulation: sim.simulation, file: displayPath(fileOption ?? sim.file), codeHash: sim.codeHash ?? null };
  }
  throw new BeamulatorError('BEAM_SIMULATION_INVALID', 'cannot run: the value given is not a simulation',
    'Pass what defineSimulation returned, a simulation file path, or what loadSimulation returned');
}


async function readRows(store: RunStore, runId: string) {
  const [found, actors, actions, complaints, events, exchanges] = await Promise.all([
    store.getRun(runId), store.actors(runId), store.actions(runId), store.complaints(runId), store.events(runId), store.exchanges(runId),
  ]);
  if (found === null) throw new BeamulatorError('BEAM_INTERNAL', `cannot read back run ${runId}: the store does not have it`);
  const { summary: _summary, ...run } = found;
  return { run, actors, actions, complaints, events, exchanges };
}

/** Adds the seed and the reproduce command to an error from the run, so a failing test shows them. */
function withRunContext(error: unknown, simulation: string, seed: string, reproduce: string, dbFile: string | null): unknown {
  if (!(error instanceof Error)) return error;
  const lines = [`  simulation ${simulation}`, `  seed       ${seed}`, `  reproduce  ${reproduce}`];
  if (dbFile !== null) lines.push(`  db         ${dbFile}`);
  error.message = `${error.message}\n${lines.join('\n')}`;
  return error;
}
