import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defineConfig } from 'beamulator/config';
import { findConfigFile, loadConfig } from '../../src/config/load-config.ts';
import { validateConfig } from '../../src/config/validate-config.ts';
import { withSimulationDefaults } from '../../src/engine/simulation-defaults.ts';
import { defineBehavior, defineSimulation, defineFuzzTarget } from '../../src/index.ts';
import { closestName } from '../../src/util/closest-name.ts';
import { globFiles } from '../../src/util/glob-files.ts';
import { tempDir } from '../support/cli.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** Writes files (path → content) under a fresh folder of the temp dir; returns the folder. */
let projects = 0;
function project(files: Record<string, string>): string {
  const dir = path.join(tmp.dir, `p${projects++}`);
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

/** The one-line message a config fails with. */
async function failure(load: Promise<unknown>): Promise<string> {
  try {
    await load;
  } catch (error) {
    expect((error as { exitCode?: number }).exitCode).toBe(2);
    return (error as Error).message;
  }
  throw new Error('expected the config to be rejected');
}

describe('finding the config file', () => {
  it('walks up from the working directory: the nearest config wins', () => {
    const root = project({
      'beamulator.config.mjs': 'export default {};',
      'app/beamulator.config.ts': 'export default {};',
      'app/src/deep/x.txt': '',
      'other/y.txt': '',
    });
    expect(findConfigFile(path.join(root, 'app/src/deep'))).toBe(path.join(root, 'app/beamulator.config.ts'));
    expect(findConfigFile(path.join(root, 'app'))).toBe(path.join(root, 'app/beamulator.config.ts'));
    expect(findConfigFile(path.join(root, 'other'))).toBe(path.join(root, 'beamulator.config.mjs'));
    expect(findConfigFile(root)).toBe(path.join(root, 'beamulator.config.mjs'));
  });

  it('prefers .ts, then .mts, .js and .mjs within one folder', () => {
    const dir = project({ 'beamulator.config.js': '', 'beamulator.config.mts': '' });
    expect(findConfigFile(dir)).toBe(path.join(dir, 'beamulator.config.mts'));
  });

  it('finds nothing when no folder up to the root has one (a folder named like the file does not count)', async () => {
    const dir = project({ 'a/b/x.txt': '', 'a/beamulator.config.ts/inside.txt': '' });
    expect(findConfigFile(path.join(dir, 'a/b'))).toBeNull();
    expect(await loadConfig({ cwd: path.join(dir, 'a/b') })).toBeNull();
  });

  it('loads the file, with the folder its relative paths resolve against', async () => {
    const dir = project({ 'beamulator.config.ts': "export default { db: 'store/x.duckdb', redact: [/^card/i] } satisfies Record<string, unknown>;", 'sub/x.txt': '' });
    const loaded = await loadConfig({ cwd: path.join(dir, 'sub') });
    expect(loaded).toMatchObject({ file: path.join(dir, 'beamulator.config.ts'), dir, config: { db: 'store/x.duckdb' } });
    expect(loaded!.config.redact![0]).toEqual(/^card/i);
  });

  it('--config names the file; a missing one is an error', async () => {
    const dir = project({ 'beamulator.config.mjs': "export default { db: 'near.duckdb' };", 'ci.config.mjs': "export default { db: 'ci.duckdb' };" });
    expect((await loadConfig({ cwd: dir, file: 'ci.config.mjs' }))!.config.db).toBe('ci.duckdb');
    expect(await failure(loadConfig({ cwd: dir, file: 'nope.mjs' }))).toBe('cannot load config nope.mjs: no such file. Give --config the config file itself, e.g. --config beamulator.config.ts');
  });
});

describe('a bad config: one line naming the file and the key', () => {
  it('an unknown key, with the closest known one', () => {
    expect(() => validateConfig({ failon: 'urgent' }, 'beamulator.config.ts')).toThrow("cannot use beamulator.config.ts: unknown key 'failon'. Did you mean 'failOn'?");
    expect(() => validateConfig({ simulation: [] }, 'c.ts')).toThrow("unknown key 'simulation'. Did you mean 'simulations'?");
    expect(() => validateConfig({ color: true }, 'c.ts')).toThrow("cannot use c.ts: unknown key 'color'. Known keys: db, replays, target, failOn, actionTimeout, redact, simulations, fuzz");
  });

  it('a value of the wrong type', () => {
    const message = (config: unknown) => {
      try {
        validateConfig(config, 'beamulator.config.ts');
      } catch (error) {
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(message({ failOn: 'fatal' })).toBe("cannot use beamulator.config.ts: failOn must be one of urgent, annoying, justsayin, none (got 'fatal')");
    expect(message({ db: 3 })).toBe("cannot use beamulator.config.ts: db must be a file path or ':memory:' (got 3)");
    expect(message({ target: 'localhost:3000' })).toMatch(/target must be an http\(s\) url like 'http:\/\/localhost:3000' \(got 'localhost:3000'\)$/);
    expect(message({ actionTimeout: '0s' })).toMatch(/actionTimeout must be a duration/);
    expect(message({ redact: ['ok', /fine/, 42] })).toMatch(/redact must be a list of names .* \(got \['ok', \/fine\/, 42\]\)$/);
    expect(message({ simulations: 'sims/*.sim.ts' })).toMatch(/simulations must be a list of globs .* \(got 'sims\/\*\.sim\.ts'\)$/);
    expect(message({ fuzz: [''] })).toMatch(/fuzz must be a list of globs/);
    expect(message(null)).toBe('cannot use beamulator.config.ts: its default export is null, not a config. Export `defineConfig({ ... })` as default');
    // Every key, well typed: accepted as it is.
    const full = defineConfig({
      db: ':memory:', replays: 'replays', target: 'http://localhost:3000', failOn: 'none', actionTimeout: 5000,
      redact: ['session', 'x-internal-*', /^card/i], simulations: ['simulations/**/*.sim.ts'], fuzz: ['fuzz/*.fuzz.ts'],
    });
    expect(validateConfig(full, 'c.ts')).toBe(full);
  });

  it('a file that does not load, or exports no config', async () => {
    const dir = project({
      'syntax/beamulator.config.ts': "export default { db: 'x' ;\n",
      'throws/beamulator.config.mjs': "throw new Error('boom');\n",
      'named/beamulator.config.mjs': 'export const config = {};\n',
    });
    expect(await failure(loadConfig({ cwd: path.join(dir, 'syntax') }))).toBe('cannot load config beamulator.config.ts: syntax error at 1:26: Expected "}" but found ";". Fix the error in the file');
    expect(await failure(loadConfig({ cwd: path.join(dir, 'throws') }))).toMatch(/^cannot load config beamulator\.config\.mjs: boom\. Fix the error in the file/);
    expect(await failure(loadConfig({ cwd: path.join(dir, 'named') }))).toBe('cannot use beamulator.config.mjs: it does not export a config (exports: config). Add `export default defineConfig({ ... })`');
  });
});

describe('closestName', () => {
  it('suggests a near miss or a longer name holding it, and nothing for a stranger', () => {
    const keys = ['db', 'replays', 'target', 'failOn', 'actionTimeout', 'redact'];
    expect(closestName('FAILON', keys)).toBe('failOn');
    expect(closestName('taget', keys)).toBe('target');
    expect(closestName('replay', keys)).toBe('replays');
    expect(closestName('timeout', keys)).toBe('actionTimeout');
    expect(closestName('dbPath', keys)).toBe('db');
    expect(closestName('replaysDir', [...keys, 're'])).toBe('replays');
    expect(closestName('fuzzTargets', ['target', 'fuzz'])).toBe('fuzz');
    expect(closestName('x', keys)).toBeNull();
    expect(closestName('color', keys)).toBeNull();
  });
});

describe('globFiles', () => {
  it('matches *, ** (any depth, including none) and {a,b}, skipping node_modules and dot folders', async () => {
    const dir = project({
      'simulations/a.sim.ts': '', 'simulations/deep/er/b.sim.ts': '', 'simulations/c.ts': '', 'simulations/d.sim.mts': '',
      'simulations/node_modules/x.sim.ts': '', 'simulations/.cache/y.sim.ts': '', 'top.sim.ts': '',
    });
    const rel = async (globs: string[]) => (await globFiles(globs, dir)).map((f) => path.relative(dir, f));
    expect(await rel(['simulations/**/*.sim.ts'])).toEqual(['simulations/a.sim.ts', 'simulations/deep/er/b.sim.ts']);
    expect(await rel(['simulations/*.sim.{ts,mts}'])).toEqual(['simulations/a.sim.ts', 'simulations/d.sim.mts']);
    expect(await rel(['*.sim.ts', 'simulations/a.sim.ts', 'simulations/a.sim.ts'])).toEqual(['simulations/a.sim.ts', 'top.sim.ts']);
    expect(await rel(['**/b.sim.ts'])).toEqual(['simulations/deep/er/b.sim.ts']);
    expect(await rel(['missing/**/*.ts', 'nope.ts'])).toEqual([]);
  });
});

describe('withSimulationDefaults', () => {
  const b = defineBehavior({ name: 'B', initialState: {}, act: (ctx) => ctx.stop() });
  const base = { name: 's', behaviors: [b], population: [{ behavior: b, count: 1 }] };

  it("replaces the simulation's url, never a target it starts; its own action timeout wins", () => {
    const withUrl = defineSimulation({ ...base, target: { url: 'http://own:1', headers: { a: 'b' } }, actionTimeout: '5s' });
    const applied = withSimulationDefaults(withUrl, { target: 'http://config:2', actionTimeout: '1s' });
    expect(applied.target).toEqual({ url: 'http://config:2', headers: { a: 'b' } });
    expect(applied.actionTimeout).toBe('5s');
    expect(withSimulationDefaults(defineSimulation(base), { actionTimeout: '1s' }).actionTimeout).toBe('1s');

    const start = () => ({ url: 'http://started:3' });
    const starts = defineSimulation({ ...base, target: { start } });
    expect(withSimulationDefaults(starts, { target: 'http://config:2' })).toBe(starts);
    expect(withSimulationDefaults(starts, {})).toBe(starts);
  });

  it('keeps a fuzz target a fuzz target', () => {
    const target = defineFuzzTarget({ name: 'f', simulation: defineSimulation(base) });
    const applied = withSimulationDefaults(target, { target: 'http://config:2' });
    expect(applied.fuzz).toBe(target.fuzz);
    expect(applied.target?.url).toBe('http://config:2');
  });
});
