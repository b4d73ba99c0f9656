import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkReplayFile } from 'beamulator/vitest';
import { listReplayFiles } from '../../src/vitest/replay-tests.ts';
import { readReplayFile, writeReplayFile, type ReplayBundle } from '../../src/replay/replay-file.ts';
import { replayRun } from '../../src/replay/replay-run.ts';
import { openStore } from '../../src/store/duckdb-store.ts';
import todo from '../../examples/todo/todo.sim.ts';
import { trackChild } from '../support/child-processes.ts';
import { root } from '../support/cli.ts';

const example = 'replays/todo-example.json';
const staleRead = 'replays/todo-stale-read.json';

describe('checkReplayFile: what each test of replayTests runs', () => {
  let dir: string;
  let good: string;
  let truncated: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'beamulator-replay-tests-'));
    good = path.join(dir, 'good.json');
    truncated = path.join(dir, 'truncated.json');
    copyFileSync(example, good);
    const text = readFileSync(example, 'utf8');
    writeFileSync(truncated, text.slice(0, Math.floor(text.length / 2)));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists the *.json files of a folder, sorted; null for no folder', () => {
    writeFileSync(path.join(dir, 'notes.txt'), 'not a replay');
    expect(listReplayFiles(dir)).toEqual(['good.json', 'truncated.json']);
    expect(listReplayFiles(path.join(dir, 'nope'))).toBeNull();
  });

  it('a good file replays identically (offline by default, no target)', async () => {
    const outcome = await checkReplayFile(good);
    expect(outcome.message).toMatch(/good\.json: identical \(\d+ actions, rerun, offline\)/);
    expect(outcome.pass).toBe(true);
    expect(outcome.report!.identical).toBe(true);
    expect((await checkReplayFile(good, { mode: 'log' })).pass).toBe(true);
  });

  it("a truncated file fails with readReplayFile's one-line message", async () => {
    const outcome = await checkReplayFile(truncated);
    expect(outcome.pass).toBe(false);
    expect(outcome.report).toBeNull();
    const expected = await readReplayFile(truncated).then(() => 'read', (error: Error) => error.message);
    expect(outcome.message).toBe(expected);
    expect(outcome.message).toMatch(new RegExp(`^cannot read replay file ${escape(truncated)}: it is truncated or not JSON: .* at line \\d+, column \\d+ \\(byte \\d+ of \\d+\\)`));
    expect(outcome.message).not.toContain('\n');
  });

  it('an edited file fails (unless allowEdited), and so does a missing one', async () => {
    const edited = path.join(dir, 'edited.json');
    writeFileSync(edited, readFileSync(example, 'utf8').replace('"seed":"42"', '"seed":"43"'));
    const outcome = await checkReplayFile(edited);
    expect(outcome.pass).toBe(false);
    expect(outcome.message).toContain('it was edited after export (checksum mismatch)');
    // Edited on purpose: the seed changed, and an offline rerun of another seed does not match the recording.
    const allowed = await checkReplayFile(edited, { allowEdited: true });
    expect(allowed.pass).toBe(false);
    expect(allowed.message).toContain('diverged from its recording');
    // Fed answers recorded for other requests, the example's complaint throws: the divergence is the finding, the throw a note.
    expect(allowed.message).toMatch(/note: after it diverged, your code stopped the replay: cannot run todo: complaint '.*' when\(\) for action #\d+ \w+ by .* threw TypeError: .* \(at examples\/todo\/behaviors\.ts:\d+:\d+\)/);
    expect(allowed.message).toContain(`npx beamulator replay ${edited} --offline --allow-edited`);
    expect((await checkReplayFile(path.join(dir, 'missing.json'))).message).toMatch(/no such file/);
  });

  it('a simulation file that does not exist is a clear failure', async () => {
    const bundle = await readReplayFile(example);
    const file = path.join(dir, 'no-sim.json');
    await writeReplayFile({ ...bundle, run: { ...bundle.run, file: 'examples/gone/gone.sim.ts' } }, file);
    const outcome = await checkReplayFile(file);
    expect(outcome.pass).toBe(false);
    expect(outcome.message).toContain(`cannot replay ${file} (run ${bundle.run.runId}, run of todo): cannot replay run ${bundle.run.runId}: its simulation examples/gone/gone.sim.ts does not load (cannot load simulation examples/gone/gone.sim.ts: no such file`);
    expect(outcome.message).toContain(`replay     npx beamulator replay ${file} --offline`);
  });

  it('a divergence fails with the report and the `npx beamulator replay <file>` command', async () => {
    const bundle = await readReplayFile(example);
    const seq = bundle.actions[10]!.seq;
    const changed: ReplayBundle = { ...bundle, actions: bundle.actions.map((a) => (a.seq === seq ? { ...a, outcome: 'error', error: 'HTTP 500', result: null } : a)) };
    const file = path.join(dir, 'diverges.json');
    await writeReplayFile(changed, file);
    const outcome = await checkReplayFile(file);
    expect(outcome.pass).toBe(false);
    expect(outcome.message).toContain(`replay file ${file} diverged from its recording (run ${bundle.run.runId}, run of todo, seed 42): 1 divergence\n`);
    expect(outcome.message).toContain(`diverged at action #${seq}`);
    expect(outcome.message).toContain('outcome: "error" → "ok"');
    expect(outcome.message).toContain(`  replay     npx beamulator replay ${file} --offline`);
  });
});

