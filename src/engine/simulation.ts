import { arrivalPieces, type Arrivals } from './arrivals.ts';
import type { Action } from '../actions/action.ts';
import type { Checker, Invariant } from '../checkers/types.ts';
import type { Json } from '../store/records.ts';
import type { RedactPattern } from '../store/redact.ts';
import { parseResetRequest } from './reset-target.ts';
import { replayRulesProblem } from './replay-rule-paths.ts';
import { BeamulatorError } from '../util/errors.ts';
import type { Duration } from '../util/duration.ts';
import type { Behavior } from './behavior.ts';
import type { SeedContext, SeededActor } from './seed-from-target.ts';
import { checkParamDefs, type ParamDefs, type ParamValues } from '../util/params.ts';

/**
 * How many actors of one behavior, with what config, arriving when. `V` is the type of the run's
 * parameter values (inferred from the simulation's `params`).
 */
export interface PopulationEntry<C = any, V = ParamValues> {
  /** The behavior itself, or the name of one listed in `behaviors`. */
  behavior: Behavior<any, C> | string;
  /**
   * How many actors (default 1), or a function of the run's parameters (`--actors` still overrides
   * it). The functions here (`count`, `name`, `config`) are called once per run before any actor
   * starts; one that throws stops the run (kept as `failed`, exit 6, naming it and your line).
   */
  count?: number | ((params: V) => number);
  /**
   * Actor names: a prefix (`'Organizer'` gives 'Organizer 1', 'Organizer 2'...) or a function of
   * the actor's 0-based index in this entry. Names count from 1: index 0 is 'Organizer 1'.
   */
  name?: string | ((index: number) => string);
  /**
   * Per-actor config: one value for all (shared, read-only) or a function of the actor's 0-based
   * index in this entry, the run's parameters and the actor's name (index 1 is 'Organizer 2').
   *
   * @example
   * config: (index, _params, name) => ({ team: teams[index % teams.length], signature: name })
   */
  config?: C | ((index: number, params: V, name: string) => C);
  /** Extra tags for these actors. */
  tags?: readonly string[];
  /**
   * Builds these actors from what the target already holds, instead of `count` and `config`:
   * called once before the first turn, it reads the target through `ctx.execute` (the reads are
   * logged like any action, as the actor 'seeder') and returns one entry per actor, each with its
   * initial state (say one persona per existing account, holding that account's items). The
   * actors, their states and where they came from (`target`) are stored with the run; a replay
   * uses them and does not read the target again (`beamulator replay --check-target` compares).
   * States and configs must be plain JSON; keep secrets out of them (they are stored redacted).
   *
   * @example
   * fromTarget: async (ctx) => {
   *   const accounts = await ctx.execute(actions.listAccounts, {});
   *   return accounts.value!.map((a) => ({ name: a.owner, config: { account: a.id }, state: { balance: a.balance } }));
   * }
   */
  fromTarget?: (ctx: SeedContext<V>) => Promise<readonly SeededActor<C>[]> | readonly SeededActor<C>[];
  /**
   * An open model instead of `count`: actors arrive at a rate over sim time (`{ rate: '10/s' }`),
   * or ramp through stages (`[{ target: '50/s', over: '1m' }, ...]`), like k6's arrival-rate
   * executors; see Arrivals and docs/paced-runs.md. Each arrival is a new actor.
   */
  arrivals?: Arrivals;
  /** When the actors arrive, in sim time. */
  start?: {
    /** First arrival (default 0). */
    at?: Duration;
    /** Spread arrivals evenly over this span (ramp-up). */
    rampUp?: Duration;
    /** Add a random delay up to this much per actor, drawn from the actor's own rng. */
    jitter?: Duration;
  };
}

/** A per-actor config value: anything but undefined. */
type ConfigValue = object | string | number | boolean | bigint | symbol | null;

