/**
 * beamulator.config.ts through the real CLI, in a project folder outside the repository (its
 * files import beamulator by absolute path to dist/, since 'beamulator' does not resolve there).
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/duckdb-store.ts';
import { root, runCli, tempDir } from '../support/cli.ts';
import { noTimeLimit } from '../support/no-time-cap.ts';

const dist = path.join(root, 'dist/index.js');
const distConfig = path.join(root, 'dist/config/index.js');
const tmp = tempDir();
const dir = path.join(tmp.dir, 'shop');
let server: Server;
let url: string;

function write(files: Record<string, string>): void {
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  }
}

const config = (target: string) => `import { defineConfig } from '${distConfig}';
export default defineConfig({
  db: 'store/runs.duckdb',
  replays: 'out/replays',
  target: '${target}',
  failOn: 'annoying',
  actionTimeout: '7s',
  redact: ['session', 'x-internal-*', /^card/i],
  simulations: ['simulations/**/*.sim.ts'],
  fuzz: ['fuzz/*.fuzz.ts'],
});
`;

// Every visit complains (annoying): whether a run fails says which failOn applied.
const simulation = `import { defineActions, defineBehavior, defineSimulation } from '${dist}';
export const actions = defineActions({
  visit: async (args: { name: string; session: string; cardNumber: string }, { http }) => {
    const res = await http.post('/visit', { json: args, headers: { 'x-internal-trace': 'trace-77' } });
    return res.json<Record<string, unknown>>();
  },
});
export const visitor = defineBehavior({
  name: 'Visitor',
  initialState: { visits: 0 },
  async act(ctx) {
    const r = await ctx.execute(actions.visit, { name: 'ann', session: 'sess-123', cardNumber: '4111-1111' });
    if (r.ok) ctx.complain('the page is slow', { severity: 'annoying' });
    ctx.state.visits += 1;
    return ctx.state.visits >= 2 ? ctx.stop() : 60_000;
  },
});
export default defineSimulation({ name: 'shop', actions, behaviors: [visitor], population: [{ behavior: visitor, count: 2 }], duration: '1h' });
`;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.setHeader('x-internal-id', 'internal-42');
      res.end(JSON.stringify({ ...(body ? JSON.parse(body) as object : {}), served: true }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  write({
    'package.json': JSON.stringify({ name: 'shop', type: 'module' }),
    'beamulator.config.ts': config(url),
    'simulations/shop.sim.ts': simulation,
    'fuzz/shop.fuzz.ts': `import { defineFuzzTarget } from '${dist}';