describe('the committed replay files', () => {
  it('are small', () => {
    for (const file of [example, staleRead]) expect(readFileSync(file).length).toBeLessThan(300_000);
  });

  it('the stale-read run replays identically offline, and its complaints recur in the replay', async () => {
    const bundle = await readReplayFile(staleRead);
    expect(bundle.complaints.length).toBeGreaterThan(0);
    expect(bundle.complaints.every((c) => c.severity === 'urgent' && /stale read/.test(c.message))).toBe(true);
    const store = await openStore(':memory:');
    try {
      const report = await replayRun(bundle, { offline: true, simulation: todo, db: store });
      expect(report.identical).toBe(true);
      const key = (c: { actionSeq: number | null; actorId: number | null; severity: string; message: string }) => `${c.actionSeq}/${c.actorId}/${c.severity}/${c.message}`;
      const recurred = await store.complaints(report.replayRunId);
      expect(recurred.map(key)).toEqual(bundle.complaints.map(key));
    } finally {
      await store.close();
    }
  });
});

describe('replayTests, as vitest runs it (a vitest of its own, on test/vitest/replay-folders)', () => {
  type Outcome = { status: string; failureMessages: string[] };
  let dir: string;
  let tests: Map<string, Outcome>;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'beamulator-replay-folders-'));
    const folders = Object.fromEntries(['missing', 'missingAllowed', 'empty', 'emptyAllowed', 'good'].map((name) => [name, path.join(dir, name)]));
    for (const name of ['empty', 'emptyAllowed', 'good']) mkdirSync(folders[name]!);
    writeFileSync(path.join(folders.empty!, 'notes.txt'), 'not a replay file');
    copyFileSync(example, path.join(folders.good!, 'example.json'));
    const report = path.join(dir, 'report.json');
    const run = spawn(process.execPath, [path.join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'test/vitest/replay-folders/vitest.config.ts', '--reporter=json', `--outputFile=${report}`], {
      cwd: root, env: { ...process.env, REPLAY_FOLDERS: JSON.stringify(folders) }, stdio: 'ignore',
    });
    trackChild(run);
    await once(run, 'close');
    const json = JSON.parse(readFileSync(report, 'utf8')) as { testResults: Array<{ assertionResults: Array<Outcome & { fullName: string }> }> };
    tests = new Map(json.testResults.flatMap((file) => file.assertionResults).map((t) => [t.fullName.replace(`${dir}/`, ''), t]));
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a folder that does not exist fails, allowEmpty or not', () => {
    for (const name of ['missing', 'missingAllowed']) {
      const test = tests.get(`${name}/ no replay files in ${path.join(dir, name)} (no such folder)`);
      expect(test?.status).toBe('failed');
      expect(test!.failureMessages[0]).toContain(`BeamulatorError: cannot replay the files of ${path.join(dir, name)}: there is no folder ${path.join(dir, name)}. Pass the folder of the replay files`);
    }
  });

  it('a folder with no replay files fails, unless allowEmpty: then one passing test says so', () => {
    const empty = tests.get(`empty/ no replay files in ${path.join(dir, 'empty')}`);
    expect(empty?.status).toBe('failed');
    expect(empty!.failureMessages[0]).toContain(`cannot replay the files of ${path.join(dir, 'empty')}: it has no *.json replay files. Export a run into it (npx beamulator export <run-id> -o ${path.join(dir, 'empty', '<name>.json')}), or pass { allowEmpty: true } to replayTests while it has none`);
    expect(tests.get(`emptyAllowed/ no replay files in ${path.join(dir, 'emptyAllowed')}`)?.status).toBe('passed');
  });

  it('a folder of replay files gives one passing test per file, and nothing else', () => {
    expect(tests.get('good/ example.json')?.status).toBe('passed');
    expect(tests.size).toBe(5);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
