import { SeededRng } from '../rng/seeded-rng.ts';
import { parseDuration, type Duration } from '../util/duration.ts';
import { BeamulatorError } from '../util/errors.ts';

/** A rate as text: a count per unit of sim time, `'10/s'`, `'30/m'`, `'500/h'`, `'0.5/s'`. */
export type RateText = string;

/** One stage of an arrival profile: the rate goes linearly from the previous stage's target (first: 0) to `target` over `over`. */
export interface ArrivalStage {
  target: RateText;
  over: Duration;
}

/**
 * An open-model population (like k6's arrival-rate executors): new actors arrive at a rate over
 * sim time, whatever the ones before are doing. `{ rate }` holds one rate for the whole run; a
 * list of stages (or `{ stages }`) ramps it (ramp up, hold, ramp down), and no one arrives after
 * the last stage. Arrivals are evenly spaced; `random: true` makes them a Poisson process drawn
 * from the run's seed. Either way the same seed gives the same arrival times, paced or not.
 *
 * @example
 * population: [{ behavior: shopper, arrivals: [{ target: '50/s', over: '1m' }, { target: '50/s', over: '5m' }, { target: '0/s', over: '1m' }] }]
 */
export type Arrivals = { rate: RateText; random?: boolean } | { stages: readonly ArrivalStage[]; random?: boolean } | readonly ArrivalStage[];

/** Arrivals one entry may make over a run: each is an actor held in memory from the start. */
export const MAX_ARRIVALS = 1_000_000;

const UNITS: Record<string, number> = { ms: 1, s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000, hour: 3_600_000 };

/**
 * Arrivals per sim ms of `text`; throws BEAM_SIMULATION_INVALID naming `what` when it is not a rate.
 *
 * @example
 * parseRate('10/s', 'rate'); // 0.01
 */
export function parseRate(text: unknown, what: string): number {
  const m = typeof text === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*\/\s*([a-z]+)\s*$/i.exec(text) : null;
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) {
    throw new BeamulatorError('BEAM_SIMULATION_INVALID', `cannot use ${what} ${JSON.stringify(text) ?? String(text)}: not a rate`, "Write a count per unit of sim time, e.g. '10/s', '30/m' or '500/h'");
  }
  return Number(m[1]) / unit;
}

/** A profile as linear pieces: rate per ms from `from` to `to` over `ms`. */
interface Piece {
  from: number;
  to: number;
  ms: number;
}

/** Checks an entry's `arrivals` (throws what parseRate and parseDuration throw) and returns its pieces; `durationMs` closes a `{ rate }` profile. */
export function arrivalPieces(arrivals: Arrivals, what: string, durationMs: number): Piece[] {
  if (arrivals === null || typeof arrivals !== 'object') {
    throw new BeamulatorError('BEAM_SIMULATION_INVALID', `cannot use ${what}: it is neither { rate } nor a list of stages`, "Use arrivals: { rate: '10/s' } or arrivals: [{ target: '50/s', over: '1m' }, ...]");
  }
  if ('rate' in arrivals) {
    const rate = parseRate(arrivals.rate, `${what}.rate`);
    return [{ from: rate, to: rate, ms: durationMs }];
  }
  const stages = Array.isArray(arrivals) ? arrivals : (arrivals as { stages?: unknown }).stages;
  if (!Array.isArray(stages) || stages.length === 0) {
    throw new BeamulatorError('BEAM_SIMULATION_INVALID', `cannot use ${what}: it has no stages`, "Use arrivals: { rate: '10/s' } or arrivals: [{ target: '50/s', over: '1m' }, ...]");
  }
  let from = 0;
  return (stages as ArrivalStage[]).map((stage, i) => {
    if (!stage || typeof stage !== 'object') throw new BeamulatorError('BEAM_SIMULATION_INVALID', `cannot use ${what}[${i}]: a stage is { target, over }`, "Use e.g. { target: '50/s', over: '1m' }");
    const to = parseRate(stage.target, `${what}[${i}].target`);
    const piece = { from, to, ms: parseDuration(stage.over, `${what}[${i}].over`) };
    from = to;
    return piece;
  });
}

/**
 * The sim times (ms, whole) at which the entry's actors arrive within `durationMs`. The k-th
 * arrival is where the profile's cumulative count reaches k (evenly spaced), or reaches the sum of
 * k exponential draws from the run's seed (random: a Poisson process with that rate).
 */
export function arrivalTimes(arrivals: Arrivals, what: string, durationMs: number, seed: string, entryIndex: number): number[] {
  if (!Number.isFinite(durationMs) && 'rate' in arrivals) {
    throw new BeamulatorError('BEAM_SIMULATION_INVALID', `cannot use ${what}: a steady rate needs a run duration`, 'Give the run a duration, or use stages that end');
  }
  const pieces = arrivalPieces(arrivals, what, durationMs);
  const random = !Array.isArray(arrivals) && Boolean((arrivals as { random?: boolean }).random);
  // Its own stream, apart from every actor's: keyed by the entry, so other entries do not shift it.
  const rng = random ? SeededRng.fromKey(`${seed}/arrivals/${entryIndex}`) : null;
  const times: number[] = [];
  let target = rng ? -Math.log(1 - rng.next()) : 0;
  let start = 0;
  let counted = 0;
  for (const { from, to, ms } of pieces) {
    const total = ((from + to) / 2) * ms;
    while (target < counted + total) {
      const k = target - counted;
      // Solve from·τ + (to - from)·τ²/(2·ms) = k for τ in [0, ms].
      const a = (to - from) / (2 * ms);
      const tau = from === to ? k / from : (-from + Math.sqrt(from * from + 4 * a * k)) / (2 * a);
      const at = Math.floor(start + tau);
      if (at > durationMs) return times;
      times.push(at);
      if (times.length > MAX_ARRIVALS) {
        throw new BeamulatorError('BEAM_SIMULATION_INVALID', `cannot use ${what}: it makes more than ${MAX_ARRIVALS.toLocaleString('en')} actors over the run`, 'Lower the rate or the run duration (each arrival is an actor held in memory)');
      }
      target += rng ? -Math.log(1 - rng.next()) : 1;
    }
    counted += total;
    start += ms;
    if (start > durationMs) break;
  }
  return times;
}
