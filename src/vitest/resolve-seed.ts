import { randomSeed } from '../rng/seed.ts';
import type { SeedSource } from './recorded-run.ts';

/** The environment variable that pins the seed of every run in a test process. */
export const seedEnvVar = 'BEAMULATOR_SEED';

/**
 * Picks a run's seed, most specific first, the way @fast-check/vitest does (a seed given to the
 * test itself beats the globally configured one, which beats a fresh random seed):
 *
 * 1. `options.seed` given to this call;
 * 2. `BEAMULATOR_SEED` from the environment (pins every run that has no explicit seed);
 * 3. the simulation's own `seed`;
 * 4. a fresh random seed (printed in every failure message, so the run can be repeated).
 *
 * @example
 * resolveSeed(undefined, undefined, { BEAMULATOR_SEED: '42' }); // { seed: '42', source: 'env' }
 */
export function resolveSeed(
  explicit: string | number | undefined,
  simulationSeed: string | number | undefined,
  env: Record<string, string | undefined> = process.env,
): { seed: string; source: SeedSource } {
  if (explicit !== undefined && explicit !== '') return { seed: String(explicit), source: 'options' };
  const pinned = env[seedEnvVar]?.trim();
  if (pinned) return { seed: pinned, source: 'env' };
  if (simulationSeed !== undefined && simulationSeed !== '') return { seed: String(simulationSeed), source: 'simulation' };
  return { seed: randomSeed(), source: 'random' };
}
