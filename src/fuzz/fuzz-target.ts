import type { ActionRecord, ComplaintRecord, Json, Severity } from '../store/records.ts';
import type { FuzzSpec } from '../replay/fuzz-spec.ts';
import { resolveParams } from '../engine/resolve-params.ts';
import { defineSimulation, isSimulation, type Simulation, type StartedTarget, type TargetStartInput } from '../engine/simulation.ts';
import type { ParamDef, ParamDefs, ParamSettings, ParamValues } from '../util/params.ts';
import { parseDuration, type Duration } from '../util/duration.ts';
import { BeamulatorError } from '../util/errors.ts';
import { severities } from '../store/records.ts';

/** What an invariant sees: the run's log (up to where it stopped) and the spec that made it. */
export interface FuzzRunView {
  spec: FuzzSpec;
  actions: readonly ActionRecord[];
  complaints: readonly ComplaintRecord[];
}

/**
 * An invariant over a finished fuzz run: a message when it is broken, else null. Called after
 * every run that raised no failing complaint. One that throws stops the campaign (exit 6, naming
 * it and the line of your code that threw): a bug in the check is not a finding.
 */
export type FuzzInvariant = (run: FuzzRunView) => string | null;

export interface FuzzTargetSpec<P extends ParamDefs = ParamDefs> {
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
  /** Names of the simulation's behaviors to draw actors from (default: every behavior it knows). */
  behaviors?: readonly string[];
  /** Per-actor configs to choose from (e.g. teams); default `[{}]`. The first is the "least" one. */
  configs?: readonly Json[];
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
  /** With overlap: events joining a batch are due within this much sim time (default '2s'). */
  maxLatency?: Duration;
  /** Each actor arrives at a time drawn from its tape in 0..arrivalJitter (default 0: all arrive at 0). */
  arrivalJitter?: Duration;
  /** Sim-time cap of one run (default the simulation's duration, else '24h'). */
  duration?: Duration;
  /** Action cap of one run (default 1000). */
  maxActions?: number;
  /** Checked at the end of each run that raised no failing complaint. */
  invariants?: readonly FuzzInvariant[];
  /** The target, started once per campaign (with the runs' parameters) and `reset()` between runs (default: the simulation's). */
  target?: { start(input: TargetStartInput<ParamValues<P>>): Promise<StartedTarget> | StartedTarget };
}

/** Resolved fuzz settings, attached to the target. */
export interface FuzzSettings {
  name: string;
  behaviors: string[];
  configs: Json[];
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
export function defineFuzzTarget<P extends ParamDefs>(spec: FuzzTargetSpec<P>): FuzzTarget {
  const sim = spec.simulation as Simulation;
  if (!isSimulation(sim)) throw invalid(spec.name, 'simulation is not a simulation', 'Pass the default export of a .sim.ts file');
  const known = [...new Set([...(sim.behaviors ?? []).map((b) => b.name), ...sim.population.map((p) => (typeof p.behavior === 'string' ? p.behavior : p.behavior.name))])];
  const behaviors = [...(spec.behaviors ?? known)];
  if (behaviors.length === 0) throw invalid(spec.name, 'no behaviors to draw from', 'List behavior names in behaviors: [...]');
  for (const b of behaviors) {
    if (!known.includes(b)) throw invalid(spec.name, `unknown behavior '${b}'`, `Known behaviors: ${known.join(', ')}`);
  }
  const failOn = spec.failOn ?? 'annoying';
  if (!severities.includes(failOn)) throw invalid(spec.name, `failOn is '${String(failOn)}'`, `Use one of ${severities.join(', ')}`);
  const configs = [...(spec.configs ?? [{}])];
  if (configs.length === 0) throw invalid(spec.name, 'configs is empty', 'Give at least one config, or leave configs out');
  const settings: FuzzSettings = {
    name: spec.name,
    behaviors,
    configs,
    maxActors: positive(spec.name, 'maxActors', spec.maxActors ?? 4),
    maxTurns: positive(spec.name, 'maxTurns', spec.maxTurns ?? 12),
    maxDrawsPerTurn: positive(spec.name, 'maxDrawsPerTurn', spec.maxDrawsPerTurn ?? 8),
    failOn,
    failWhen: spec.failWhen ?? null,
    overlap: spec.overlap ?? false,
    maxSpan: spec.maxSpan ?? 2,
    maxLatencyMs: parseDuration(spec.maxLatency ?? '2s', 'maxLatency'),
    arrivalJitterMs: parseDuration(spec.arrivalJitter ?? 0, 'arrivalJitter'),
    durationMs: parseDuration(spec.duration ?? sim.duration ?? '24h', 'duration'),
    maxActions: spec.maxActions ?? 1000,
    invariants: [...(spec.invariants ?? [])],
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