/** A target that is already running. */
export interface StartedTarget {
  url: string;
  stop?(): Promise<void> | void;
  /** Brings the target back to an empty state (used between fuzz iterations). */
  reset?(): Promise<void> | void;
}

/** What `target.start` gets: the run's resolved parameters (start the app in the mode they ask for). */
export interface TargetStartInput<V = ParamValues> {
  params: V;
}

/** The system under test. */
export interface TargetSpec<V = ParamValues> {
  /** The url of a running target (overridden by `--target`). */
  url?: string;
  /** Starts a target for the run when no url is given; stopped when the run ends. Gets the run's parameters. */
  start?(input: TargetStartInput<V>): Promise<StartedTarget> | StartedTarget;
  /** Headers sent with every HTTP request. */
  headers?: Record<string, string>;
  /** Keep-alive connections to the target (default 64). */
  connections?: number;
  /**
   * Brings a running target (one given by `url` or `--target`, not started for the run) back to
   * a known state before `run`, `replay` and each `fuzz` run: a request (`'POST /__reset'`, path
   * relative to the url, must answer 2xx) or a function. Without it such a target is used as it
   * is, and a live replay says its prior state was not controlled. A function that throws is
   * reported as your code's failure (exit 6, with the line that threw); nothing is run.
   */
  reset?: string | ((input: { url: string; params: V }) => Promise<void> | void);
}

/**
 * How replay compares a run with its original. By default nothing is ignored: every field must
 * match. Declare what legitimately changes between runs (generated ids, timestamps) here.
 *
 * A rule path names a part, then a JSONPath inside it, as a divergence report prints it:
 * `result.items[*].id`, `args.since`, `complaint.detail..createdAt`, `exchange.request.body.sentAt`
 * (offline replays compare request bodies). A path that starts with `$` is in the result
 * (`$..id` is `result..id`). See docs/replay.md.
 *
 * @example
 * replay: {
 *   ignore: ['result..createdAt', 'args.since', 'complaint.detail.at'],
 *   minted: { createOrder: ['result.number'] },
 *   normalize: { 'complaint.detail': (detail) => detail, result: (result, action) => result },
 * }
 */
export interface ReplayRules {
  /**
   * Rule paths whose values are ignored: one list for every action, or lists by action name
   * (`'*'` for all; a complaint goes by the action it was raised on).
   */
  ignore?: readonly string[] | Readonly<Record<string, readonly string[]>>;
  /**
   * A last say on a value before it is compared (after `ignore`): return the value to compare.
   * A function is for results (the original's and the replay's result of every action, whatever
   * its outcome: a failed action's result may be null); an object gives one by part. One that
   * throws stops the replay (exit 6, with your line).
   */
  normalize?: ((result: Json, action: string) => Json) | ReplayNormalizers;
  /**
   * Paths of values the target mints (`$.id`, `result..token`), in results only, in the same
   * form as `ignore`. In a live replay a minted value is paired with the one the target mints
   * this time, and later arguments (and complaint details) that carry it compare equal. Strings
   * that look minted (no whitespace, a digit: UUIDs, `t12`, tokens, timestamps) and first appear
   * in a result are paired without a rule; list here numbers and anything else.
   */
  minted?: readonly string[] | Readonly<Record<string, readonly string[]>>;
}

/** ReplayRules.normalize by part: each gets the part's value (after `ignore`) and the action's name. */
export interface ReplayNormalizers {
  result?: (result: Json, action: string) => Json;
  args?: (args: Json, action: string) => Json;
  'complaint.detail'?: (detail: Json, action: string) => Json;
  /** Offline replays: a request body (JSON parsed; other bodies as text) before it is compared with the recorded one. */
  'exchange.request.body'?: (body: Json, action: string) => Json;
}

