/**
 * Run ids: short, sortable by start time, easy to copy: `20261126-093850-k3f9` (UTC wall time
 * + 4 random base36 chars), and a shard's run says which one it is: `20261126-093850-k3f9-s3`.
 * Within one store the primary key catches a collision; stores of many machines meet in `merge`,
 * where two runs with one id are refused: shards of a group (which start in the same second on
 * purpose) cannot collide, and other runs started in the same second collide once in 1.7 million
 * pairs. Run ids are not part of the determinism contract.
 */
import { randomInt } from 'node:crypto';
import { wallNow } from '../clock/wall-clock.ts';
import { BeamulatorError } from '../util/errors.ts';

const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz';

/** A run id as beamulator makes them (ids made before shards had 3 random chars). */
export const runIdPattern = /^\d{8}-\d{6}-[0-9a-z]{3,4}(-s\d+)?$/;

/** A fresh run id for a run starting at `epochMs` (default: now); `shard`: the index of a sharded run's shard. */
export function newRunId(epochMs: number = wallNow(), options: { shard?: number } = {}): string {
  const d = new Date(epochMs);
  const two = (n: number) => String(n).padStart(2, '0');
  let suffix = '';
  for (let i = 0; i < 4; i++) suffix += alphabet[randomInt(36)]!;
  const shard = options.shard !== undefined ? `-s${options.shard}` : '';
  return `${d.getUTCFullYear()}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}-${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}-${suffix}${shard}`;
}

/** True for the words that mean "the newest run". */
export function isLatestAlias(idOrPrefix: string): boolean {
  const word = idOrPrefix.trim().toLowerCase();
  return word === 'latest' || word === 'last';
}

export function runNotFound(idOrPrefix: string, path: string, reason = 'no run has that id'): BeamulatorError {
  return new BeamulatorError('BEAM_RUN_NOT_FOUND', `cannot find run '${idOrPrefix}': ${reason} in ${path}`, 'List runs with `beamulator runs`');
}

/**
 * Picks the run an id, prefix or `latest` names, given the candidates the store found
 * (runs whose id starts with the input, newest first, at most 6) and how many there are.
 */
export function pickRun(idOrPrefix: string, path: string, candidates: readonly string[], count: number): string {
  if (count === 1 && candidates[0] !== undefined) return candidates[0];
  if (count === 0) {
    throw runNotFound(idOrPrefix, path, isLatestAlias(idOrPrefix) ? 'there are no runs' : 'no run has that id');
  }
  const shown = candidates.slice(0, 5).join(', ') + (count > 5 ? ', ...' : '');
  throw new BeamulatorError('BEAM_RUN_NOT_FOUND', `cannot find run '${idOrPrefix}': it is the prefix of ${count} runs (${shown}) in ${path}`,
    'Give more characters of the run id, or list runs with `beamulator runs`');
}
