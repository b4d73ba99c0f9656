import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { root, runCli, tempDir } from '../support/cli.ts';
import { noTimeLimit } from '../support/no-time-cap.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('beamulator fuzz (real CLI)', () => {
  it('finds the stale read, shrinks it, and prints a replay command that reproduces it', async () => {
    const db = path.join(tmp.dir, 'fuzz.duckdb');
    const replays = path.join(tmp.dir, 'replays');
    const found = await runCli(['fuzz', path.join(root, 'fuzz/stale-read.fuzz.ts'), '--seed', '1', '--time-limit', noTimeLimit, '--db', db, '--replays', replays, '--reproduce', '2']);
    expect(found.code).toBe(1);
    expect(found.stdout).toContain('  reproduces 2/2 from its replay file in fresh processes (2/2 identical)\n');
    expect(found.stdout).toMatch(/FAILED {2}urgent: the list shows a todo I completed as incomplete \(stale read\)/);
    expect(found.stdout).toMatch(/shrunk in \d+ steps to 1 actor, \d+ actions/);
    const file = /replay +beamulator replay (\S+\.json)/.exec(found.stdout)![1]!;
    const runId = /inspect +beamulator show (\S+)/.exec(found.stdout)![1]!;
    expect((await runCli(['runs', '--db', db])).stdout).toMatch(new RegExp(`^${runId} +fuzz +stale-read .* \\(tapes\\)\\n`, 'm'));
    const shown = await runCli(['show', runId, '--db', db, '-a', '0']);
    expect(shown.stdout).toContain('  fuzz        a shrunk failure of 1 actor on choice tapes (overlap off; the seed plays no part), reproduces 2/2 from its replay file in fresh processes (2/2 identical)\n');
    const replay = await runCli(['replay', file, '--db', db]);
    expect(replay.code).toBe(0);
    expect(replay.stdout).toContain('(stale-read, rerun): identical');
    expect(replay.stdout).toContain('1 complaint raised again, as in the original (first: urgent: the list shows a todo I completed as incomplete (stale read))');
    expect(replay.stdout).toContain('  the recorded failure recurred (urgent: the list shows a todo I completed as incomplete (stale read))\n');
    const offline = await runCli(['replay', file, '--db', db, '--offline']);
    expect(offline.code).toBe(0);
    // A replay is a run: replaying it (here the latest run, the offline replay) reruns the same tapes.
    const again = await runCli(['replay', 'latest', '--db', db]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^replay \S+ of run \S+ \(stale-read, rerun\): identical/);
  });

  it('--expect-failure: exit 0 when the known bug is found, 1 with a clear line when the target passes', async () => {
    const db = path.join(tmp.dir, 'expect.duckdb');
    const replays = path.join(tmp.dir, 'expect-replays');
    const found = await runCli(['fuzz', path.join(root, 'fuzz/stale-read.fuzz.ts'), '--seed', '1', '--time-limit', noTimeLimit, '--db', db, '--replays', replays, '--expect-failure', '--reproduce', '0']);
    expect(found.code).toBe(0);
    expect(found.stdout).toContain('FAILED  urgent');
    const passed = await runCli(['fuzz', path.join(root, 'fuzz/bugs-off.fuzz.ts'), '--seed', '1', '--runs', '3', '--db', db, '--replays', replays, '--expect-failure']);
    expect(passed.code).toBe(1);
    expect(passed.stderr).toBe('beamulator: expected a failure, but fuzz/bugs-off.fuzz.ts passed. Raise --runs or --time-limit, or check that the bug is switched on\n');
  });
});
