// The live dashboard's server and feed, in process: a real run (tallies sim, real HTTP target,
// real DuckDB file) feeds the LiveFeed; a real WebSocket client reads hello and batches, whose
// counts must add up to what the store holds. The control endpoints' refusals (token, origin,
// content type, bad JSON, unknown op, a handler's error) answer clearly and call nothing.
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, describe, expect, it } from 'vitest';
import { runSimulation } from '../../src/engine/run-simulation.ts';
import { loadSimulation } from '../../src/engine/load-simulation.ts';
import { openStore } from '../../src/store/duckdb-store.ts';
import { Redactor } from '../../src/store/redact.ts';
import { BeamulatorError } from '../../src/util/errors.ts';
import { startLiveDashboard, type ControlHandlers } from '../../src/dashboard/dashboard-server.ts';
import { LiveFeed, type LiveBatch, type LiveHello, type LiveMessage } from '../../src/dashboard/live-feed.ts';
import { root, tempDir } from '../support/cli.ts';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

function post(url: string, op: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  return fetch(new URL(`api/control/${op}`, url), { method: 'POST', headers, body }).then(async (r) => ({ status: r.status, body: await r.json() as { error?: string; ok?: boolean; result?: unknown } }));
}

describe('the live dashboard server', () => {
  it('streams a hello then batches whose counts add up to the stored run, and ends with a done batch', async () => {
    const { simulation } = await loadSimulation(path.join(root, 'test/e2e/sims/tallies.sim.ts'));
    const feed = new LiveFeed({ title: 'tallies', redactor: new Redactor({}), everyMs: 20 });
    const dashboard = await startLiveDashboard(feed, {});
    const messages: LiveMessage[] = [];
    const socket = new WebSocket(new URL('api/live', dashboard.url.replace('http:', 'ws:')));
    socket.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString('utf8')) as LiveMessage));
    const closed = new Promise((resolve) => socket.once('close', resolve));
    await new Promise((resolve, reject) => { socket.once('open', resolve); socket.once('error', reject); });
    const db = path.join(dir, 'feed.duckdb');
    const result = await runSimulation(simulation, { seed: '3', db, hooks: feed.hooks });
    feed.end();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await dashboard.close();
    await closed;

    expect(messages[0]!.type).toBe('hello');
    const batches = messages.slice(1) as LiveBatch[];
    expect(batches.length).toBeGreaterThan(0);
    expect(batches.at(-1)!.status.state).toBe('done');
    const store = await openStore(db, { readOnly: true });
    try {
      const actions = await store.actions(result.runId);
      const actors = await store.actors(result.runId);
      expect(batches.at(-1)!.status.actions).toBe(actions.length);
      expect(batches.at(-1)!.status.runId).toBe(result.runId);
      // Every actor arrives once, as spawned, whatever the batching.
      const spawned = [(messages[0] as LiveHello).actors, ...batches.map((b) => b.spawned)].flat();
      expect(spawned.map((a) => a.name).sort()).toEqual(actors.map((a) => a.name).sort());
      // The last row each actor was sent with carries its final count.
      const last = new Map<number, number>();
      for (const b of batches) {
        for (const a of b.spawned) last.set(a.id, a.actions);
        for (const [id, actions] of b.changed) last.set(id, actions);
      }
      for (const a of actors) expect(last.get(a.actorId), a.name).toBe(actions.filter((x) => x.actorId === a.actorId).length);
      const byAction = batches.at(-1)!.status.byAction;
      expect(byAction.add!.count).toBe(actions.length);
    } finally {
      await store.close();
    }
  }, 30_000);

  it('runs a control call with its caller, and refuses bad calls with a clear error without calling anything', async () => {
    const calls: unknown[] = [];
    const controls: ControlHandlers = {
      spawn: (args, caller) => {
        if (typeof args.behavior !== 'string') throw new BeamulatorError('BEAM_USAGE', 'cannot spawn: no behavior given', 'Give {"behavior": "<name>"}');
        calls.push({ args, caller });
        return { spawned: [7] };
      },
    };
    const feed = new LiveFeed({ title: 't', redactor: new Redactor({}) });
    const dashboard = await startLiveDashboard(feed, controls, { token: 'a'.repeat(32) });
    try {
      const url = dashboard.url;
      const withToken = (headers: Record<string, string> = {}) => ({ 'content-type': 'application/json', authorization: `Bearer ${'a'.repeat(32)}`, ...headers });
      const ok = await post(url, 'spawn', '{"behavior":"Counter"}', withToken({ 'x-client-id': 'page-1' }));
      expect(ok).toEqual({ status: 200, body: { ok: true, result: { spawned: [7] } } });
      expect(calls).toEqual([{ args: { behavior: 'Counter' }, caller: { source: 'dashboard', clientId: 'page-1' } }]);

      const refusals: Array<[string, string, Record<string, string>, number, RegExp]> = [
        ['spawn', '{"behavior":"Counter"}', { 'content-type': 'application/json' }, 401, /token is required/],
        ['spawn', '{"behavior":"Counter"}', withToken({ authorization: `Bearer ${'b'.repeat(32)}` }), 401, /token is required/],
        ['spawn', '{"behavior":"Counter"}', withToken({ 'content-type': 'text/plain' }), 415, /content-type: application\/json/],
        ['spawn', '{"behavior":"Counter"}', withToken({ origin: 'http://evil.example' }), 415, /own origin/],
        ['spawn', '{"behavior":', withToken(), 400, /cannot read the call to 'spawn': the body is not JSON/],
        ['spawn', '[1]', withToken(), 400, /must be a JSON object/],
        ['spawn', '{}', withToken(), 400, /cannot spawn: no behavior given/],
        ['explode', '{}', withToken(), 404, /no such control: 'explode'\. The run offers: spawn/],
        ['__proto__', '{}', withToken(), 404, /no such control/],
      ];
      for (const [op, body, headers, status, error] of refusals) {
        const r = await post(url, op, body, headers);
        expect(r.status, `${op} ${body} ${JSON.stringify(headers)}`).toBe(status);
        expect(r.body.error).toMatch(error);
      }
      expect(calls).toHaveLength(1);
      // The feed refuses a WebSocket without the token, or from another site's page.
      for (const [target, origin, code] of [['api/live', undefined, 401], [`api/live?token=${'a'.repeat(32)}`, 'http://evil.example', 403]] as const) {
        const socket = new WebSocket(new URL(target, url.replace('http:', 'ws:')), origin ? { origin } : {});
        const status = await new Promise<number>((resolve) => socket.once('unexpected-response', (req, res) => {
          resolve(res.statusCode!);
          req.destroy();
        }));
        expect(status).toBe(code);
      }
    } finally {
      await dashboard.close();
    }
  });
});
