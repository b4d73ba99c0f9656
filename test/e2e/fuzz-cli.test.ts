import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { root, runCli, tempDir } from '../support/cli.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('beamulator fuzz (real CLI)', () => {
  it('finds the stale read, shrinks it, and prints a replay command that reproduces it', async () => {
    const db = path.join(tmp.dir, 'fuzz.duckdb');
    const replays = path.join(tmp.dir, 'replays');
    const found = await runCli(['fuzz', path.join(root, 'fuzz/stale-read.fuzz.ts'), '--seed', '1', '--db', db, '--replays', replays]);
    expect(found.code).toBe(1);
    expect(found.stdout).toMatch(/FAILED {2}urgent: the list shows a todo I completed as incomplete \(stale read\)/);
    expect(found.stdout).toMatch(/shrunk in \d+ steps to 1 actor, \d+ actions/);
    const file = /replay +beamulator replay (\S+\.json)/.exec(found.stdout)![1]!;
    const replay = await runCli(['replay', file, '--db', db]);
    expect(replay.code).toBe(0);
    expect(replay.stdout).toContain('(stale-read, rerun): identical');
    const offline = await runCli(['replay', file, '--db', db, '--offline']);
    expect(offline.code).toBe(0);
  });
});