export interface SimulationSpec<P extends ParamDefs = ParamDefs> {
  name: string;
  /**
   * The run's parameters: named, typed (by their defaults), documented knobs a run sets with
   * `--param name=value` or `runSimulation(sim, { params })`, read from an environment variable
   * only where one names it (`env`). Their resolved values are stored with the run (a replay uses
   * them) and reach `target.start({ params })`, population `count`/`config` functions,
   * `initialState({ params })`, `ctx.params` and the actions' `io.params`.
   */
  params?: P;
  /** The actions behaviors may execute (for validation and docs; the log stores their names). */
  actions?: Record<string, Action>;
  /** Behaviors the population may refer to by name. */
  behaviors?: ReadonlyArray<Behavior<any, any>>;
  // Configs typed as "some value" (not any), so a config function's parameters are inferred.
  population: ReadonlyArray<PopulationEntry<ConfigValue, ParamValues<P>>>;
  target?: TargetSpec<ParamValues<P>>;
  /** Default run length in sim time (default '1h'). */
  duration?: Duration;
  /** Default seed (a random seed is drawn, printed and stored when none is given). */
  seed?: string | number;
  /** How many due actors may be in flight together (default 1: one after another). */
  concurrency?: number;
  /** With concurrency > 1, events this close in sim time run together (default 0: same instant only). */
  overlapWindow?: Duration;
  /**
   * Run paced by default, at this many sim ms per wall ms (1 = real time): see RunOptions.speed
   * and docs/paced-runs.md. Default: virtual time.
   */
  speed?: number;
  /** Per-action timeout (default '30s', wall time). */
  actionTimeout?: Duration;
  /**
   * What happens when a behavior throws: the actor restarts after `delay` (sim time, default
   * '1s'; times `backoff` per crash in a row, default 1, up to `maxDelay`, default '1h') from its
   * last snapshot (state and rng; its initial state before the first), each restart an event.
   * It gives up, with a complaint, after `maxConsecutive` crashes in a row (default 5) or `max`
   * restarts within `window` of sim time (default: no such limit; window default '1h').
   */
  restart?: { delay?: Duration; maxConsecutive?: number; backoff?: number; maxDelay?: Duration; max?: number; window?: Duration };
  /**
   * Snapshots of every actor's state, rng and next wake-up, every `every` of sim time (default
   * '1h') and when the run stops: what a crashed actor restarts from and what `run --resume`
   * continues. States must then be plain JSON: with `snapshots` set, a state that is not fails
   * the run (exit 2, naming the actor and the path); left unset, snapshots just stop for that run
   * (a `snapshots-off` event and a warning line say why). `false`: none.
   */
  snapshots?: { every?: Duration } | false;
  /** Sim time 0 as a date (default 2026-01-05T08:00:00Z, fixed so runs are reproducible). */
  startAt?: string | number;
  /** How `beamulator replay` compares results (ignored fields, normalizers). */
  replay?: ReplayRules;
  /**
   * Also record the HTTP of clients the actions bring themselves (global fetch, node:http, SDKs),
   * and serve it back in offline replays, through msw's interceptors. Costs: fetch at ~0.45x its
   * speed, node:http at ~0.1x and a new TCP connection per request. `ctx.http` needs none of it.
   */
  foreignHttp?: boolean;
  /**
   * How actions that ask for a page (`async (args, { page }) => …`) drive the browser: Debian's
   * Chromium (`apt-get install chromium`) unless `executablePath` (or $BEAMULATOR_CHROMIUM) names
   * another; `timeout` of each page action and navigation (default '5s', wall time); the page's
   * `viewport` (default 1280×720); extra Chromium `args`.
   */
  browser?: { executablePath?: string; timeout?: Duration; viewport?: { width: number; height: number }; args?: readonly string[] };
  /** Consistency checkers told every recorded action (readYourWrites, monotonicReads, lostUpdate...); their violations are complaints. */
  checkers?: readonly Checker[];
  /** Invariants checked after every turn or at the end of the run; a broken one is a complaint. */
  invariants?: readonly Invariant[];
  /**
   * Names whose values this simulation's runs never store or show, on top of the built-in rules
   * and the project config's `redact` (see docs/redaction.md): a string is a whole header, field
   * or parameter name, case-insensitive, `*` matching anything (`'x-tenant-*'`); a RegExp is
   * tested against the name (`/^card/i`).
   */
  redact?: readonly RedactPattern[];
}

