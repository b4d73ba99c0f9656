import { randomInt } from 'node:crypto';

/** A fresh run seed when the user gave none: printed and stored, so the run can be repeated. */
export function randomSeed(): string {
  return String(randomInt(1, 2 ** 31 - 1));
}

/** Normalizes a user-given seed (number or string) to the string form stored with a run. */
export function normalizeSeed(seed: string | number | undefined): string {
  if (seed === undefined || seed === '') return randomSeed();
  return String(seed);
}
