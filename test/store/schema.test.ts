import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/duckdb-store.ts';
import { migrations, prepareSchema, schemaVersion, type Migration } from '../../src/store/schema.ts';
import { action, beginTestRun, tempDir } from './helpers.ts';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

/** Raw DuckDB access to a file no store has open (one instance per path per process). */
async function withRaw<T>(path: string, fn: (conn: Awaited<ReturnType<DuckDBInstance['connect']>>) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(path);
  const conn = await instance.connect();
  try {
    return await fn(conn);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

describe('schema versions', () => {
  it('stamps a new file with the current version, and re-opens it', async () => {
    const path = join(dir, 'runs.duckdb');
    const store = await openStore(path);
    expect(await store.meta('schema_version')).toBe(String(schemaVersion));
    const w = await beginTestRun(store);
    w.addAction(action(w.runId, 0));
    await w.finish({ status: 'completed', simDurationMs: 1, stopReason: 'duration', error: null });
    await store.close();

    const again = await openStore(path);
    expect(await again.meta('schema_version')).toBe(String(schemaVersion));
    expect(await again.actions(w.runId)).toHaveLength(1);
    await again.close();
    const tables = await withRaw(path, async (c) => (await c.runAndReadAll(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY table_name`,
    )).getRows().map((r) => r[0]));
    expect(tables).toEqual(['actions', 'actors', 'complaints', 'events', 'exchanges', 'meta', 'runs', 'snapshots']);
  });

  it('refuses a file written by a newer beamulator', async () => {
    const path = join(dir, 'runs.duckdb');
    await (await openStore(path)).close();
    await withRaw(path, (c) => c.run(`UPDATE meta SET value = '${schemaVersion + 41}' WHERE key = 'schema_version'`));
    for (const readOnly of [false, true]) {
      await expect(openStore(path, { readOnly })).rejects.toMatchObject({
        code: 'BEAM_STORE',
        message: `cannot open run store ${path}: it was written by a newer beamulator (schema ${schemaVersion + 41}, this one knows ${schemaVersion}). `
          + 'Upgrade beamulator or use --db <other file>',
      });
    }
  });

  it('migrates an older file forward, keeping its runs, in one transaction', async () => {
    const path = join(dir, 'runs.duckdb');
    const store = await openStore(path);
    const w = await beginTestRun(store);
    w.addAction(action(w.runId, 0));
    await w.finish({ status: 'completed', simDurationMs: 1, stopReason: 'duration', error: null });
    await store.close();

    const next: Migration[] = [
      ...migrations,
      { to: schemaVersion + 1, description: 'test: a note per run', sql: ['ALTER TABLE runs ADD COLUMN note VARCHAR', `UPDATE runs SET note = 'migrated'`] },
    ];
    await withRaw(path, async (c) => {
      // Read-only opens cannot migrate: they say so.
      await expect(prepareSchema(c, path, { readOnly: true, migrations: next })).rejects.toMatchObject({
        code: 'BEAM_STORE', message: expect.stringContaining(`uses schema ${schemaVersion} and needs upgrading to ${schemaVersion + 1}`),
      });
      expect(await prepareSchema(c, path, { readOnly: false, migrations: next })).toBe(schemaVersion + 1);
      const rows = (await c.runAndReadAll('SELECT run_id, note FROM runs')).getRows();
      expect(rows).toEqual([[w.runId, 'migrated']]);
      expect((await c.runAndReadAll(`SELECT value FROM meta WHERE key = 'schema_version'`)).getRows()).toEqual([[String(schemaVersion + 1)]]);
      // Idempotent once current.
      expect(await prepareSchema(c, path, { readOnly: false, migrations: next })).toBe(schemaVersion + 1);
    });
  });

  it('rolls a failing migration back, leaving the file as it was', async () => {
    const path = join(dir, 'runs.duckdb');
    await (await openStore(path)).close();
    const broken: Migration[] = [
      ...migrations,
      { to: schemaVersion + 1, description: 'broken', sql: ['ALTER TABLE runs ADD COLUMN note VARCHAR', 'SELECT * FROM no_such_table'] },
    ];
    await withRaw(path, async (c) => {
      await expect(prepareSchema(c, path, { readOnly: false, migrations: broken })).rejects.toMatchObject({
        code: 'BEAM_STORE', message: expect.stringContaining(`cannot upgrade run store ${path} from schema ${schemaVersion} to ${schemaVersion + 1}`),
      });
      const columns = (await c.runAndReadAll(`SELECT column_name FROM information_schema.columns WHERE table_name = 'runs'`)).getRows().flat();
      expect(columns).not.toContain('note');
    });
    const store = await openStore(path);
    expect(await store.meta('schema_version')).toBe(String(schemaVersion));
    await store.close();
  });

  it('refuses a DuckDB file of something else', async () => {
    const path = join(dir, 'other.duckdb');
    await withRaw(path, (c) => c.run('CREATE TABLE invoices (id INTEGER)'));
    await expect(openStore(path)).rejects.toMatchObject({
      code: 'BEAM_STORE', message: expect.stringContaining('it is a DuckDB database of something else (tables invoices)'),
    });
  });

  it('refuses read-only opens of an empty DuckDB file', async () => {
    const path = join(dir, 'empty.duckdb');
    await withRaw(path, async () => undefined);
    await expect(openStore(path, { readOnly: true })).rejects.toMatchObject({
      code: 'BEAM_STORE', message: expect.stringContaining('it holds no runs yet'), hint: 'Record a run first with `beamulator run`',
    });
  });
});
