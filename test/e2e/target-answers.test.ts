// What a user sees when the target misbehaves as a whole: it answers 500 or HTML to everything
// (a warning, and error outcomes that name the response), or cannot be reached by a replay (exit 4).
// And colour: decided per stream, so output redirected to a file holds no escape codes.
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bin, root, runCli, tempDir } from '../support/cli.ts';

const tmp = tempDir();
const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  tmp.cleanup();
});

/** A target that gives every request the same answer. */
async function target(status: number, contentType: string, body: string): Promise<string> {
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(status, { 'content-type': contentType }).end(body);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

// Two actors ping three times each: `ping` reads the answer as JSON, `check` fails on a non-2xx status.
const sim = path.join(tmp.dir, 'ping.sim.mjs');
writeFileSync(sim, `import { defineAction, defineBehavior, defineSimulation, fail, STOP } from '${path.join(root, 'dist/index.js')}';
const ping = defineAction('ping', async (_args, { http }) => (await http.get('/')).json());
const check = defineAction('check', async (_args, { http }) => { const res = await http.get('/'); if (!res.ok) fail('HTTP ' + res.status); return null; });
const keyed = defineAction('keyed', async (_args, { http }) => { const res = await http.get('/?api_key=PLAINTEXT-KEY&page=1'); if (!res.ok) fail('HTTP ' + res.status + ' for password=PLAINTEXT-PW'); return res.json(); });
const pinger = (name, action) => defineBehavior({
  name, initialState: undefined,
  act: async (ctx) => { if (ctx.turn > 3) return STOP; await ctx.execute(action, {}); return '1m'; },
});
export default defineSimulation({ name: 'ping', duration: '10m', behaviors: [pinger('Pinger', ping), pinger('Checker', check), pinger('Keyed', keyed)], population: [{ behavior: 'Pinger', count: 2 }, { behavior: 'Checker', count: 0 }, { behavior: 'Keyed', count: 0 }] });
`);
const db = path.join(tmp.dir, 'runs.duckdb');

describe('a target that fails every action', () => {
  let html = '';
  let broken = '';
  beforeAll(async () => {
    html = await target(200, 'text/html', '<html><body>Welcome to nginx!</body></html>');
    broken = await target(500, 'application/json', '{"error":"boom"}');
  });

  it('an answer that is not JSON is an error outcome naming the response, not a crash; the run ends with a warning', async () => {
    const r = await runCli(['run', sim, '--db', db, '--seed', '1', '--target', html]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/actions {5}6 {2}\(ok 0, error 6, crash 0\)/);
    const notJson = `response to GET ${html}/ is not JSON (status 200, text/html): "<html><body>Welcome to nginx!</body></html>"`;
    expect(r.stderr).toContain(`warning: every one of 6 actions failed, all with '${notJson}'. Is the target healthy? (\`beamulator show `);
    const show = JSON.parse((await runCli(['show', 'latest', '--db', db, '--json'])).stdout);
    expect(show.actions.map((a: { outcome: string; error: string }) => [a.outcome, a.error])).toEqual(Array(6).fill(['error', notJson]));
  });

  it('HTTP 500 to everything: exit 0 (nothing the run was asked to check failed), one warning line, and in --json', async () => {
    const r = await runCli(['run', sim, '--db', ':memory:', '--seed', '1', '--target', broken, '--actors', 'Pinger=0,Checker=3']);
    expect(r.code, r.stderr).toBe(0);
    const warnings = r.stderr.split('\n').filter((line) => line.startsWith('warning:'));
    expect(warnings).toEqual(["warning: every one of 9 actions failed, all with 'HTTP 500'. Is the target healthy?"]);
    const json = await runCli(['run', sim, '--db', ':memory:', '--seed', '1', '--target', broken, '--actors', 'Pinger=0,Checker=1', '--json']);
    expect(JSON.parse(json.stdout).warnings).toEqual(["warning: every one of 3 actions failed, all with 'HTTP 500'. Is the target healthy?"]);
  });

  it('the warning and the stored errors hide the secrets an error message quotes', async () => {
    const keyedDb = path.join(tmp.dir, 'keyed.duckdb');
    for (const [answering, shown] of [[html, `response to GET ${html}/?api_key=[redacted]&page=1 is not JSON`], [broken, 'HTTP 500 for password=[redacted]']]) {
      const r = await runCli(['run', sim, '--db', keyedDb, '--seed', '1', '--target', answering!, '--actors', 'Pinger=0,Keyed=1', '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).warnings[0]).toContain(shown);
      const show = await runCli(['show', 'latest', '--db', keyedDb, '--json']);
      expect(JSON.parse(show.stdout).actions[0].error).toContain(shown);
      expect(`${r.stdout}${r.stderr}${show.stdout}`).not.toContain('PLAINTEXT');
    }
  });

  it('a healthy target: no warning', async () => {
    const ok = await target(200, 'application/json', '{"pong":true}');
    const r = await runCli(['run', sim, '--db', ':memory:', '--seed', '1', '--target', ok]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/warning/);
  });
});

describe('a replay that reaches no target', () => {
  it('exits 4 with one line, not 7 with a divergence per action', async () => {
    const ok = await target(200, 'application/json', '{"pong":true}');
    const replayDb = path.join(tmp.dir, 'replay.duckdb');
    expect((await runCli(['run', sim, '--db', replayDb, '--seed', '2', '--target', ok])).code).toBe(0);
    const r = await runCli(['replay', 'latest', '--db', replayDb, '--target', 'http://127.0.0.1:1']);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/^beamulator: cannot replay run \S+: cannot reach the target, every action failed \(cannot reach http:\/\/127\.0\.0\.1:1\/: connection refused.*\)\. Start it, point at it with --target <url>, or replay with --offline\n$/);
    expect(r.stdout).toMatch(/none of its 6 actions reached the target/);
    expect(r.stdout).not.toMatch(/diverg/);
    const json = await runCli(['replay', 'latest', '--db', replayDb, '--target', 'http://127.0.0.1:1', '--json']);
    expect(json.code).toBe(4);
    expect(JSON.parse(json.stdout).exitCode).toBe(4);
  });
});

describe('colour', () => {
  it('is decided per stream: stdout to a file gets none while stderr is a terminal; a terminal stdout gets it', async () => {
    const colourDb = path.join(tmp.dir, 'colour.duckdb');
    expect((await runCli(['run', sim, '--db', colourDb, '--seed', '3', '--actors', 'Pinger=0,Checker=1', '--target', 'http://127.0.0.1:1'])).code).toBe(4);
    const out = path.join(tmp.dir, 'runs.txt');
    // `script` gives the command a terminal for stdin, stdout and stderr; the redirect takes stdout back to a file.
    const env = { ...process.env, NO_COLOR: '', FORCE_COLOR: '' };
    const command = (redirect: string) => `'${process.execPath}' '${bin}' runs --db '${colourDb}'${redirect}`;
    const onTerminal = execFileSync('script', ['-qec', command(''), '/dev/null'], { env, encoding: 'utf8' });
    expect(onTerminal).toContain('\x1b[');
    execFileSync('script', ['-qec', command(` > '${out}'`), '/dev/null'], { env });
    const written = readFileSync(out, 'utf8');
    expect(written).toMatch(/ping/);
    expect(written).not.toContain('\x1b');
    // Piped, FORCE_COLOR still colours; NO_COLOR wins over a terminal.
    expect((await runCli(['runs', '--db', colourDb], { env: { NO_COLOR: '', FORCE_COLOR: '1' } })).stdout).toContain('\x1b[');
    expect(execFileSync('script', ['-qec', command(''), '/dev/null'], { env: { ...env, NO_COLOR: '1' }, encoding: 'utf8' })).not.toContain('\x1b[');
  });
});
