/**
 * The package as a user of another project gets it: `npm pack`, the tarball installed into a
 * fresh project outside this repository (an ES module project and, separately, a CommonJS one),
 * and the CLI, the API, `beamulator/vitest` and `tsc` used there as a user would. Dependencies
 * come from npm's cache that `npm ci` filled (`--prefer-offline`); the whole file takes about a
 * minute, most of it the two installs.
 */
import { spawn } from 'node:child_process';
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

describe('the packed package, installed into another project', () => {
  const tmp = tempDir();
  let esm: string;
  let cjs: string;
  const bug = { NOTES_BUG: 'lost-create' };

  beforeAll(async () => {
    // npm pack runs `prepare` (the build), as publishing would.
    const packed = (await ok(`npm pack --silent --pack-destination ${tmp.dir}`, root)).trim().split('\n').at(-1)!;
    const tarball = path.join(tmp.dir, packed);
    esm = path.join(tmp.dir, 'esm');
    cjs = path.join(tmp.dir, 'cjs');
    for (const [dir, type] of [[esm, ', "type": "module"'], [cjs, '']] as const) {
      mkdirSync(dir);
      cpSync(path.join(import.meta.dirname, 'project'), dir, { recursive: true });
      writeFileSync(path.join(dir, 'package.json'), `{ "name": "app", "private": true${type} }\n`);
    }
    const install = 'npm install --no-audit --no-fund --prefer-offline --loglevel=error';
    await Promise.all([
      ok(`${install} ${tarball} typescript@${devVersion('typescript')} @types/node@${devVersion('@types/node')} vitest@${devVersion('vitest')}`, esm),
      ok(`${install} ${tarball}`, cjs),
    ]);
  }, 240_000);
  afterAll(() => tmp.cleanup());

  it('runs a simulation written there with `npx beamulator run`, lists it, and replays it identically', async () => {
    const run = await ok('npx beamulator run notes.sim.ts --seed 1 --no-progress', esm);
    expect(run).toMatch(/complaints {2}0 /);
    expect(await ok('npx beamulator runs', esm)).toMatch(/notes/);
    expect(await ok('npx beamulator replay latest', esm)).toMatch(/: identical/);
  });

  it('fuzzes it to a shrunk failure whose exported file replays identically in a fresh process', async () => {
    const fuzz = await ok('npx beamulator fuzz notes.fuzz.ts --seed 1 --expect-failure', esm, bug);
    expect(fuzz).toMatch(/FAILED {2}urgent: a note I created is missing from the list/);
    const [file] = readdirSync(path.join(esm, 'replays'));
    expect(fuzz).toContain(`beamulator replay replays/${file}`);
    const replay = await ok(`npx beamulator replay replays/${file}`, esm, bug);
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
});
