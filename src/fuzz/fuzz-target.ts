import type { InvariantVerdict } from '../checkers/invariant-verdict.ts';
import type { ActionRecord, ComplaintRecord, EventRecord, Json, Severity } from '../store/records.ts';
import type { FuzzSpec } from '../replay/fuzz-spec.ts';
import { resolveParams } from '../engine/resolve-params.ts';
import { defineSimulation, isSimulation, type Simulation, type StartedTarget, type TargetStartInput } from '../engine/simulation.ts';
import type { ParamDef, ParamDefs, ParamSettings, ParamValues } from '../util/params.ts';
import { parseDuration, type Duration } from '../util/duration.ts';
import { BeamulatorError } from '../util/errors.ts';
import { severities } from '../store/records.ts';

/** What a fuzz target's invariant sees: the run's log (up to where it stopped) and the spec that made it. */
export interface FuzzRunView {
  spec: FuzzSpec;
  actions: readonly ActionRecord[];
  complaints: readonly ComplaintRecord[];
  /** The run's events: spawns, crashes, restarts, give-ups, probes, stops (see EventKind). */
  events: readonly EventRecord[];
}

/**
 * A fuzz target's invariant: checked over each finished fuzz run that nothing else failed (no
 * failing complaint, no crash). The same concept as a simulation's `Invariant` (a named check
 * returning null, or a message and an optional detail): see docs/invariants.md. A broken one
 * fails the run directly (no complaint), and is told apart from other failures by its name.
 * A check that throws stops the campaign (exit 6, naming it and the line of your code that
 * threw): a bug in the check is not a finding.
 *
 * @example
 * const atMostOneCreate: FuzzInvariant = {
 *   name: 'at most one create',
 *   check: (run) => {
 *     const creates = run.actions.filter((a) => a.action === 'createTodo').length;
 *     return creates <= 1 ? null : { message: `${creates} creates`, detail: { creates } };
 *   },
 * };
 */
export interface FuzzInvariant {
  name: string;
  check: (run: FuzzRunView) => InvariantVerdict;
}

/**
 * The former shape of a fuzz target's invariant: a bare function. Still accepted (named after the
 * function, else `invariant <n>`), with a deprecation warning.
 *
 * @deprecated Use `{ name, check }` (FuzzInvariant): failures are identified by the name.
 */
export type FuzzInvariantFunction = (run: FuzzRunView) => string | null;

/**
 * Per-actor configs to choose from: one list for every behavior, or a list per behavior name
 * (`{ Writer: [...], Commenter: [...] }`), keyed by the target's behaviors.
 */
export type FuzzConfigs<B extends string = string> = readonly Json[] | { readonly [K in B]?: readonly Json[] };

export interface FuzzTargetSpec<P extends ParamDefs = ParamDefs, B extends string = string> {
  /** The target's name (fuzz runs are stored under it; replay files are `replays/<name>-<run-id>.json`). */
  name: string;
  /** The simulation whose behaviors and actions are fuzzed. */
  simulation: Simulation<P>;
  /**
   * Values of the simulation's parameters for every run of this target (e.g. the planted bug to
   * hunt): they become the target's defaults and are not read from the environment. Like any
   * run's, the resolved values are stored with each recorded fuzz run and used by its replay.
   */
  params?: ParamSettings<P>;
  /**
   * Names of the simulation's behaviors to draw actors from (default: the keys of a per-behavior
   * `configs`, else every behavior the simulation knows).
   */
  behaviors?: readonly B[];
  /**
   * Per-actor configs to choose from (e.g. teams); default `[{}]`. The first is the "least" one.
   * Personas whose configs differ in shape get a list each: `{ Writer: [{ blog: 'a' }], Commenter:
   * [{ tone: 'kind' }, { tone: 'rude' }] }` (keys checked against `behaviors`; a behavior with no
   * list gets `[{}]`).
   */
  configs?: FuzzConfigs<NoInfer<B>>;
  /** At most this many actors per run (default 4; the population may also be empty). */
  maxActors?: number;
  /** At most this many turns per actor (tape segments after the setup segment; default 12). */
  maxTurns?: number;
  /** At most this many draws per tape segment (default 8). */
  maxDrawsPerTurn?: number;
  /** Fail on a complaint at or above this severity (default 'annoying'). */
  failOn?: Severity;
  /**
   * Narrows which complaints (at or above failOn) fail a run, to hunt one symptom when a bug has
   * several (default: every complaint at or above failOn). Called for each such complaint as the
   * run goes; one that throws stops the campaign (exit 6, with the line of your code that threw).
   */
  failWhen?: (complaint: ComplaintRecord) => boolean;
  /** Let the actors' tapes overlap their events (races; default false = serial). */
  overlap?: boolean;
  /** With overlap: how many following events may join a popped one (default 2). */
  maxSpan?: number;
  /**
   * With overlap: events joining a batch are due within this much sim time (default '10m'). Actors
   * usually wait minutes between turns: with the former default, '2s', hardly any step overlapped
   * (fuzz/README.md has the figures).
   */
  maxLatency?: Duration;
  /** Each actor arrives at a time drawn from its tape in 0..arrivalJitter (default 0: all arrive at 0). */
  arrivalJitter?: Duration;
  /** Sim-time cap of one run (default the simulation's duration, else '24h'). */
  duration?: Duration;
  /** Action cap of one run (default 1000). */
  maxActions?: number;
  /**
   * Whether simulation code that crashes (a behavior that throws, an action whose own code throws)
   * is allowed: by default a crash fails the run, as it makes `beamulator run` exit 6. `true` for
   * targets whose answers are expected to crash the simulation (`--allow-crashes` too).
   */
  allowCrashes?: boolean;
  /** Checked at the end of each run that nothing else failed (see FuzzInvariant). */
  invariants?: ReadonlyArray<FuzzInvariant | FuzzInvariantFunction>;
  /** The target, started once per campaign (with the runs' parameters) and `reset()` between runs (default: the simulation's). */
  target?: { start(input: TargetStartInput<ParamValues<P>>): Promise<StartedTarget> | StartedTarget };
}