/**
 * A validated simulation, ready to run. `P` (its parameter declarations) types the `params` a
 * run may set; everything else is typed for any parameters, so any simulation fits `Simulation`.
 */
export interface Simulation<P extends ParamDefs = ParamDefs> extends SimulationSpec {
  readonly kind: 'beamulator.simulation';
  readonly params: P;
}

/**
 * Defines a simulation: actions, behaviors, population, target.
 *
 * @example
 * export default defineSimulation({
 *   name: 'todo',
 *   actions,
 *   behaviors: [organizer, procrastinator],
 *   population: [
 *     { behavior: 'Organizer', count: 2, config: (i) => ({ team: `team-${i % 2}` }) },
 *     { behavior: procrastinator, count: 10, start: { rampUp: '10m' } },
 *   ],
 *   params: { faults: { default: [], choices: ['slow-db', 'no-cache'], description: 'faults the app starts with' } },
 *   target: { start: async ({ params }) => startMyApp({ faults: params.faults }) },
 *   duration: '2h',
 * });
 */
export function defineSimulation<const P extends ParamDefs = Record<string, never>>(spec: SimulationSpec<P>): Simulation<P> {
  validate(spec);
  // The callbacks were typed for P's values; the engine only ever passes values resolved from P.
  return Object.freeze({ ...spec, params: spec.params ?? {}, kind: 'beamulator.simulation' as const }) as unknown as Simulation<P>;
}

/** True for an object made by defineSimulation (also across module copies). */
export function isSimulation(value: unknown): value is Simulation {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'beamulator.simulation';
}

function invalid(name: string, reason: string, hint: string): BeamulatorError {
  return new BeamulatorError('BEAM_SIMULATION_INVALID', `cannot use simulation '${name}': ${reason}`, hint);
}

