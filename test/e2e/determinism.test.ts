import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, runSimulation } from 'beamulator';
import type { RunStore } from '../../src/store/run-store.ts';
import todo from '../../examples/todo/todo.sim.ts';
import { tempDir } from '../support/cli.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** Everything a run recorded, minus the columns that name the run or measure wall-clock time. */
async function recorded(store: RunStore, runId: string) {
  const strip = <T extends object>(rows: T[]) => rows.map((row) => Object.fromEntries(
    Object.entries(row).filter(([k]) => k !== 'runId' && k !== 'latencyMs' && k !== 'durationMs' && !k.startsWith('wall')),
  ));
  return {
    actors: strip(await store.actors(runId)),
    actions: strip(await store.actions(runId)),
    complaints: strip(await store.complaints(runId)),
    exchanges: strip(await store.exchanges(runId)),
    events: strip(await store.events(runId)),
  };
}

describe('determinism contract', () => {
  it('gives identical recorded runs for the same simulation and seed (real todo app, real DuckDB file)', async () => {
    const db = path.join(tmp.dir, 'det.duckdb');
    const store = await openStore(db);
    try {
      const a = await runSimulation(todo, { seed: 'det', duration: '6h', db: store });
      const b = await runSimulation(todo, { seed: 'det', duration: '6h', db: store });
      const c = await runSimulation(todo, { seed: 'other', duration: '6h', db: store });
      expect(a.runId).not.toBe(b.runId);
      const ra = await recorded(store, a.runId);
      const rb = await recorded(store, b.runId);
      expect(ra.actions.length).toBeGreaterThan(100);
      expect(ra.exchanges.length).toBeGreaterThanOrEqual(ra.actions.length);
      expect(rb).toEqual(ra);
      expect(JSON.stringify(rb)).toBe(JSON.stringify(ra));
      const rc = await recorded(store, c.runId);
      expect(rc.actions).not.toEqual(ra.actions);
    } finally {
      await store.close();
    }
  });
});
