// `beamulator dashboard` of a stored run, through the real CLI: the page, its bundled assets and
// the data it draws (checked against the store), the token beyond loopback, and bad input.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/duckdb-store.ts';
import { root, runCli, startCli, tempDir, type StartedCli } from '../support/cli.ts';

const sim = path.join(root, 'test/e2e/sims/tallies.sim.ts');
const { dir, cleanup } = tempDir();
const db = path.join(dir, 'runs.duckdb');
let runId: string;

beforeAll(async () => {
  const r = await runCli(['run', sim, '--seed', '2', '--db', db, '--json', '--no-progress']);
  expect(r.code, r.stderr).toBe(0);
  runId = JSON.parse(r.stdout).runId;
}, 30_000);
afterAll(cleanup);

/** Starts the dashboard and resolves with the url it prints. */
async function serve(args: string[] = []): Promise<{ cli: StartedCli; url: string }> {
  const cli = startCli(['dashboard', runId, '--db', db, ...args]);
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    cli.child.stdout!.on('data', (d) => {
      out += d;
      const found = /open\s+(http:\/\/\S+)/.exec(out);
      if (found) resolve(found[1]!);
    });
    void cli.done.then((r) => reject(new Error(`dashboard ended (exit ${r.code}): ${r.stderr}`)));
  });
  return { cli, url };
}

describe('beamulator dashboard', () => {
  it('serves the page, uPlot from the package (no CDN) and the run data, read-only; Ctrl-C stops it (exit 0)', async () => {
    const { cli, url } = await serve();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(url).then((r) => r.text());
    expect(page).toContain(`<title>run ${runId}`);
    expect(page).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
    const js = await fetch(new URL('assets/uplot.js', url));
    expect(js.status).toBe(200);
    expect(await js.text()).toContain('uPlot');

    const data = await fetch(new URL('api/data', url)).then((r) => r.json()) as {
      runIds: string[]; stats: { actions: number }; actors: Array<{ name: string; actions: number }>; series: Array<{ actions: number }>;
    };
    const store = await openStore(db, { readOnly: true });
    try {
      const actions = await store.actions(runId);
      expect(data.runIds).toEqual([runId]);
      expect(data.stats.actions).toBe(actions.length);
      expect(data.series.reduce((n, p) => n + p.actions, 0)).toBe(actions.length);
      const actors = await store.actors(runId);
      expect(data.actors.map((a) => a.name)).toEqual(actors.map((a) => a.name));
      for (const a of data.actors) {
        const id = actors.find((x) => x.name === a.name)!.actorId;
        expect(a.actions).toBe(actions.filter((x) => x.actorId === id).length);
      }
    } finally {
      await store.close();
    }
    expect((await fetch(new URL('api/data', url), { method: 'POST' })).status).toBe(405);
    expect((await fetch(new URL('nope', url))).status).toBe(404);

    cli.child.kill('SIGINT');
    expect((await cli.done).code).toBe(0);
  }, 30_000);

  it('beyond loopback, every request needs the token the url carries', async () => {
    const { cli, url } = await serve(['--host', '0.0.0.0']);
    const token = new URL(url).searchParams.get('token');
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    const port = new URL(url).port;
    expect((await fetch(`http://127.0.0.1:${port}/api/data`)).status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${port}/api/data?token=${'0'.repeat(32)}`)).status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${port}/api/data?token=${token}`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/api/data`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    cli.child.kill('SIGTERM');
    expect((await cli.done).code).toBe(0);
  }, 30_000);

  it.each([
    [['nope-run'], 5, /^beamulator: cannot find run 'nope-run'/],
    [['--port', '99999'], 2, /^beamulator: cannot serve the dashboard on port '99999'/],
  ] as const)('refuses %j with one line (exit %i)', async (args, code, message) => {
    const r = await runCli(['dashboard', ...(args[0] === 'nope-run' ? [] : [runId]), ...args, '--db', db]);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
