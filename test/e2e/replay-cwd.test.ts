// A run names its simulation relative to where it was recorded; a replay must find it from any
// working directory (src/replay/simulation-file.ts).
import { cpSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { root, runCli, tempDir } from '../support/cli.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

it('replays from another working directory: by the recorded absolute path, then from the store or replay file upwards once the project moved', async () => {
  const project = path.join(tmp.dir, 'project');
  mkdirSync(path.join(project, 'sims'), { recursive: true });
  // The e2e notes simulation, importing beamulator by path (the temp project has no node_modules).
  const source = readFileSync(path.join(root, 'test/e2e/sims/notes.sim.ts'), 'utf8')
    .replace("from 'beamulator'", `from '${path.join(root, 'dist/index.js')}'`);
  writeFileSync(path.join(project, 'sims', 'notes.sim.ts'), source);
  const db = path.join('.beamulator', 'runs.duckdb');
  const run = await runCli(['run', path.join('sims', 'notes.sim.ts'), '--db', db, '--seed', '4', '--json'], { cwd: project });
  expect(run.code, run.stderr).toBe(0);
  expect(JSON.parse(run.stdout).runId).toBeTruthy();
  expect((await runCli(['export', 'latest', '--db', db, '-o', path.join('replays', 'notes.json')], { cwd: project })).code).toBe(0);

  // Elsewhere, the project where it was: the absolute path finds it.
  const elsewhere = path.join(tmp.dir, 'elsewhere');
  mkdirSync(elsewhere);
  const fromStore = await runCli(['replay', 'latest', '--db', path.join(project, db)], { cwd: elsewhere });
  expect(fromStore.code, fromStore.stderr).toBe(0);
  expect(fromStore.stdout).toMatch(/identical/);

  // The project moved (a colleague's checkout): the relative path, from the replay file's or the store's folder upwards.
  const moved = path.join(tmp.dir, 'moved');
  renameSync(project, moved);
  const fromFile = await runCli(['replay', path.join(moved, 'replays', 'notes.json')], { cwd: elsewhere });
  expect(fromFile.code, fromFile.stderr).toBe(0);
  const fromMovedStore = await runCli(['replay', 'latest', '--db', path.join(moved, db)], { cwd: elsewhere });
  expect(fromMovedStore.code, fromMovedStore.stderr).toBe(0);

  // Nowhere to be found: exit 2 naming the recorded path and --sim.
  cpSync(path.join(moved, 'replays', 'notes.json'), path.join(elsewhere, 'notes.json'));
  const lost = await runCli(['replay', 'notes.json', '--db', ':memory:'], { cwd: elsewhere });
  expect(lost.code).toBe(2);
  expect(lost.stderr).toMatch(/^beamulator: cannot replay run \S+: its simulation sims\/notes\.sim\.ts does not load .*--sim <file>\n$/);
});
