import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, runSimulation } from 'beamulator';
import type { DuckDBRunStore } from '../../src/store/duckdb-store.ts';
import { importBundle, readReplayFile, readRunBundle, writeReplayFile } from '../../src/replay/replay-file.ts';
import { replayRun } from '../../src/replay/replay-run.ts';
import todo from '../../examples/todo/todo.sim.ts';
import { startTodoApp, type TodoApp } from '../../fixtures/todo-app/server.ts';
import { tempDir } from '../support/cli.ts';

const tmp = tempDir();
let store: DuckDBRunStore;
let app: TodoApp;
let runId: string;

beforeAll(async () => {
  store = await openStore(path.join(tmp.dir, 'replay.duckdb'));
  app = await startTodoApp();
  // Recorded against an app the test controls, so it can be stopped or given a bug later.
  runId = (await runSimulation(todo, { seed: 21, duration: '6h', db: store, target: app.url, file: 'examples/todo/todo.sim.ts' })).runId;
});
afterAll(async () => {
  await store.close();
  await app.stop();
  tmp.cleanup();
});

describe('replay of a recorded example run', () => {
  it('replays identical in rerun, log and offline modes, and stores each replay as a run with its comparison', async () => {
    const source = await readRunBundle(store, runId);
    expect(source.actions.length).toBeGreaterThan(100);
    for (const options of [{ mode: 'rerun' as const }, { mode: 'log' as const }, { mode: 'rerun' as const, offline: true }, { mode: 'log' as const, offline: true }]) {
      app.reset();
      const report = await replayRun(source, { ...options, db: store, ...(options.offline ? {} : { target: app.url }) });
      expect(report, JSON.stringify(options)).toMatchObject({ identical: true, divergenceCount: 0, compared: source.actions.length });
      const stored = await store.getRun(report.replayRunId);
      expect(stored).toMatchObject({ kind: 'replay', parentRunId: runId, status: 'completed' });
      expect(stored!.comparison).toMatchObject({ mode: options.mode, offline: Boolean(options.offline), divergences: 0, compared: source.actions.length });
    }
  });

  it('names the exact first divergent action when a planted bug is switched on after recording', async () => {
    const source = await readRunBundle(store, runId);
    // What the app now answers, found independently: the same run recorded against the buggy app.
    app.reset();
    app.setBugs(['stale-read']);
    const buggy = await runSimulation(todo, { seed: 21, duration: '6h', db: store, target: app.url });
    const buggyActions = await store.actions(buggy.runId);
    const firstDiff = source.actions.find((a, i) => JSON.stringify(a.result) !== JSON.stringify(buggyActions[i]?.result))!;
    expect(firstDiff).toBeDefined();

    app.reset();
    const report = await replayRun(source, { target: app.url, db: store });
    app.setBugs([]);
    expect(report.identical).toBe(false);
    const first = report.divergences[0]!;
    expect(first).toMatchObject({ seq: firstDiff.seq, actorId: firstDiff.actorId, action: firstDiff.action, kind: 'result-changed' });
    expect(first.differences.length).toBeGreaterThan(0);
    expect(report.context.every((a) => a.actorId === first.actorId && a.seq < first.seq)).toBe(true);
    expect((await store.getRun(report.replayRunId))!.comparison).toMatchObject({ divergences: report.divergenceCount, first: { seq: firstDiff.seq } });
  });

  it('replays offline with the target stopped', async () => {
    const own = await startTodoApp();
    const recorded = await runSimulation(todo, { seed: 8, duration: '3h', db: store, target: own.url, file: 'examples/todo/todo.sim.ts' });
    await own.stop();
    const report = await replayRun(await readRunBundle(store, recorded.runId), { offline: true, db: store });
    expect(report).toMatchObject({ identical: true, divergenceCount: 0 });
    // Live, the example's reset finds nobody there: a clear error before anything runs.
    await expect(replayRun(await readRunBundle(store, recorded.runId), { target: own.url, db: false })).rejects.toThrow(/^cannot reset the target at .*: POST \/__admin\/reset got no answer/);
  });

  it('replays from an exported file with no store, and after export -> import', async () => {
    const file = path.join(tmp.dir, 'replays', 'todo.json');
    await writeReplayFile(await readRunBundle(store, runId), file);
    const bundle = await readReplayFile(file);
    app.reset();
    expect(await replayRun(bundle, { target: app.url, db: false })).toMatchObject({ identical: true });
    expect(await replayRun(bundle, { offline: true, db: false })).toMatchObject({ identical: true });

    const other = await openStore(path.join(tmp.dir, 'imported.duckdb'));
    try {
      const imported = await importBundle(other, bundle);
      app.reset();
      const report = await replayRun(await readRunBundle(other, imported), { target: app.url, db: other });
      expect(report).toMatchObject({ identical: true, parentRunId: runId });
    } finally {
      await other.close();
    }
  });

  it('pairs ids the target minted anew, ignores declared dynamic fields, and reports a changed simulation as such', async () => {
    const source = await readRunBundle(store, runId);
    // Pretend the recording's target minted other ids (x1 where this one mints t1), in results and the args that carry them.
    const minted = { ...source, actions: source.actions.map((a) => JSON.parse(JSON.stringify(a).replace(/"t(\d+)"/g, '"x$1"')) as typeof a) };
    app.reset();
    const paired = await replayRun(minted, { target: app.url, db: false });
    expect(paired.identical).toBe(true);
    expect(paired.mintedPairs).toBeGreaterThan(5);
    // A field the target answers differently is a difference, unless the simulation ignores it.
    const retitled = { ...source, actions: source.actions.map((a) => ({ ...a, result: JSON.parse(JSON.stringify(a.result).replace(/"title":"/g, '"title":"old ')) })) };
    app.reset();
    const strict = await replayRun(retitled, { target: app.url, db: false });
    expect(strict.identical).toBe(false);
    expect(strict.divergences[0]!.kind).toBe('result-changed');
    app.reset();
    const lenient = await replayRun(retitled, { target: app.url, db: false, simulation: { ...todo, replay: { ignore: ['$..title'] } } });
    expect(lenient).toMatchObject({ identical: true });

    const edited = { ...source, actions: source.actions.map((a) => (a.seq === 5 ? { ...a, args: { ...(a.args as object), extra: 1 } } : a)) };
    app.reset();
    const changed = await replayRun(edited, { target: app.url, db: false });
    expect(changed.divergences[0]).toMatchObject({ seq: 5, kind: 'simulation-changed' });
    expect(changed.divergences[0]!.differences.join('\n')).toContain('args.extra: 1 → (absent)');
  });
});
