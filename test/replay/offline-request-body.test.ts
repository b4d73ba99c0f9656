import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineActions, defineBehavior, defineSimulation, openStore, runSimulation } from 'beamulator';
import { readRunBundle } from '../../src/replay/replay-file.ts';
import { replayRun } from '../../src/replay/replay-run.ts';
import { sameBody } from '../../src/connectors/request-mismatch.ts';
import type { DuckDBRunStore } from '../../src/store/duckdb-store.ts';

describe('sameBody', () => {
  it('matches equal bodies, and a recorded [redacted] value against any value', () => {
    expect(sameBody('{"a":1}', '{"a":1}')).toBe(true);
    expect(sameBody(null, '')).toBe(true);
    expect(sameBody('{"a":1}', '{"a":2}')).toBe(false);
    expect(sameBody('{"a":1}', null)).toBe(false);
    expect(sameBody('{"user":"ann","password":"[redacted]"}', '{"user":"ann","password":"hunter2"}')).toBe(true);
    expect(sameBody('{"user":"ann","password":"[redacted]"}', '{"user":"bob","password":"hunter2"}')).toBe(false);
    expect(sameBody('{"user":"ann","password":"[redacted]"}', '{"user":"ann"}')).toBe(false);
    expect(sameBody('user=ann&token=%5Bredacted%5D', 'user=ann&token=abc')).toBe(true);
    expect(sameBody('user=ann&token=%5Bredacted%5D', 'user=bob&token=abc')).toBe(false);
  });
});

// The action's request body depends on more than its args: a changed action (same args, other body).
let format = 1;
const actions = defineActions({
  save: async (args: { title: string; password: string }, { http: client }) =>
    (await client.post('/items', { json: format === 1 ? { title: args.title, password: args.password } : { name: args.title, password: args.password } })).json<{ ok: boolean }>(),
});
const saver = defineBehavior({
  name: 'Saver', initialState: {},
  async act(ctx) {
    await ctx.execute(actions.save, { title: `item ${ctx.turn}`, password: 'hunter2' });
    return ctx.turn >= 3 ? ctx.stop() : '1m';
  },
});

let server: http.Server;
let url: string;
let store: DuckDBRunStore;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  store = await openStore(':memory:');
});
afterAll(async () => {
  await store.close();
  await new Promise((resolve) => server.close(resolve));
});

describe('offline replay compares request bodies', () => {
  const sim = defineSimulation({ name: 'saver', actions, population: [{ behavior: saver, count: 1 }], duration: '1h' });

  it('is identical when the action sends what it sent (the recorded password was redacted), and names the body field when it changed', async () => {
    format = 1;
    const recorded = await runSimulation(sim, { seed: 1, db: store, target: url });
    const bundle = await readRunBundle(store, recorded.runId);
    expect(bundle.exchanges[0]!.requestBody).toBe('{"title":"item 1","password":"[redacted]"}');

    expect(await replayRun(bundle, { simulation: sim, offline: true, db: false })).toMatchObject({ identical: true, compared: 3 });

    format = 2;
    const report = await replayRun(bundle, { simulation: sim, offline: true, db: store });
    format = 1;
    expect(report.identical).toBe(false);
    expect(report.divergenceCount).toBe(3);
    const first = report.divergences[0]!;
    expect(first).toMatchObject({ kind: 'request-changed', seq: 0, action: 'save' });
    expect(first.differences).toEqual([
      'request #0: POST /items, another body',
      'request #0 body.title: "item 1" → (absent)',
      'request #0 body.name: (absent) → "item 1"',
    ]);
    // What the replay sent is stored with the comparison redacted, like a recording.
    const stored = JSON.stringify((await store.getRun(report.replayRunId))!.comparison);
    expect(stored).toContain('[redacted]');
    expect(stored).not.toContain('hunter2');
  });
});
