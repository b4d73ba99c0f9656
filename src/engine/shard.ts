import { createHash } from 'node:crypto';
import { isLatestAlias } from '../store/run-id.ts';
import { BeamulatorError } from '../util/errors.ts';

/**
 * One part of a run split across processes or machines: shard `index` (1-based) of `count`.
 * Shards that share a `group` are parts of the same run; merged, they hold every actor once.
 *
 * @example
 * // Four pods of a Kubernetes Indexed Job, each running one quarter of the population:
 * await runSimulation(sim, { seed: 7, shard: { index: 2, count: 4 } });
 */
export interface Shard {
  /** Which shard this is, 1..count (like Playwright's `--shard 2/4`). */
  index: number;
  /** How many shards the run is split into. */
  count: number;
  /** The run the shards belong to (default: derived from simulation, seed and count, so every shard agrees). */
  group?: string;
}

/** A shard with its group decided, as stored with the run (`config.shard`). */
export interface ResolvedShard {
  index: number;
  count: number;
  group: string;
}

/**
 * Whether an actor belongs to a shard. The partition is by actor id, round-robin: actor `id` is in
 * shard `id % count + 1`. Ids come from the population's order, not from the shard, so an actor
 * keeps its id, name, config and random stream whatever the count; round-robin spreads every
 * population entry over all shards.
 */
export function inShard(actorId: number, shard: Pick<Shard, 'index' | 'count'>): boolean {
  return actorId % shard.count === shard.index - 1;
}

/** Parses `i/N` (`--shard 2/4`, `BEAMULATOR_SHARD=2/4`); `source` names where the text came from in errors. */
export function parseShard(text: string, source = '--shard'): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) {
    throw new BeamulatorError('BEAM_USAGE', `cannot use ${source} '${text}': expected i/N with 1 <= i <= N`, 'E.g. --shard 1/4 for the first of four shards');
  }
  return { index, count };
}

/** Checks a programmatic shard (RunOptions.shard) and decides its group. */
export function resolveShard(shard: Shard, simulation: string, seed: string): ResolvedShard {
  const { index, count } = shard;
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(index) || index < 1 || index > count) {
    throw new BeamulatorError('BEAM_USAGE', `cannot run shard ${String(index)}/${String(count)}: the index must be a whole number from 1 to the count`, 'E.g. { index: 1, count: 4 }');
  }
  if (shard.group !== undefined && !/^[\w.-]{1,64}$/.test(shard.group)) {
    throw new BeamulatorError('BEAM_USAGE', `cannot use shard group '${shard.group}': use 1 to 64 letters, digits, '.', '_' or '-'`, 'E.g. --group nightly-42');
  }
  if (shard.group !== undefined && looksLikeRunId(shard.group)) {
    throw new BeamulatorError('BEAM_USAGE', `cannot use shard group '${shard.group}': it looks like a run id`, 'Start it with a letter, e.g. --group nightly-42');
  }
  return { index, count, group: shard.group ?? defaultGroup(simulation, seed, count) };
}

/**
 * True for what may name a run (an id, a prefix of one, `latest`): a group never does, so the
 * commands that take either (`show`, `replay`) tell them apart without looking.
 */
export function looksLikeRunId(ref: string): boolean {
  return isLatestAlias(ref) || /^\d{1,8}(-\d{0,6}(-[0-9a-z]{0,4}(-(s\d*)?)?)?)?$/.test(ref.trim().toLowerCase());
}

/**
 * The group every shard of one run derives on its own, with no coordination: the same simulation,
 * seed and count give the same id on every machine.
 */
export function defaultGroup(simulation: string, seed: string, count: number): string {
  return `g-${createHash('sha256').update(`${simulation}\0${seed}\0${count}`).digest('hex').slice(0, 12)}`;
}

/**
 * The shard a process is told to run by its environment, for when `--shard` is absent:
 * `BEAMULATOR_SHARD=i/N`, or a Kubernetes Indexed Job's `JOB_COMPLETION_INDEX` (0-based) with
 * `BEAMULATOR_SHARDS=N`. `BEAMULATOR_GROUP` names the group. Null when none is set.
 */
export function shardFromEnv(env: Readonly<Record<string, string | undefined>>): Shard | null {
  const group = env.BEAMULATOR_GROUP ? { group: env.BEAMULATOR_GROUP } : {};
  if (env.BEAMULATOR_SHARD) return { ...parseShard(env.BEAMULATOR_SHARD, 'BEAMULATOR_SHARD'), ...group };
  const jobIndex = env.JOB_COMPLETION_INDEX;
  if (jobIndex === undefined || jobIndex === '') return null;
  const total = env.BEAMULATOR_SHARDS;
  if (!total) {
    throw new BeamulatorError('BEAM_USAGE', `cannot tell which shard to run: JOB_COMPLETION_INDEX is ${jobIndex} but BEAMULATOR_SHARDS (the number of shards) is not set`,
      "Set BEAMULATOR_SHARDS to the Job's completions in its pod template, or pass --shard i/N");
  }
  if (!/^\d+$/.test(jobIndex)) {
    throw new BeamulatorError('BEAM_USAGE', `cannot use JOB_COMPLETION_INDEX '${jobIndex}': not a whole number`, 'It is set by Kubernetes Indexed Jobs; unset it or pass --shard i/N');
  }
  return { ...parseShard(`${Number(jobIndex) + 1}/${total}`, `JOB_COMPLETION_INDEX ${jobIndex} with BEAMULATOR_SHARDS`), ...group };
}

/**
 * A fuzz campaign's share for one shard: its runs (the budget split as evenly as whole runs
 * allow) and its own fast-check seed, derived from the campaign's, so shards explore different
 * streams and the same `--seed` gives every shard the same share again.
 */
export function fuzzShare(seed: number, runs: number, shard: Pick<Shard, 'index' | 'count'>): { seed: number; runs: number } {
  if (shard.count === 1) return { seed, runs };
  const share = Math.floor(runs / shard.count) + (shard.index <= runs % shard.count ? 1 : 0);
  const digest = createHash('sha256').update(`${seed}\0${shard.index}\0${shard.count}`).digest();
  return { seed: digest.readUInt32BE(0) % 2147483647, runs: share };
}
