/**
 * A fuzz target whose target has no reset hook is restarted between runs, and may come back on
 * another port. The recorded run of the shrunk failure must call the target running then, not the
 * url the campaign had before its last reset (which refused every connection).
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fuzz, openStore } from 'beamulator';
import { startTodoApp, type TodoApp } from '../../fixtures/todo-app/server.ts';
import { todoFuzzTarget } from '../../fuzz/todo-fuzz.ts';
import { tempDir } from '../support/cli.ts';
import { noTimeCap } from '../support/no-time-cap.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('fuzz: a target without a reset hook', () => {
  it('is restarted on a new port for every run, and the shrunk failure is recorded against the running one', async () => {
    const ports: number[] = [];
    const target = todoFuzzTarget('restarted', ['stale-read'], {
      target: {
        // No reset: the campaign restarts it. Each start gets a port no earlier start had (an app on
        // a used port is kept while another starts, so the OS cannot hand the same port back).
        start: async () => {
          let app: TodoApp = await startTodoApp({ bugs: ['stale-read'] });
          while (ports.includes(app.port)) {
            const next = await startTodoApp({ bugs: ['stale-read'] });
            await app.stop();
            app = next;
          }
          ports.push(app.port);
          return { url: app.url, stop: app.stop };
        },
      },
    });
    const store = await openStore(path.join(tmp.dir, 'restarted.duckdb'));
    try {
      const result = await fuzz(target, { seed: 1, runs: 300, shrinkRuns: 40, reproduceRuns: 1, ...noTimeCap, db: store, replaysDir: false });
      expect(result.found).toBe(true);
      expect(ports.length).toBeGreaterThan(result.runs + result.shrinkRuns);
      const recorded = await store.actions(result.runId!);
      expect(recorded.length).toBeGreaterThan(0);
      expect(recorded.filter((a) => a.outcome !== 'ok').map((a) => a.error)).toEqual([]);
      expect(result.complaints.map((c) => c.message).join('\n')).toContain('stale read');
      const run = await store.getRun(result.runId!);
      expect((run!.config as { targetUrl: string }).targetUrl).toBe(`http://127.0.0.1:${ports.at(-1)}`);
    } finally {
      await store.close();
    }
  });
});
