/** store.scan: every row of a table of a run, in the read methods' order, a window of keys per query. */
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/duckdb-store.ts';
import { action, beginTestRun, exchange } from './helpers.ts';

describe('store.scan', () => {
  it('hands over every row in the order of the read methods, over several windows, NULL keys last', async () => {
    const store = await openStore(':memory:');
    try {
      const w = await beginTestRun(store);
      const other = await beginTestRun(store);
      // Out of order, with a gap wider than a window (128 keys), and one seq the writer can only store as NULL.
      for (const seq of [1300, ...Array.from({ length: 1200 }, (_, i) => 1199 - i), 5000]) w.addAction(action(w.runId, seq));
      w.addAction(action(w.runId, Number.NaN));
      other.addAction(action(other.runId, 3));
      for (const seq of [2, 0, 1]) for (const n of [1, 0]) w.addExchange(exchange(w.runId, seq, n));
      await w.flush();
      await other.flush();

      const chunks: number[][] = [];
      await store.scan('actions', w.runId, (rows) => {
        chunks.push(rows.map((r) => r.seq));
      });
      const seqs = chunks.flat();
      expect(seqs.slice(0, -1)).toEqual((await store.actions(w.runId)).map((a) => a.seq).filter((s) => !Number.isNaN(s)));
      expect(seqs.at(-1)).toBeNaN();
      expect(seqs.length).toBe(1203);
      expect(chunks.length).toBeGreaterThan(3);

      const exchanges: Array<[number, number]> = [];
      await store.scan('exchanges', w.runId, (rows) => {
        for (const x of rows) exchanges.push([x.actionSeq, x.n]);
      });
      expect(exchanges).toEqual([[0, 0], [0, 1], [1, 0], [1, 1], [2, 0], [2, 1]]);

      let visited = 0;
      await store.scan('complaints', w.runId, () => {
        visited++;
      });
      expect(visited).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('hands a window of many rows (one action with 300 exchanges) over in visits of at most 128 rows, in order', async () => {
    const store = await openStore(':memory:');
    try {
      const w = await beginTestRun(store);
      for (let n = 299; n >= 0; n--) w.addExchange(exchange(w.runId, 4, n, { responseBody: `body ${n} ${'x'.repeat(5000)}` }));
      w.addExchange(exchange(w.runId, 5, 0));
      await w.flush();
      const visits: Array<Array<[number, number, string | null]>> = [];
      await store.scan('exchanges', w.runId, (rows) => {
        visits.push(rows.map((x) => [x.actionSeq, x.n, x.responseBody?.split(' x')[0] ?? null]));
      });
      expect(Math.max(...visits.map((v) => v.length))).toBeLessThanOrEqual(128);
      expect(visits.flat()).toEqual([
        ...Array.from({ length: 300 }, (_, n) => [4, n, `body ${n}`]),
        [5, 0, '{"id":1}'],
      ]);
    } finally {
      await store.close();
    }
  });

  it('passes on what visit throws as it is (not wrapped as a store error), and the store still answers', async () => {
    const store = await openStore(':memory:');
    try {
      const w = await beginTestRun(store);
      w.addAction(action(w.runId, 0));
      await w.flush();
      const mine = new Error('disk full');
      await expect(store.scan('actions', w.runId, () => {
        throw mine;
      })).rejects.toBe(mine);
      // The store still answers after a visit failed.
      expect((await store.actions(w.runId)).length).toBe(1);
    } finally {
      await store.close();
    }
  });
});
