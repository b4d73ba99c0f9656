/**
 * The fuzz spec: the exact replay artifact of a fuzz run (population + one choice tape per actor).
 * It sits with replay, not with the fuzzer: replay re-runs a fuzz run from the spec stored with it,
 * and replay is below fuzz (src/fuzz generates and shrinks specs with fast-check, none needed here).
 */
import { TapeRng } from '../rng/tape-rng.ts';
import type { Json } from '../store/records.ts';
import type { InternalRunOptions } from '../engine/run-simulation.ts';
import type { PopulationEntry } from '../engine/simulation.ts';

/** One actor of a fuzz spec: its behavior (by name), its config, and its per-turn tape (see TapeRng). */
export interface FuzzActorSpec {
  behavior: string;
  config: Json;
  tape: number[][];
  /**
   * Extra sim ms before the actor's next turn, by tape segment: `pauses[k]` is added once segment
   * k is over (k = 0: to its arrival; k >= 1: to the wait turn k returns). The shrink's deletion
   * pass writes them when it deletes a turn but keeps the turns after it at their sim times (two
   * actors' turns that overlap stay in one step). Absent or short: 0.
   */
  pauses?: number[];
}

/** A generated population with its choices; stored as `meta.fuzzSpec` with a fuzz run. */
export interface FuzzSpec {
  actors: FuzzActorSpec[];
  /** Whether the engine's drawn overlap is on (spans come from each actor's own tape). */
  overlap: boolean;
}

/** How a spec is turned into run options; stored as `meta.fuzzOptions` so a replay does the same. */
export interface FuzzSpecOptions {
  /** With overlap on: how many following events may join a popped one (0..maxSpan, drawn). */
  maxSpan: number;
  /** With overlap on: events joining a batch are due within this much sim time. */
  maxLatencyMs: number;
  /** Retire an actor when its tape runs out (true minima while shrinking). */
  retire: boolean;
  /** Each actor's arrival is drawn from its setup segment in 0..arrivalJitterMs (0: all arrive at 0, no draw). */
  arrivalJitterMs?: number;
  /**
   * With overlap on: the engine orders the requests and responses of an overlapping step from the
   * actors' tapes (see OverlapGate). Absent in runs recorded before it existed, which replay without.
   */
  ordered?: boolean;
}

export const defaultFuzzSpecOptions: FuzzSpecOptions = { maxSpan: 2, maxLatencyMs: 2_000, retire: true, arrivalJitterMs: 0, ordered: false };

/**
 * The run options that run a spec: one population entry per actor (count 1, config fixed,
 * named `<behavior> <i+1>`), a TapeRng per actor, and the drawn overlap when `spec.overlap`.
 *
 * @example
 * await runSimulationInternal(sim, { db: false, ...specRunOptions(spec, defaultFuzzSpecOptions) });
 */
export function specRunOptions(spec: FuzzSpec, options: FuzzSpecOptions): Pick<InternalRunOptions, 'population' | 'rngFor' | 'overlap'> {
  const jitter = options.arrivalJitterMs ?? 0;
  const population: PopulationEntry[] = spec.actors.map((actor, i) => ({
    behavior: actor.behavior,
    count: 1,
    config: actor.config,
    name: () => `${actor.behavior} ${i + 1}`,
    ...(jitter > 0 ? { start: { jitter } } : {}),
  }));
  return {
    population,
    rngFor: (actorId) => tapeRngOf(spec.actors[actorId], options.retire),
    ...(spec.overlap ? { overlap: { maxSpan: options.maxSpan, maxLatencyMs: options.maxLatencyMs, ...(options.ordered ? { ordered: true } : {}) } } : {}),
  };
}

/** The TapeRng that plays one actor of a spec (its tape and pauses; an actor past the spec's gets an empty tape). */
export function tapeRngOf(actor: FuzzActorSpec | undefined, retire: boolean): TapeRng {
  return new TapeRng(actor?.tape ?? [], { retire, ...(actor?.pauses ? { pauses: actor.pauses } : {}) });
}

/** Reads `meta.fuzzSpec` / `meta.fuzzOptions` back from a stored run config (null when not a fuzz run). */
export function fuzzSpecOfConfig(config: Json): { spec: FuzzSpec; options: FuzzSpecOptions } | null {
  const meta = (config as { meta?: { fuzzSpec?: FuzzSpec; fuzzOptions?: FuzzSpecOptions } } | null)?.meta;
  if (!meta || typeof meta !== 'object' || !meta.fuzzSpec) return null;
  return { spec: meta.fuzzSpec, options: { ...defaultFuzzSpecOptions, ...meta.fuzzOptions } };
}
