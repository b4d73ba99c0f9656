// A run store keeps DuckDB's memory_limit small; long values need more while DuckDB checkpoints,
// and a checkpoint short of memory invalidates the database (src/store/memory-headroom.ts).
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type OpenStoreOptions } from '../../src/store/duckdb-store.ts';
import { sizeBytes } from '../../src/store/memory-headroom.ts';
import { action, beginTestRun, exchange, tempDir } from './helpers.ts';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

/** 2,500 exchanges with 20 kB bodies, committed 500 at a time; a checkpoint every 1 MB of WAL. */
async function record(name: string, options: OpenStoreOptions): Promise<{ error: string | null; exchanges: number; limit: string }> {
  const store = await openStore(join(dir, name), { journal: 'never', ...options, duckdbSettings: { checkpoint_threshold: '1MB', ...options.duckdbSettings } });
  let error: string | null = null;
  let exchanges = 0;
  try {
    const w = await beginTestRun(store);
    const body = (i: number) => `[${`{"id":${i},"title":"a todo with a title"},`.repeat(600)}]`.slice(0, 20_000);
    for (let i = 0; i < 2500; i++) {
      w.addAction(action(w.runId, i));
      w.addExchange(exchange(w.runId, i, 0, { responseBody: body(i) }));
      if (i % 500 === 499) await w.flush();
    }
    await w.finish({ status: 'completed', simDurationMs: 1, stopReason: null, error: null });
    exchanges = (await store.sql('SELECT count(*)::INTEGER AS n FROM exchanges'))[0]!.n as number;
  } catch (e) {
    error = (e as Error).message;
  }
  const limit = error ? '' : String((await store.sql(`SELECT current_setting('memory_limit') AS m`))[0]!.m);
  await store.close().catch(() => undefined);
  return { error, exchanges, limit };
}

describe('memory headroom', () => {
  it('raises a small memory_limit while long values are committed: the checkpoint that would fail holds, and the limit is back after', async () => {
    // The same limit set behind the store's back: the checkpoint fails and DuckDB gives up on the file.
    const without = await record('without.duckdb', { duckdbSettings: { memory_limit: '16MB' } });
    expect(without.error).toMatch(/FATAL|invalidated/);

    const held = await record('held.duckdb', { memoryLimit: '16MB' });
    expect(held).toEqual({ error: null, exchanges: 2500, limit: '15.2 MiB' });
  });

  it('reads DuckDB size settings', () => {
    expect([sizeBytes('32MB'), sizeBytes('1.5 GiB'), sizeBytes('512'), sizeBytes('lots')]).toEqual([32e6, 1.5 * 2 ** 30, 512, null]);
  });
});
