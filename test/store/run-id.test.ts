import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type DuckDBRunStore } from '../../src/store/duckdb-store.ts';
import { newRunId, runIdPattern } from '../../src/store/run-id.ts';
import { BeamulatorError } from '../../src/util/errors.ts';
import { beginTestRun, tempDir, wallStart } from './helpers.ts';

describe('newRunId', () => {
  it('is UTC date-time plus 4 base36 chars, and a shard index for a shard', () => {
    const id = newRunId(Date.UTC(2026, 10, 26, 9, 38, 50, 999));
    expect(id).toMatch(/^20261126-093850-[0-9a-z]{4}$/);
    expect(id).toMatch(runIdPattern);
    expect(newRunId()).toMatch(runIdPattern);
    const shard = newRunId(Date.UTC(2026, 10, 26, 9, 38, 50), { shard: 12 });
    expect(shard).toMatch(/^20261126-093850-[0-9a-z]{4}-s12$/);
    expect(shard).toMatch(runIdPattern);
    // Ids made before shards (3 chars) are still run ids.
    expect('20261126-093850-k3f').toMatch(runIdPattern);
  });

  it('of shards started in the same second never collide, whatever the random part draws', () => {
    const at = Date.UTC(2026, 10, 26, 9, 38, 50);
    const ids = Array.from({ length: 100 }, (_, i) => newRunId(at, { shard: i + 1 }));
    expect(new Set(ids.map((id) => id.replace(/^.*-(s\d+)$/, '$1'))).size).toBe(100);
  });

  it('sorts by start time', () => {
    const ids = [Date.UTC(2025, 11, 31, 23, 59, 59), Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 1, 0, 0, 1), Date.UTC(2026, 9, 2)].map((t) => newRunId(t));
    expect([...ids].sort()).toEqual(ids);
  });
});

describe('run ids in a store', () => {
  let dir: string;
  let cleanup: () => void;
  let store: DuckDBRunStore;
  beforeEach(async () => {
    ({ dir, cleanup } = tempDir());
    store = await openStore(join(dir, 'runs.duckdb'));
  });
  afterEach(async () => {
    await store.close();
    cleanup();
  });

  async function notFound(input: string): Promise<BeamulatorError> {
    const error = await store.resolveRunId(input).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(BeamulatorError);
    expect((error as BeamulatorError).code).toBe('BEAM_RUN_NOT_FOUND');
    expect((error as BeamulatorError).exitCode).toBe(5);
    return error as BeamulatorError;
  }

  it('are unique even when many runs start in the same second', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 300; i++) ids.add((await beginTestRun(store)).runId);
    expect(ids.size).toBe(300);
    for (const id of ids) expect(id.startsWith('20261126-093850-')).toBe(true);
  });

  it('resolve from the full id, a unique prefix, latest and last', async () => {
    const a = await beginTestRun(store, { runId: '20261126-093850-aaa', wallStartedAt: wallStart });
    const b = await beginTestRun(store, { runId: '20261126-101010-bbb', wallStartedAt: wallStart + 3_600_000 });
    expect(await store.resolveRunId(a.runId)).toBe(a.runId);
    expect(await store.resolveRunId('20261126-09')).toBe(a.runId);
    expect(await store.resolveRunId('20261126-1')).toBe(b.runId);
    expect(await store.resolveRunId('latest')).toBe(b.runId);
    expect(await store.resolveRunId('last')).toBe(b.runId);
    expect(await store.resolveRunId('LATEST')).toBe(b.runId);
    expect(await store.resolveRunId(` ${b.runId} `)).toBe(b.runId);
  });

  it('prefer an exact id over longer ids it is a prefix of', async () => {
    await beginTestRun(store, { runId: 'abc' });
    await beginTestRun(store, { runId: 'abcd' });
    expect(await store.resolveRunId('abc')).toBe('abc');
  });

  it('report an unknown id', async () => {
    await beginTestRun(store);
    const error = await notFound('nope');
    expect(error.message).toBe(`cannot find run 'nope': no run has that id in ${join(dir, 'runs.duckdb')}. List runs with \`beamulator runs\``);
    expect(error.hint).toBe('List runs with `beamulator runs`');
    await notFound('');
    await notFound('%'); // no LIKE wildcards
  });

  it('report latest in an empty store', async () => {
    expect((await notFound('latest')).message).toContain("cannot find run 'latest': there are no runs in");
  });

  it('report an ambiguous prefix with up to 5 candidates, newest first', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await beginTestRun(store, { runId: `20261126-0938${10 + i}-x${i}y`, wallStartedAt: wallStart + i * 1000 })).runId);
    const error = await notFound('20261126');
    expect(error.message).toContain(`cannot find run '20261126': it is the prefix of 7 runs (${ids.slice(2).reverse().join(', ')}, ...)`);
    expect(error.hint).toContain('Give more characters of the run id');
    expect(await store.resolveRunId('20261126-093810')).toBe(ids[0]);
  });

  it('list every candidate when there are few', async () => {
    await beginTestRun(store, { runId: 'run-a1', wallStartedAt: wallStart });
    await beginTestRun(store, { runId: 'run-a2', wallStartedAt: wallStart + 1 });
    expect((await notFound('run-a')).message).toContain("cannot find run 'run-a': it is the prefix of 2 runs (run-a2, run-a1) in");
  });
});
