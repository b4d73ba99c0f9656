import { randomInt } from 'node:crypto';
import { BeamulatorError } from '../util/errors.ts';

/** A fresh run seed when the user gave none: printed and stored, so the run can be repeated. */
export function randomSeed(): string {
  return String(randomInt(1, 2 ** 31 - 1));
}

/**
 * Normalizes a user-given seed (number or string) to the string form stored with a run. An empty
 * one is refused rather than taken for "random": `--seed "$SEED"` with SEED unset must not quietly
 * make a run nobody can repeat by its command.
 */
export function normalizeSeed(seed: string | number | undefined): string {
  if (seed === undefined) return randomSeed();
  if (String(seed).trim() === '') {
    throw new BeamulatorError('BEAM_USAGE', 'cannot use an empty seed', 'Give a seed such as 42, or leave --seed out for a random one (it is printed)');
  }
  return String(seed);
}
