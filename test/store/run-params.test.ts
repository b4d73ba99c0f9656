import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/duckdb-store.ts';
import { migrations, prepareSchema, schemaVersion } from '../../src/store/schema.ts';
import { importBundle, readRunBundle } from '../../src/replay/replay-file.ts';
import { beginTestRun, tempDir } from './helpers.ts';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

describe('runs.params', () => {
  it('stores a run\'s parameters (secret-named ones redacted), reads, lists, exports and imports them', async () => {
    const store = await openStore(join(dir, 'runs.duckdb'));
    try {
      const w = await beginTestRun(store, { params: { bugs: ['x', 'y'], n: 3, on: true, name: 'a b', apiKey: 'k' } });
      await w.finish({ status: 'completed', simDurationMs: 1, stopReason: 'duration', error: null });
      const expected = { bugs: ['x', 'y'], n: 3, on: true, name: 'a b', apiKey: '[redacted]' };
      expect((await store.getRun(w.runId))!.params).toEqual(expected);
      expect((await store.listRuns())[0]!.params).toEqual(expected);
      const none = await beginTestRun(store);
      expect((await store.getRun(none.runId))!.params).toBeNull();
      await none.finish({ status: 'completed', simDurationMs: 1, stopReason: 'duration', error: null });

      const other = await openStore(':memory:');
      try {
        await importBundle(other, await readRunBundle(store, w.runId));
        expect((await other.getRun(w.runId))!.params).toEqual(expected);
      } finally {
        await other.close();
      }
    } finally {
      await store.close();
    }
  });

  it('is added to a schema-2 file by migration 3, its runs reading back params null', async () => {
    expect(migrations.find((m) => m.to === 3)?.sql).toEqual(['ALTER TABLE runs ADD COLUMN params JSON']);
    const path = join(dir, 'old.duckdb');
    const instance = await DuckDBInstance.create(path);
    const conn = await instance.connect();
    try {
      await prepareSchema(conn, path, { readOnly: false, migrations: migrations.filter((m) => m.to <= 2) });
      await conn.run(`INSERT INTO runs (run_id, kind, simulation, seed, status, config, beamulator_version, wall_started_at, sim_duration_ms, sim_epoch)
        VALUES ('old-run', 'run', 'todo', '42', 'completed', '{}', '0.1.0', 0, 1000, 0)`);
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
    await expect(openStore(path, { readOnly: true })).rejects.toMatchObject({ code: 'BEAM_STORE', message: expect.stringContaining(`uses schema 2 and needs upgrading to ${schemaVersion}`) });
    const store = await openStore(path);
    try {
      expect(await store.meta('schema_version')).toBe(String(schemaVersion));
      expect(await store.getRun('old-run')).toMatchObject({ runId: 'old-run', params: null, comparison: null });
    } finally {
      await store.close();
    }
  });
});