/** Resolved fuzz settings, attached to the target. */
export interface FuzzSettings {
  name: string;
  behaviors: string[];
  /** The configs each behavior draws from (every behavior has a non-empty list). */
  configs: Record<string, Json[]>;
  /** True when the target gave one list for every behavior (its spec arbitrary is unchanged since then). */
  sharedConfigs: boolean;
  maxActors: number;
  maxTurns: number;
  maxDrawsPerTurn: number;
  failOn: Severity;
  failWhen: ((complaint: ComplaintRecord) => boolean) | null;
  overlap: boolean;
  maxSpan: number;
  maxLatencyMs: number;
  arrivalJitterMs: number;
  durationMs: number;
  maxActions: number;
  allowCrashes: boolean;
  invariants: FuzzInvariant[];
}

/**
 * A fuzz target is a simulation (so `beamulator replay` can load its file and start the same
 * target) with fuzz settings attached.
 */
export type FuzzTarget = Simulation & { readonly fuzz: FuzzSettings };

/**
 * Defines a fuzz target: which behaviors and configs fast-check may combine, the bounds, and
 * what counts as a failure. Default-export it from `fuzz/<name>.fuzz.ts`.
 *
 * @example
 * export default defineFuzzTarget({
 *   name: 'stale-read', simulation: todo, behaviors: ['Organizer', 'Procrastinator'],
 *   configs: [{ team: 'red' }, { team: 'blue' }],
 *   target: { start: async () => { const app = await startTodoApp({ bugs: ['stale-read'] }); return { url: app.url, stop: app.stop, reset: app.reset }; } },
 * });
 */
export function defineFuzzTarget<P extends ParamDefs, const B extends string = string>(spec: FuzzTargetSpec<P, B>): FuzzTarget {
  const sim = spec.simulation as Simulation;
  if (!isSimulation(sim)) throw invalid(spec.name, 'simulation is not a simulation', 'Pass the default export of a .sim.ts file');
  const known = [...new Set([...(sim.behaviors ?? []).map((b) => b.name), ...sim.population.map((p) => (typeof p.behavior === 'string' ? p.behavior : p.behavior.name))])];
  const given = spec.configs ?? [{}];
  const shared = Array.isArray(given);
  const perBehavior = shared ? null : given as Readonly<Record<string, readonly Json[] | undefined>>;
  const behaviors: string[] = [...(spec.behaviors ?? (perBehavior ? Object.keys(perBehavior) : known))];
  if (behaviors.length === 0) throw invalid(spec.name, 'no behaviors to draw from', 'List behavior names in behaviors: [...]');
  for (const b of behaviors) {
    if (!known.includes(b)) throw invalid(spec.name, `unknown behavior '${b}'`, `Known behaviors: ${known.join(', ')}`);
  }
  const failOn = spec.failOn ?? 'annoying';
  if (!severities.includes(failOn)) throw invalid(spec.name, `failOn is '${String(failOn)}'`, `Use one of ${severities.join(', ')}`);
  const configs = configsByBehavior(spec.name, behaviors, shared ? given as readonly Json[] : null, perBehavior);
  const settings: FuzzSettings = {
    name: spec.name,
    behaviors,
    configs,
    sharedConfigs: shared,
    maxActors: positive(spec.name, 'maxActors', spec.maxActors ?? 4),
    maxTurns: positive(spec.name, 'maxTurns', spec.maxTurns ?? 12),
    maxDrawsPerTurn: positive(spec.name, 'maxDrawsPerTurn', spec.maxDrawsPerTurn ?? 8),
    failOn,
    failWhen: spec.failWhen ?? null,
    overlap: spec.overlap ?? false,
    maxSpan: spec.maxSpan ?? 2,
    maxLatencyMs: parseDuration(spec.maxLatency ?? '10m', 'maxLatency'),
    arrivalJitterMs: parseDuration(spec.arrivalJitter ?? 0, 'arrivalJitter'),
    durationMs: parseDuration(spec.duration ?? sim.duration ?? '24h', 'duration'),
    maxActions: spec.maxActions ?? 1000,
    allowCrashes: spec.allowCrashes ?? false,
    invariants: fuzzInvariants(spec.name, spec.invariants ?? []),
  };
  const { kind: _kind, ...rest } = sim;
  const simulation = defineSimulation({
    ...rest, name: spec.name, params: pinParams(spec.name, sim, spec.params ?? {}),
    ...(spec.target ? { target: { ...sim.target, start: spec.target.start as NonNullable<Simulation['target']>['start'] } } : {}),
  });
  return Object.freeze({ ...simulation, fuzz: Object.freeze(settings) });
}

