/**
 * A browser fuzz campaign in the suite, kept cheap: the web page's stale-counter bug, one UI
 * Organizer of at most 3 turns (sign up; read, add; read, delete), a 40-run search and 2 shrink
 * runs, no fresh-process check inside the campaign; the recorded failure is traced (`trace`). Then the exported replay file replays offline
 * (Playwright's routing serves the pages the recording: the app is not running) in a fresh
 * `beamulator replay` process, identically. One Chromium for the campaign, a fresh context per run.
 * The behavior-level minimum is 5 actions: sign up, read, add, read, delete (the counter still
 * counts the deleted todo). Measured: found in 8 runs (seed 1), about 30 s in all at load 20.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzz, openStore, type FuzzResult } from 'beamulator';
import staleCounter from '../../fuzz/stale-counter.fuzz.ts';
import { runCli, tempDir } from '../support/cli.ts';
import { noTimeCap } from '../support/no-time-cap.ts';

const tmp = tempDir();
const db = path.join(tmp.dir, 'fuzz.duckdb');
let result: FuzzResult;

beforeAll(async () => {
  result = await fuzz(staleCounter, {
    seed: 1, runs: 40, maxActors: 1, maxTurns: 3, shrinkRuns: 2, ...noTimeCap, reproduceRuns: 0, trace: true,
    db, replaysDir: path.join(tmp.dir, 'replays'), file: 'fuzz/stale-counter.fuzz.ts',
  });
}, 240_000);
afterAll(() => tmp.cleanup());

describe('browser fuzz: stale-counter', () => {
  it('finds the bug and shrinks it to the behavior-level minimum (5 actions)', () => {
    expect(result.found).toBe(true);
    expect(result.complaint?.message).toBe('the counter disagrees with the list');
    const upTo = result.actions.slice(0, result.failure!.actionsAtFailure);
    expect(upTo.map((a) => a.action)).toEqual(['signUpInUi', 'readListInUi', 'addTodoInUi', 'readListInUi', 'deleteTodoInUi']);
    expect(upTo.at(-1)!.result).toMatchObject({ todos: [], left: '1 left' });
  });

  it("stores the complaint's screenshot and (trace) the recorded run's Playwright trace next to the store", async () => {
    const store = await openStore(db, { readOnly: true });
    try {
      const events = await store.events(result.runId!);
      const shots = events.filter((e) => e.kind === 'screenshot');
      expect(shots.map((e) => e.detail)).toEqual([{ file: `screenshots/${result.runId}/complaint-0.png`, actionSeq: 4, complaintSeq: 0 }]);
      expect(events.filter((e) => e.kind === 'trace').map((e) => e.detail)).toEqual([{ file: `traces/${result.runId}/actor-0.zip` }]);
      for (const file of [`screenshots/${result.runId}/complaint-0.png`, `traces/${result.runId}/actor-0.zip`]) expect(existsSync(path.join(tmp.dir, file)), file).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('replays offline from its exported file in a fresh process, identically, the complaint raised again', async () => {
    const replayed = await runCli(['replay', result.replayFile!, '--offline', '--db', ':memory:', '--json']);
    const report = JSON.parse(replayed.stdout) as { identical: boolean; offline: boolean; complaints: Array<{ message: string }> };
    expect(report).toMatchObject({ identical: true, offline: true });
    expect(report.complaints.map((c) => c.message)).toEqual(['the counter disagrees with the list']);
    expect(replayed.code, replayed.stderr).toBe(0);
  }, 60_000);
});
