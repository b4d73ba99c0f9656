/**
 * What the real CLI loads, traced by a module hook (test/support/load-trace.mjs): `--help`,
 * `--version` and every command's `--help` load no heavy package; `runs` and `show` load DuckDB
 * (which proves the trace sees it) but no TypeScript loader, faker or fuzz code; faker loads only
 * when a behavior asks for fake data. Start-up times are measured by bench/cli, not asserted here.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root, tempDir } from '../support/cli.ts';
import { heavyOf, runCliTraced } from '../support/load-trace.ts';
import { recordRuns } from '../support/recorded-runs.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const db = path.join(tmp.dir, 'runs.duckdb');
let runIds: string[] = [];
beforeAll(async () => {
  runIds = await recordRuns(db, 2);
});

/** The command names a `--help` lists (commander's "Commands:" section, without `help`). */
function commandsIn(help: string): string[] {
  const section = help.split('\nCommands:\n')[1]?.split('\n\n')[0] ?? '';
  return [...section.matchAll(/^ {2}(\S+)/gm)].map((m) => m[1]!).filter((name) => name !== 'help');
}

describe('what the CLI loads', () => {
  it('loads no heavy package for --help, --version and any command --help', async () => {
    const help = await runCliTraced(['--help']);
    expect(help.code).toBe(0);
    // The hook sees the CLI's own ES modules (and, below, DuckDB's CommonJS files).
    expect(help.own).toContain('dist/cli/main.js');
    const commands = commandsIn(help.stdout);
    expect(commands).toEqual(expect.arrayContaining(['run', 'runs', 'show', 'replay', 'export', 'import', 'fuzz', 'shrink']));
    expect(heavyOf(help)).toEqual([]);
    for (const args of [['--version'], ...commands.map((c) => [c, '--help'])]) {
      const traced = await runCliTraced(args);
      expect(traced.code, args.join(' ')).toBe(0);
      expect({ args, heavy: heavyOf(traced) }).toEqual({ args, heavy: [] });
    }
  });

  it('runs and show load DuckDB, but no TypeScript loader, faker or fuzz code', async () => {
    for (const args of [['runs', '--db', db], ['show', 'latest', '--db', db]]) {
      const traced = await runCliTraced(args);
      expect(traced.code, traced.stderr).toBe(0);
      expect(traced.stdout).toContain(runIds.at(-1));
      expect({ args, heavy: heavyOf(traced) }).toEqual({ args, heavy: ['@duckdb/node-api'] });
      expect(traced.own.filter((file) => file.startsWith('dist/fuzz/'))).toEqual([]);
    }
  });

  it('runs under a TypeScript project config reads it with esbuild alone: no tsx, no fuzz code', async () => {
    const project = path.join(tmp.dir, 'project');
    mkdirSync(path.join(project, 'deep/er'), { recursive: true });
    writeFileSync(path.join(project, 'beamulator.config.ts'), `import { defineConfig } from '${path.join(root, 'dist/config/index.js')}';
import { store } from './store-path.ts';
export default defineConfig({ db: store satisfies string });
`);
    writeFileSync(path.join(project, 'store-path.ts'), `export const store: string = ${JSON.stringify(db)};\n`);
    const traced = await runCliTraced(['runs'], { cwd: path.join(project, 'deep/er') });
    expect(traced.code, traced.stderr).toBe(0);
    expect(traced.stdout).toContain(runIds.at(-1)); // the config's store, so the config was read
    expect(heavyOf(traced)).toEqual(['@duckdb/node-api', 'esbuild']);
    expect(traced.own.filter((file) => file.startsWith('dist/fuzz/'))).toEqual([]);
    expect(readdirSync(project).filter((name) => name.endsWith('.mjs'))).toEqual([]); // the bundled config is removed
  });

  it('loads faker only for a run whose behaviors ask for fake data', async () => {
    const sim = path.join(root, 'test/e2e/sims/notes.sim.ts');
    const plain = await runCliTraced(['run', sim, '--db', db, '--actors', 'Namer=0']);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.packages).toContain('tsx');
    expect(plain.packages).not.toContain('@faker-js/faker');
    const named = await runCliTraced(['run', sim, '--db', db]);
    expect(named.code, named.stderr).toBe(0);
    expect(named.packages).toContain('@faker-js/faker');
  });
});
