// hooks.onSaving: a run whose rows were journaled (src/store/row-journal.ts) says so at its end,
// then how far the load into DuckDB is; a hook that throws loses no row. Real DuckDB files.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defineAction, defineBehavior, defineSimulation, runSimulation, STOP } from 'beamulator';
import { openStore } from '../../src/store/duckdb-store.ts';
import { journalDir } from '../../src/store/row-journal.ts';
import { tempDir } from '../store/helpers.ts';

const actions = 3000;
// One slow action early on: the engine saves (journals, here) at its next yield point, 50 wall ms
// after the last one; the rows after it are journaled, whatever this machine's speed.
const fetchPage = defineAction('fetchPage', async (args: { n: number }) => {
  if (args.n === 10) await new Promise((resolve) => setTimeout(resolve, 60));
  return { n: args.n, page: 'x'.repeat(500) };
});
const reader = defineBehavior({
  name: 'Reader',
  initialState: undefined,
  act: async (ctx) => {
    if (ctx.turn > actions) return STOP;
    await ctx.execute(fetchPage, { n: ctx.turn });
    return '1s';
  },
});
const sim = defineSimulation({ name: 'reading', population: [{ behavior: reader, count: 1 }], duration: '1d' });

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

describe('hooks.onSaving', () => {
  it('tells what is left to load at the end of a journaled run, then how much is loaded', async () => {
    // 'always': journal as a saturated run does, whatever this machine's load.
    const store = await openStore(join(dir, 'runs.duckdb'), { journal: 'always' });
    try {
      const told: Array<{ journalBytes: number; savedBytes: number }> = [];
      const result = await runSimulation(sim, { seed: 1, db: store, hooks: { onSaving: (s) => told.push(s) } });
      expect(told.length).toBeGreaterThanOrEqual(1);
      const { journalBytes } = told[0]!;
      // The actions after the first yield point (step 256), ~600 bytes each.
      expect(journalBytes).toBeGreaterThan((actions - 256) * 600);
      expect(told[0]!.savedBytes).toBe(0);
      for (const [i, s] of told.entries()) {
        expect(s.journalBytes).toBe(journalBytes);
        expect(s.savedBytes).toBeLessThanOrEqual(journalBytes);
        if (i > 0) expect(s.savedBytes).toBeGreaterThanOrEqual(told[i - 1]!.savedBytes);
      }
      expect((await store.actions(result.runId)).length).toBe(actions);
      expect(existsSync(journalDir(store.path))).toBe(false);
    } finally {
      await store.close();
    }
  });

  it('is not called when nothing was journaled', async () => {
    const store = await openStore(join(dir, 'runs.duckdb'), { journal: 'never' });
    try {
      let told = 0;
      await runSimulation(sim, { seed: 1, db: store, hooks: { onSaving: () => told++ } });
      expect(told).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('that throws stops the run with its error only once every row is saved', async () => {
    const store = await openStore(join(dir, 'runs.duckdb'), { journal: 'always' });
    try {
      const run = runSimulation(sim, { seed: 1, db: store, hooks: { onSaving: () => { throw new Error('progress bar broke'); } } });
      await expect(run).rejects.toThrow(/RunOptions\.hooks\.onSaving\(\).*progress bar broke/);
      const [stored] = await store.listRuns({ limit: 1 });
      expect(stored!.status).toBe('completed');
      expect((await store.actions(stored!.runId)).length).toBe(actions);
      expect(existsSync(journalDir(store.path))).toBe(false);
    } finally {
      await store.close();
    }
  });
});