function validate(spec: SimulationSpec<any>): void {
  if (!spec || typeof spec !== 'object') throw invalid('?', 'defineSimulation needs an object', 'See the README for the shape');
  const name = typeof spec.name === 'string' && spec.name ? spec.name : '?';
  if (name === '?') throw invalid(name, 'it has no name', "Add name: 'my-sim'");
  checkParamDefs(name, spec.params);
  if (!Array.isArray(spec.population)) throw invalid(name, 'population is not an array', "Add population: [{ behavior: myBehavior, count: 3 }]");
  spec.population.forEach((entry, i) => {
    if (!entry || (typeof entry.behavior !== 'string' && typeof entry.behavior?.act !== 'function')) {
      throw invalid(name, `population[${i}] has no behavior`, 'Give a behavior made with defineBehavior, or the name of one in behaviors');
    }
    if (entry.fromTarget !== undefined) {
      if (typeof entry.fromTarget !== 'function') throw invalid(name, `population[${i}].fromTarget is not a function`, 'Use fromTarget: async (ctx) => [...actors read from the target]');
      if (entry.count !== undefined || entry.config !== undefined) {
        throw invalid(name, `population[${i}] has fromTarget and ${entry.count !== undefined ? 'count' : 'config'}`, 'The target decides how many actors and with what config: drop count and config');
      }
    }
    if (entry.arrivals !== undefined) {
      const other = (['count', 'fromTarget', 'start'] as const).find((key) => entry[key] !== undefined);
      if (other) throw invalid(name, `population[${i}] has arrivals and ${other}`, 'Arrivals decide how many actors come and when: drop ' + other);
      arrivalPieces(entry.arrivals, `${name}'s population[${i}].arrivals`, 1);
    }
    if (entry.count !== undefined && typeof entry.count !== 'function' && (!Number.isInteger(entry.count) || entry.count < 0)) {
      throw invalid(name, `population[${i}].count is ${entry.count}`, 'Use a whole number >= 0');
    }
  });
  if (spec.concurrency !== undefined && (!Number.isInteger(spec.concurrency) || spec.concurrency < 1)) {
    throw invalid(name, `concurrency is ${spec.concurrency}`, 'Use a whole number >= 1');
  }
  if (spec.speed !== undefined && !(typeof spec.speed === 'number' && Number.isFinite(spec.speed) && spec.speed > 0)) {
    throw invalid(name, `speed is ${String(spec.speed)}`, 'Use a number > 0 (sim ms per wall ms: 1 is real time, 60 a sim minute per wall second)');
  }
  if (spec.redact !== undefined && !(Array.isArray(spec.redact) && spec.redact.every((p) => (typeof p === 'string' && p !== '') || p instanceof RegExp))) {
    throw invalid(name, 'redact is not a list of names and regular expressions', "Use redact: ['session-id', 'x-tenant-*', /^card/i]");
  }
  const restart = spec.restart;
  if (restart?.backoff !== undefined && !(typeof restart.backoff === 'number' && restart.backoff >= 1 && Number.isFinite(restart.backoff))) {
    throw invalid(name, `restart.backoff is ${String(restart.backoff)}`, 'Use a number >= 1 (1: the same delay every time, 2: doubling)');
  }
  for (const key of ['max', 'maxConsecutive'] as const) {
    const n = restart?.[key];
    if (n !== undefined && (!Number.isInteger(n) || n < 1)) throw invalid(name, `restart.${key} is ${String(n)}`, 'Use a whole number >= 1');
  }
  if (spec.snapshots !== undefined && spec.snapshots !== false && (typeof spec.snapshots !== 'object' || spec.snapshots === null)) {
    throw invalid(name, 'snapshots is neither { every } nor false', "Use snapshots: { every: '30m' }, or false for none");
  }
  const connections = spec.target?.connections;
  if (connections !== undefined && (!Number.isInteger(connections) || connections < 1)) {
    throw invalid(name, `target.connections is ${connections}`, 'Use a whole number >= 1');
  }
  const rules = replayRulesProblem(spec.replay);
  if (rules) throw invalid(name, rules.reason, rules.hint);
  const reset = spec.target?.reset;
  if (typeof reset === 'string') parseResetRequest(reset);
  else if (reset !== undefined && typeof reset !== 'function') throw invalid(name, 'target.reset is neither a request nor a function', "Use 'POST /__reset' or an async function");
}

/** The names a run of `sim` redacts on top of the built-in rules: the caller's (the project config's), then the simulation's own. */
export function redactionOf(sim: Pick<SimulationSpec, 'redact'>, extra: readonly RedactPattern[] | undefined): readonly RedactPattern[] | undefined {
  if (!sim.redact?.length) return extra;
  return [...(extra ?? []), ...sim.redact];
}

/** Finds a population entry's behavior, by value or by name. */
export function resolveBehavior(sim: SimulationSpec, ref: Behavior | string): Behavior {
  if (typeof ref !== 'string') return ref;
  const known = knownBehaviors(sim);
  const found = known.find((b) => b.name === ref);
  if (found) return found;
  const names = [...new Set(known.map((b) => b.name))];
  throw new BeamulatorError(
    'BEAM_UNKNOWN_BEHAVIOR',
    `cannot build population of '${sim.name}': unknown behavior '${ref}'`,
    names.length ? `Known behaviors: ${names.join(', ')}` : 'List behaviors in the simulation\'s behaviors: [...]',
  );
}

/** The behaviors a simulation knows: its `behaviors`, then those its population entries give as objects. */
export function knownBehaviors(sim: SimulationSpec): Behavior[] {
  return [...(sim.behaviors ?? []), ...sim.population.map((p) => p.behavior).filter((b): b is Behavior => typeof b !== 'string')];
}