/**
 * The simulation's parameters with the target's values as defaults, and no `env` for those: the
 * target says which bug it hunts, and an environment variable left set must not change that.
 */
function pinParams(name: string, sim: Simulation, values: Readonly<Record<string, unknown>>): ParamDefs {
  const { values: pinned } = resolveParams(sim, { given: values, doing: `define fuzz target '${name}'` });
  const defs: Record<string, ParamDef> = {};
  for (const [param, def] of Object.entries(sim.params ?? {})) {
    if (!Object.hasOwn(values, param) || values[param] === undefined) {
      defs[param] = def;
      continue;
    }
    const { env: _env, ...rest } = def;
    defs[param] = { ...rest, default: pinned[param]! };
  }
  return defs;
}

/** Each behavior's list of configs: the shared list, or its own (`[{}]` when it has none). */
function configsByBehavior(
  name: string, behaviors: readonly string[], shared: readonly Json[] | null, perBehavior: Readonly<Record<string, readonly Json[] | undefined>> | null,
): Record<string, Json[]> {
  if (shared && shared.length === 0) throw invalid(name, 'configs is empty', 'Give at least one config, or leave configs out');
  const out: Record<string, Json[]> = {};
  for (const [behavior, list] of Object.entries(perBehavior ?? {})) {
    if (!behaviors.includes(behavior)) throw invalid(name, `configs names '${behavior}', which is not one of its behaviors`, `Its behaviors: ${behaviors.join(', ')}`);
    if (!Array.isArray(list) || list.length === 0) throw invalid(name, `configs.${behavior} is empty`, 'Give at least one config, or leave that behavior out of configs');
  }
  for (const behavior of behaviors) out[behavior] = [...(shared ?? perBehavior?.[behavior] ?? [{}])];
  return out;
}

/** The target's invariants as `{ name, check }`; a bare function (the former shape) is named and warned about once. */
function fuzzInvariants(target: string, given: ReadonlyArray<FuzzInvariant | FuzzInvariantFunction>): FuzzInvariant[] {
  return given.map((invariant, i) => {
    if (typeof invariant === 'function') {
      const name = invariant.name || `invariant ${i + 1}`;
      warnOnce(`fuzz target '${target}': invariants as bare functions are deprecated; write { name: '${name}', check: (run) => ... } (failures are identified by the name)`);
      // As before: any falsy answer (`cond && 'message'`) holds.
      return { name, check: (run) => invariant(run) || null };
    }
    if (!invariant || typeof invariant.check !== 'function' || typeof invariant.name !== 'string' || invariant.name === '') {
      throw invalid(target, `invariants[${i}] is not an invariant`, 'Give { name, check: (run) => null | message | { message, detail } }');
    }
    return invariant;
  });
}

const warned = new Set<string>();
function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  process.emitWarning(message, { type: 'DeprecationWarning', code: 'BEAMULATOR_FUZZ_INVARIANT_FUNCTION' });
}

/** True for a value made by defineFuzzTarget. */
export function isFuzzTarget(value: unknown): value is FuzzTarget {
  return isSimulation(value) && typeof (value as { fuzz?: unknown }).fuzz === 'object' && (value as { fuzz?: unknown }).fuzz !== null;
}

function positive(name: string, field: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw invalid(name, `${field} is ${value}`, 'Use a whole number >= 1');
  return value;
}

function invalid(name: string, what: string, hint: string): BeamulatorError {
  return new BeamulatorError('BEAM_USAGE', `cannot define fuzz target '${name}': ${what}`, hint);
}
