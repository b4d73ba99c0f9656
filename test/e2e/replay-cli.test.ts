import path from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTodoApp } from '../../fixtures/todo-app/server.ts';
import { exampleSim, runCli, startCli, tempDir } from '../support/cli.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const db = path.join(tmp.dir, 'runs.duckdb');
const file = path.join(tmp.dir, 'replays', 'todo.json');
let runId: string;

beforeAll(async () => {
  const run = await runCli(['run', exampleSim, '--seed', '4', '--duration', '4h', '--db', db]);
  expect(run.code).toBe(0);
  runId = /^run (\S+)/m.exec(run.stdout)![1]!;
});

function oneErrorLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^beamulator: cannot /);
  return lines[0]!;
}

describe('beamulator replay / export / import (real CLI)', () => {
  it('replays a run identical (exit 0), and names the first divergence when a bug appears (exit 7)', async () => {
    const same = await runCli(['replay', runId, '--db', db]);
    expect(same.code).toBe(0);
    expect(same.stdout).toMatch(new RegExp(`^replay \\S+ of run ${runId} \\(todo, rerun\\): identical`, 'm'));
    const offline = await runCli(['replay', runId, '--db', db, '--offline', '--mode', 'log']);
    expect(offline.code).toBe(0);
    expect(offline.stdout).toContain('(todo, log, offline): identical');

    // The run's stored parameters (bugs off) rule, not what the environment says today.
    const envSet = await runCli(['replay', runId, '--db', db], { env: { TODO_BUGS: 'stale-read' } });
    expect(envSet.code, envSet.stdout).toBe(0);
    // A target that behaves differently (the bug on) diverges.
    const app = await startTodoApp({ bugs: ['stale-read'] });
    const changed = await runCli(['replay', runId, '--db', db, '--target', app.url]).finally(() => app.reset());
    expect(changed.code).toBe(7);
    expect(changed.stdout).toMatch(/diverged at action #\d+/);
    expect(changed.stdout).toMatch(/first divergence: the target answered differently\n +#\d+ +\d+:\d\d:\d\d +Organizer \d +listTodos\(/);
    expect(changed.stdout).toMatch(/original → replay:\n +result\[\d+\]\./);
    const replayId = /^replay (\S+)/m.exec(changed.stdout)![1]!;
    const show = await runCli(['show', replayId, '--db', db, '--actions', '0']);
    expect(show.stdout).toMatch(new RegExp(`replay of +${runId}: diverged \\(rerun\\): \\d+ divergences, first at action #\\d+ listTodos`));
    const json = JSON.parse((await runCli(['replay', runId, '--db', db, '--json', '--target', app.url]).finally(() => app.stop())).stdout);
    expect(json).toMatchObject({ identical: false, exitCode: 7, parentRunId: runId });
    expect(json.divergences[0].kind).toBe('result-changed');
  });

  it('exports a replay file that replays with no DuckDB file present, and imports it back', async () => {
    const exported = await runCli(['export', runId, '--db', db, '-o', file]);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain(`beamulator replay ${file}`);
    const fresh = path.join(tmp.dir, 'fresh', 'none.duckdb');
    const replay = await runCli(['replay', file, '--db', fresh, '--offline']);
    expect(replay.code).toBe(0);
    expect(replay.stdout).toContain('identical');
    const other = path.join(tmp.dir, 'other.duckdb');
    const imported = await runCli(['import', file, '--db', other]);
    expect(imported.code).toBe(0);
    expect((await runCli(['replay', runId, '--db', other])).code).toBe(0);
  });

  it('bad input: one clear line each, distinct exit codes, nothing recorded is lost', async () => {
    const before = JSON.parse((await runCli(['runs', '--db', db, '--json', '-n', '100'])).stdout).runs.length;

    const unknown = await runCli(['replay', 'nosuchrun', '--db', db]);
    expect(unknown.code).toBe(5);
    expect(oneErrorLine(unknown.stderr)).toMatch(/cannot find run 'nosuchrun'/);

    const good = readFileSync(file, 'utf8');
    const versioned = path.join(tmp.dir, 'v2.json');
    writeFileSync(versioned, good.replace('"version": 1', '"version": 2').replace('"version":1', '"version":2'));
    const v = await runCli(['replay', versioned, '--db', db]);
    expect(v.code).toBe(9);
    expect(oneErrorLine(v.stderr)).toMatch(/version 2/);

    const truncated = path.join(tmp.dir, 'truncated.json');
    writeFileSync(truncated, good.slice(0, Math.floor(good.length / 2)));
    const t = await runCli(['replay', truncated, '--db', db]);
    expect(t.code).toBe(8);
    expect(oneErrorLine(t.stderr)).toMatch(/truncated or not JSON/);

    const edited = path.join(tmp.dir, 'edited.json');
    writeFileSync(edited, good.replace(/"completed":false/, '"completed":true'));
    const e = await runCli(['replay', edited, '--db', db]);
    expect(e.code).toBe(10);
    expect(oneErrorLine(e.stderr)).toMatch(/edited after export/);

    const long = startCli(['run', exampleSim, '--db', db, '--duration', '100000h']);
    await long.waitForStderr('running todo');
    const locked = await runCli(['replay', runId, '--db', db]);
    expect(locked.code).toBe(3);
    expect(oneErrorLine(locked.stderr)).toMatch(new RegExp(`process ${long.child.pid}\\b`));
    long.child.kill('SIGINT');
    expect((await long.done).code).toBe(130);

    const after = JSON.parse((await runCli(['runs', '--db', db, '--json', '-n', '100'])).stdout).runs;
    expect(after.length).toBe(before + 1);
    expect(after[0]).toMatchObject({ status: 'stopped' });
  });
});
