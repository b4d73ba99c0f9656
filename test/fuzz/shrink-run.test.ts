/**
 * The hybrid workflow: a failing seeded run of the stale-read target's simulation (9 actors of the
 * bundled example) is recorded as canonical tapes, shrunk through the target's property, recorded
 * as a fuzz run and exported; the replay is identical. Shrinking is capped by runs (not time), so
 * results do not depend on the machine's speed. Behavior-level minimum: 1 Organizer, 11 actions;
 * from this seeded run the shrink reaches 12 (two teammates' creates stand in for one actor's third
 * create: removing the second actor needs coordinated tape changes fast-check does not make).
 */
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, runSimulation } from 'beamulator';
import type { DuckDBRunStore } from '../../src/store/duckdb-store.ts';
import { shrinkRun, type ShrinkRunResult } from '../../src/fuzz/shrink-run.ts';
import { registerShrinkCommand } from '../../src/cli/shrink-command.ts';
import { readReplayFile } from '../../src/replay/replay-file.ts';
import { replayRun } from '../../src/replay/replay-run.ts';
import staleRead from '../../fuzz/stale-read.fuzz.ts';
import { tempDir } from '../support/cli.ts';
import { noTimeCap, noTimeLimit } from '../support/no-time-cap.ts';

const tmp = tempDir();
let store: DuckDBRunStore;
let sourceRunId: string;

beforeAll(async () => {
  store = await openStore(path.join(tmp.dir, 'shrink.duckdb'));
  // Seed 1, 2h of the target's simulation (3 Organizers, 6 Procrastinators): several stale-read complaints.
  const run = await runSimulation(staleRead, { seed: 1, duration: '2h', db: store, file: 'fuzz/stale-read.fuzz.ts' });
  expect(run.summary.complaints).toBeGreaterThan(0);
  sourceRunId = run.runId;
});
afterAll(async () => {
  await store.close();
  tmp.cleanup();
});

describe('shrinkRun: stale-read from a seeded run', () => {
  let result: ShrinkRunResult;
  beforeAll(async () => {
    result = await shrinkRun(staleRead, store, sourceRunId, {
      seed: 1, shrinkRuns: 400, shrinkTimeLimitMs: noTimeCap.shrinkTimeLimitMs, db: store, replaysDir: path.join(tmp.dir, 'replays'), file: 'fuzz/stale-read.fuzz.ts', reproduceRuns: 0,
    });
  });

  it('records the seeded run as a spec of all its actors and shrinks it to within one action of the minimum', () => {
    expect(result.recordedSpec.actors).toHaveLength(9);
    expect(result.sourceComplaint.message).toContain('stale read');
    expect(result.sourceActions).toBeGreaterThan(30);
    expect(result.found).toBe(true);
    expect(result.runs).toBe(1); // only the example: nothing random was searched
    expect(result.shrinks).toBeGreaterThan(0);
    expect(result.complaint?.message).toContain('stale read');
    expect(result.failure!.actionsAtFailure).toBeGreaterThanOrEqual(11);
    expect(result.failure!.actionsAtFailure).toBeLessThanOrEqual(12);
    expect(result.actors.length).toBeLessThanOrEqual(2);
  });

  it('is recorded as a fuzz run and exported; the replay is identical and the complaint recurs', async () => {
    expect(result.runId).not.toBeNull();
    const run = await store.getRun(result.runId!);
    expect(run?.kind).toBe('fuzz');
    const report = await replayRun(await readReplayFile(result.replayFile!), { simulation: staleRead, db: store });
    expect(report).toMatchObject({ identical: true, divergenceCount: 0, compared: result.actions.length });
    const complaints = await store.complaints(report.replayRunId);
    expect(complaints.some((c) => c.message.includes('stale read'))).toBe(true);
  });

  it('refuses a run without a failing complaint', async () => {
    const quiet = await runSimulation(staleRead, { seed: 1, duration: '1m', db: store });
    expect(quiet.summary.complaints).toBe(0);
    await expect(shrinkRun(staleRead, store, quiet.runId, { db: false })).rejects.toThrow(/has no complaint at or above 'annoying'/);
  });

  it('refuses a fuzz run', async () => {
    await expect(shrinkRun(staleRead, store, result.runId!, { db: false })).rejects.toThrow(/it is a fuzz run/);
  });
});

describe('beamulator shrink', () => {
  it('prints the shrunk run with its replay command and exits 1', async () => {
    const db = path.join(tmp.dir, 'cli.duckdb');
    const run = await runSimulation(staleRead, { seed: 1, duration: '2h', db, file: 'fuzz/stale-read.fuzz.ts' });
    let out = '';
    let code = -1;
    const output = { out: (t: string) => { out += t; }, err: () => {}, isTTY: false, color: false, errColor: false };
    const program = new Command('beamulator').exitOverride();
    registerShrinkCommand(program, output, (c) => { code = c; });
    await program.parseAsync(['shrink', run.runId, '--target', 'fuzz/stale-read.fuzz.ts', '--db', db, '--replays', path.join(tmp.dir, 'cli-replays'), '--seed', '1', '--time-limit', noTimeLimit, '--reproduce', '1'], { from: 'user' });
    expect(code).toBe(1);
    expect(out).toContain(`shrink run ${run.runId} with stale-read`);
    expect(out).toMatch(/source run .*: 9 actors, \d+ actions up to ".*stale read.*"/);
    expect(out).toMatch(/shrunk to [12] actors?, 1[12] actions up to the failure/);
    expect(out).toContain('FAILED  urgent: the list shows a todo I completed as incomplete (stale read)');
    expect(out).toMatch(/replay {4}beamulator replay .*stale-read-.*\.json/);
    expect(out).toContain('  reproduces 1/1 from its replay file in fresh processes (1/1 identical)\n');
  });
});
