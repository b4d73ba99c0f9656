import { describe, expect, it } from 'vitest';
import { defaultGroup, fuzzShare, inShard, looksLikeRunId, parseShard, resolveShard, shardFromEnv } from '../../src/engine/shard.ts';

describe('shards', () => {
  it('partition actor ids round-robin: every id in exactly one shard, whatever N', () => {
    for (const count of [1, 2, 3, 7]) {
      for (let id = 0; id < 50; id++) {
        const owners = Array.from({ length: count }, (_, i) => i + 1).filter((index) => inShard(id, { index, count }));
        expect(owners).toEqual([(id % count) + 1]);
      }
    }
  });

  it('parse i/N and refuse what is not one', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard(' 1 / 1 ')).toEqual({ index: 1, count: 1 });
    for (const bad of ['0/4', '5/4', '1/0', '2', 'a/b', '-1/4', '1/4/2']) expect(() => parseShard(bad)).toThrow(/expected i\/N with 1 <= i <= N/);
  });

  it('derive one group per simulation, seed and count, unless given', () => {
    expect(resolveShard({ index: 1, count: 4 }, 'shop', '7').group).toBe(resolveShard({ index: 3, count: 4 }, 'shop', '7').group);
    expect(defaultGroup('shop', '7', 4)).not.toBe(defaultGroup('shop', '8', 4));
    expect(defaultGroup('shop', '7', 4)).not.toBe(defaultGroup('shop', '7', 2));
    expect(resolveShard({ index: 1, count: 2, group: 'nightly-42' }, 'shop', '7').group).toBe('nightly-42');
    expect(() => resolveShard({ index: 1, count: 2, group: 'no spaces' }, 'shop', '7')).toThrow(/cannot use shard group/);
    expect(() => resolveShard({ index: 1.5, count: 2 }, 'shop', '7')).toThrow(/whole number from 1 to the count/);
    // Groups and run ids are told apart by their look (show and replay take either).
    expect(() => resolveShard({ index: 1, count: 2, group: '2026' }, 'shop', '7')).toThrow(/looks like a run id/);
    expect(looksLikeRunId(defaultGroup('shop', '7', 4))).toBe(false);
    for (const ref of ['latest', '20261201', '20261201-0247', '20261201-024724-oc1', '20261201-024724-oc1x', '20261201-024724-oc1x-s', '20261201-024724-oc1x-s12']) expect(looksLikeRunId(ref)).toBe(true);
  });

  it('read the shard from the environment: BEAMULATOR_SHARD, or a Kubernetes Indexed Job', () => {
    expect(shardFromEnv({})).toBeNull();
    expect(shardFromEnv({ BEAMULATOR_SHARD: '3/5', BEAMULATOR_GROUP: 'g1' })).toEqual({ index: 3, count: 5, group: 'g1' });
    expect(shardFromEnv({ JOB_COMPLETION_INDEX: '0', BEAMULATOR_SHARDS: '4' })).toEqual({ index: 1, count: 4 });
    expect(shardFromEnv({ JOB_COMPLETION_INDEX: '3', BEAMULATOR_SHARDS: '4' })).toEqual({ index: 4, count: 4 });
    expect(() => shardFromEnv({ JOB_COMPLETION_INDEX: '4', BEAMULATOR_SHARDS: '4' })).toThrow(/expected i\/N/);
    expect(() => shardFromEnv({ JOB_COMPLETION_INDEX: '1' })).toThrow(/BEAMULATOR_SHARDS .* is not set/);
  });

  it('split a fuzz budget into shares that add up, each with its own seed', () => {
    for (const [runs, count] of [[1000, 4], [10, 3], [7, 7], [5, 2]] as const) {
      const shares = Array.from({ length: count }, (_, i) => fuzzShare(42, runs, { index: i + 1, count }));
      expect(shares.reduce((n, s) => n + s.runs, 0)).toBe(runs);
      expect(Math.max(...shares.map((s) => s.runs)) - Math.min(...shares.map((s) => s.runs))).toBeLessThanOrEqual(1);
      expect(new Set(shares.map((s) => s.seed)).size).toBe(count);
    }
    expect(fuzzShare(42, 1000, { index: 1, count: 1 })).toEqual({ seed: 42, runs: 1000 });
    expect(fuzzShare(42, 1000, { index: 2, count: 4 })).toEqual(fuzzShare(42, 1000, { index: 2, count: 4 }));
  });
});