import simulation from '../simulations/shop.sim.js';
export default defineFuzzTarget({ name: 'shop', simulation, maxActors: 2, maxTurns: 2 });
`,
    'sub/deeper/notes.txt': '',
  });
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  tmp.cleanup();
});

describe('beamulator.config.ts (real CLI, a project outside the repo)', () => {
  let runId: string;

  it('run with no file: the config gives the simulation, store, target, failOn and action timeout', async () => {
    const r = await runCli(['run', '--seed', '1'], { cwd: dir });
    expect(r.stderr).toContain(`against ${url} (run `);
    expect(r.stderr).toContain('; config beamulator.config.ts)');
    expect(r.code).toBe(1); // the annoying complaints fail it: failOn from the config
    expect(r.stdout).toContain("failed: 4 complaints at or above 'annoying'");
    runId = /^run (\S+)/.exec(r.stdout)![1]!;
    expect(existsSync(path.join(dir, 'store/runs.duckdb'))).toBe(true);
    expect(existsSync(path.join(dir, '.beamulator'))).toBe(false);
  });

  it('a flag beats the config: --fail-on, --target, --db', async () => {
    const r = await runCli(['run', '--seed', '1', '--fail-on', 'urgent', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ config: 'beamulator.config.ts', failOn: 'urgent', targetUrl: url, db: 'store/runs.duckdb' });
    const elsewhere = await runCli(['run', '--target', 'http://127.0.0.1:9', '--db', ':memory:'], { cwd: dir });
    expect(elsewhere.code).toBe(4); // nothing listens there: the flag's url was used
    expect(elsewhere.stderr).toContain('against http://127.0.0.1:9 (run');
  });

  it('runs, show and replay from a subfolder find the same config and store', async () => {
    const sub = path.join(dir, 'sub/deeper');
    const runs = await runCli(['runs'], { cwd: sub });
    expect(runs.code).toBe(0);
    expect(runs.stdout).toMatch(new RegExp(`^${runId} +run +shop `, 'm'));
    const shown = await runCli(['show', runId, '--json'], { cwd: sub });
    expect(shown.code).toBe(0);
    const { run, actions } = JSON.parse(shown.stdout) as { run: { config: { actionTimeoutMs: number; targetUrl: string } }; actions: Array<{ args: unknown }> };
    expect(run.config).toMatchObject({ actionTimeoutMs: 7000, targetUrl: url });
    expect(actions[0]!.args).toEqual({ name: 'ann', session: '[redacted]', cardNumber: '[redacted]' });
    // Without the config the default store is used, and there is none.
    const bare = await runCli(['runs', '--no-config'], { cwd: dir });
    expect(bare.code).toBe(3);
    expect(bare.stderr).toContain('cannot open run store .beamulator/beamulator.duckdb: no such file');
    // The replay reruns against the config's target; what the config redacted matches the replay's raw values.
    const replay = await runCli(['replay', runId], { cwd: dir });
    expect(replay.stdout).toContain('(shop, rerun): identical');
    expect(replay.code).toBe(0);
    // export without -o writes into the config's replays folder (relative to the config, not the working directory).
    const exported = await runCli(['export', runId], { cwd: sub });
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain(`to ${path.join('../../out/replays', `shop-${runId}.json`)}`);
    expect(existsSync(path.join(dir, 'out/replays', `shop-${runId}.json`))).toBe(true);
  });

  it("the config's redact patterns hide fields and headers in the stored run", async () => {
    const store = await openStore(path.join(dir, 'store/runs.duckdb'), { readOnly: true });
    try {
      const [action] = await store.actions(runId, { limit: 1 });
      expect(action!.args).toEqual({ name: 'ann', session: '[redacted]', cardNumber: '[redacted]' });
      expect(action!.result).toEqual({ name: 'ann', session: '[redacted]', cardNumber: '[redacted]', served: true });
      const [exchange] = await store.exchanges(runId);
      expect(exchange!.requestHeaders['x-internal-trace']).toBe('[redacted]');
      expect(exchange!.responseHeaders['x-internal-id']).toBe('[redacted]');
      expect(JSON.parse(exchange!.requestBody!)).toEqual({ name: 'ann', session: '[redacted]', cardNumber: '[redacted]' });
      const rows = await store.sql('SELECT * FROM actions UNION ALL BY NAME SELECT * FROM exchanges UNION ALL BY NAME SELECT * FROM actors');
      const dump = JSON.stringify(rows, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));
      expect(dump).toContain('ann');
      expect(dump).not.toMatch(/sess-123|4111-1111|trace-77|internal-42/);
    } finally {
      await store.close();
    }
  });

  it("fuzz with no file fuzzes the config's fuzz targets, against its target, into its store and replays folder", async () => {
    const r = await runCli(['fuzz', '--seed', '1', '--runs', '20', '--time-limit', noTimeLimit, '--reproduce', '1'], { cwd: dir });
    expect(r.stdout).toContain('fuzz shop  fuzz/shop.fuzz.ts  seed 1');
    expect(r.stdout).toContain('FAILED  annoying: the page is slow');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/"session":"\[redacted\]"/); // printed actions are redacted too
    expect(r.stdout).not.toContain('sess-123');
    const files = readdirSync(path.join(dir, 'out/replays')).filter((f) => !f.includes(runId)); // besides the exported run
    expect(files).toHaveLength(1);
    expect(r.stdout).toContain(`replay    beamulator replay ${path.join('out/replays', files[0]!)}`);
    const fuzzRun = /inspect +beamulator show (\S+)/.exec(r.stdout)![1]!;
    expect((await runCli(['runs'], { cwd: dir })).stdout).toMatch(new RegExp(`^${fuzzRun} +fuzz +shop `, 'm'));
    const replay = await runCli(['replay', path.join('out/replays', files[0]!)], { cwd: dir });
    expect(replay.stdout).toContain('(shop, rerun): identical');
    expect(replay.code).toBe(0);
  });

  it('a simulation that starts its own target keeps it; only --target redirects it', async () => {
    write({
      'own/own.sim.ts': simulation.replace("duration: '1h' });", `duration: '1h', actionTimeout: '3s',
  target: { start: async () => {
    const { createServer } = await import('node:http');
    const s = createServer((_req, res) => res.end('{"own":true}'));
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    return { url: 'http://127.0.0.1:' + (s.address() as { port: number }).port, stop: () => new Promise<void>((resolve) => s.close(() => resolve())) };
  } } });`),
    });
    const r = await runCli(['run', 'own/own.sim.ts', '--json', '--db', ':memory:'], { cwd: dir });
    const result = JSON.parse(r.stdout) as { targetUrl: string; summary: { actions: number } };
    expect(result.targetUrl).not.toBe(url);
    expect(result.targetUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(r.code).toBe(1);
    const shown = await runCli(['run', 'own/own.sim.ts', '--json', '--db', 'store/own.duckdb', '--target', url], { cwd: dir });
    expect(JSON.parse(shown.stdout).targetUrl).toBe(url);
    // Its own action timeout beats the config's.
    const show = await runCli(['show', 'latest', '--json', '--db', 'store/own.duckdb'], { cwd: dir });
    expect(JSON.parse(show.stdout).run.config.actionTimeoutMs).toBe(3000);
  });

  it('a bad config: exit 2 with one line naming the file and the key; --config and --no-config choose another or none', async () => {
    write({ 'bad/beamulator.config.ts': `import { defineConfig } from '${distConfig}';\nexport default defineConfig({ failOn: 'fatal' as 'urgent' });\n`, 'bad/ok.config.mjs': "export default { db: 'ok.duckdb' };\n" });
    const bad = path.join(dir, 'bad');
    for (const args of [['run'], ['runs'], ['show', 'latest'], ['replay', 'latest'], ['fuzz']]) {
      const r = await runCli(args, { cwd: bad });
      expect(r.code).toBe(2);
      expect(r.stderr).toBe("beamulator: cannot use beamulator.config.ts: failOn must be one of urgent, annoying, justsayin, none (got 'fatal')\n");
    }
    write({ 'bad/beamulator.config.ts': 'export default { dbPath: 1 };\n' });
    const unknown = await runCli(['runs'], { cwd: bad });
    expect(unknown.stderr).toBe("beamulator: cannot use beamulator.config.ts: unknown key 'dbPath'. Did you mean 'db'?\n");
    expect(unknown.code).toBe(2);
    const other = await runCli(['runs', '--config', 'ok.config.mjs'], { cwd: bad });
    expect(other.stderr).toBe('beamulator: cannot open run store ok.duckdb: no such file. Record a run first with `beamulator run`\n');
    expect(other.code).toBe(3);
    // --help and --version never load it.
    expect((await runCli(['run', '--help'], { cwd: bad })).code).toBe(0);
    expect((await runCli(['--version'], { cwd: bad })).code).toBe(0);
    const none = await runCli(['runs', '--no-config', '--db', path.join(dir, 'store/runs.duckdb')], { cwd: bad });
    expect(none.stdout).toContain(runId);
    expect(none.code).toBe(0);
  });
});
