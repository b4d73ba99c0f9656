import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, runSimulation } from 'beamulator';
import notes from '../e2e/sims/notes.sim.ts';
import type { DuckDBRunStore } from '../../src/store/duckdb-store.ts';

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

const setting = async (store: DuckDBRunStore, name: string) =>
  (await store.sql(`SELECT current_setting('${name}') AS v`))[0]!.v;

describe('a run store', () => {
  it('is bounded: the run opens its file with runStoreSettings (32 MB buffer cache, allocator flush at 8 MB)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'beam-run-settings-'));
    dirs.push(dir);
    const db = join(dir, 'runs.duckdb');
    // A reader opened while the run records shares the run's instance, so it sees its settings.
    let reader: Promise<DuckDBRunStore> | null = null;
    await runSimulation(notes, { db, seed: 1, hooks: { onRunStart: () => { reader = openStore(db, { readOnly: false }); } } });
    const shared = await reader!;
    try {
      expect(await setting(shared, 'memory_limit')).toBe('30.5 MiB');
      expect(await setting(shared, 'allocator_flush_threshold')).toBe('7.6 MiB');
    } finally {
      await shared.close();
    }
    // A store opened on its own keeps DuckDB's defaults (readers, export choose their own).
    const alone = await openStore(db);
    try {
      expect(await setting(alone, 'allocator_flush_threshold')).toBe('128.0 MiB');
    } finally {
      await alone.close();
    }
  });
});
