/**
 * The package as a user of another project gets it: `npm pack`, the tarball installed into a
 * fresh project outside this repository (an ES module project and, separately, a CommonJS one),
 * and the CLI, the API, `beamulator/vitest` and `tsc` used there as a user would. Dependencies
 * come from npm's cache that `npm ci` filled (`--prefer-offline`); the whole file takes about a
 * minute, most of it the two installs.
 */
import { execSync, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root, tempDir } from '../support/cli.ts';

interface Result { code: number | null; out: string }

/** Runs a shell command in `cwd` (npx resolves the project's own bin), both streams in `out`. */
function sh(command: string, cwd: string, env: Record<string, string> = {}): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', command], { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ code, out }));
  });
}

async function ok(command: string, cwd: string, env: Record<string, string> = {}): Promise<string> {
  const r = await sh(command, cwd, env);
  if (r.code !== 0) throw new Error(`\`${command}\` exited ${r.code}:\n${r.out}`);
  return r.out;
}

/** The version this repository develops against, so the install is served from npm's cache. */
const devVersion = (name: string): string => (JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

const npmMajor = Number(execSync('npm --version', { encoding: 'utf8' }).split('.')[0]);

describe('the packed package, installed into another project', () => {
  const tmp = tempDir();
  let esm: string;
  let cjs: string;
  let fresh: string;

  beforeAll(async () => {
    // npm pack runs `prepare` (the build), as publishing would.
    const packed = (await ok(`npm pack --silent --pack-destination ${tmp.dir}`, root)).trim().split('\n').at(-1)!;
    const tarball = path.join(tmp.dir, packed);
    esm = path.join(tmp.dir, 'esm');
    cjs = path.join(tmp.dir, 'cjs');
    fresh = path.join(tmp.dir, 'fresh');
    for (const [dir, type] of [[esm, ', "type": "module"'], [cjs, '']] as const) {
      mkdirSync(dir);
      cpSync(path.join(import.meta.dirname, 'project'), dir, { recursive: true });
      writeFileSync(path.join(dir, 'package.json'), `{ "name": "app", "private": true${type} }\n`);
    }
    mkdirSync(fresh);
    writeFileSync(path.join(fresh, 'package.json'), '{ "name": "my-service", "private": true, "type": "module" }\n');
    const install = 'npm install --no-audit --no-fund --prefer-offline --loglevel=error';
    const toolchain = `typescript@${devVersion('typescript')} @types/node@${devVersion('@types/node')} vitest@${devVersion('vitest')}`;
    await Promise.all([
      ok(`${install} ${tarball} ${toolchain}`, esm),
      ok(`${install} ${tarball}`, cjs),
      ok(`${install} -D ${tarball} ${toolchain}`, fresh),
    ]);
  }, 240_000);
  afterAll(() => tmp.cleanup());

  // npm 10 (where the machine's npm upgrade failed) runs install scripts and has no such list.
  it.skipIf(npmMajor < 11)("leaves npm 11's list of skipped install scripts with esbuild's alone (a tarball adds its own prepare)", async () => {
    const listed = await ok('npm install-scripts ls', cjs);
    const names = [...listed.matchAll(/^ {2}(@?[^@\s]+)@/gm)].map((m) => m[1]);
    expect(names.length, listed).toBeGreaterThan(0);
    expect(names.filter((n) => n !== 'esbuild' && n !== 'beamulator'), listed).toEqual([]);
  });

  it('runs a simulation written there with `npx beamulator run`, lists it, and replays it identically', async () => {
    const run = await ok('npx beamulator run notes.sim.ts --seed 1 --no-progress', esm);
    expect(run).toMatch(/complaints {2}0 /);
    expect(await ok('npx beamulator runs', esm)).toMatch(/notes/);
    expect(await ok('npx beamulator replay latest', esm)).toMatch(/: identical/);
    // A parameter plants the bug; its repeat line and the replay carry it, with nothing in the environment.
    const buggy = await sh('npx beamulator run notes.sim.ts --seed 1 --no-progress --param lostCreate=true', esm);
    expect(buggy.code).toBe(1);
    expect(buggy.out).toMatch(/urgent +\d+x a note I created is missing from the list/);
    expect(buggy.out).toContain('--param lostCreate=true');
    expect(await ok('npx beamulator replay latest', esm)).toMatch(/: identical/);
  });

  it('fuzzes it to a shrunk failure whose exported file replays identically in a fresh process', async () => {
    const fuzz = await ok('npx beamulator fuzz notes.fuzz.ts --seed 1 --expect-failure', esm);
    expect(fuzz).toMatch(/FAILED {2}urgent: a note I created is missing from the list/);
    const [file] = readdirSync(path.join(esm, 'replays'));
    expect(fuzz).toContain(`beamulator replay replays/${file}`);
    const replay = await ok(`npx beamulator replay replays/${file}`, esm);
    expect(replay).toMatch(/: identical/);
    expect(replay).toMatch(/1 complaint raised again/);
  });

  it('passes a vitest test that uses beamulator/vitest', async () => {
    expect(await ok('npx vitest run', esm)).toMatch(/1 passed/);
  });

  it('type-checks with `tsc --init` defaults and skipLibCheck off, with no extra @types packages', async () => {
    await ok('npx tsc --init', esm);
    const config = readFileSync(path.join(esm, 'tsconfig.json'), 'utf8').replace('"skipLibCheck": true', '"skipLibCheck": false');
    expect(config).toContain('"skipLibCheck": false');
    writeFileSync(path.join(esm, 'tsconfig.json'), config);
    await ok('npx tsc --noEmit', esm);
  });

  it('is imported by plain JavaScript, no loader, and runs', async () => {
    const out = JSON.parse(await ok('node import.mjs', esm)) as { actions: number; ok: number };
    expect(out.actions).toBeGreaterThan(0);
    expect(out.ok).toBe(out.actions);
  });

  it('works in a CommonJS project: the CLI loads a .ts simulation, and require() gets the API', async () => {
    expect(await ok('npx beamulator run notes.sim.ts --seed 1 --no-progress --db :memory:', cjs)).toMatch(/complaints {2}0 /);
    expect(await ok(`node -e "console.log(typeof require('beamulator').runSimulation)"`, cjs)).toBe('function\n');
  });

  it('a new project: `init --url` then `run`, `fuzz`, `npm run sim`, vitest and tsc work on the scaffold as written', async () => {
    const server: Server = createServer((_req, res) => res.end('hello'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const init = await ok(`npx beamulator init --url ${url}`, fresh);
      expect(init).toContain('created  simulations/my-service.sim.ts');
      expect(init).toContain(`answered GET / with HTTP 200`);
      expect(init).not.toContain('to do first');
      const run = await ok('npx beamulator run --no-progress', fresh);
      expect(run).toMatch(/actions {5}\d+ {2}\(ok \d+, error 0, crash 0\)/);
      expect(run).toMatch(/complaints {2}0 /);
      expect(await ok('npx beamulator fuzz --runs 10', fresh)).toMatch(/passed/);
      expect(await ok('npm run sim --silent -- --no-progress --seed 3', fresh)).toMatch(/complaints {2}0 /);
      expect(await ok('npx vitest run', fresh)).toMatch(/1 passed/);
      await ok('npx tsc --init', fresh);
      writeFileSync(path.join(fresh, 'tsconfig.json'), readFileSync(path.join(fresh, 'tsconfig.json'), 'utf8').replace('"skipLibCheck": true', '"skipLibCheck": false'));
      await ok('npx tsc --noEmit', fresh);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
