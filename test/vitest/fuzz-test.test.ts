import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkReplayFile, fuzzTest, runFuzzTest } from 'beamulator/vitest';
import { readReplayFile } from '../../src/replay/replay-file.ts';
import { withEnv } from './helpers.ts';
import { noTimeCap } from '../support/no-time-cap.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'beamulator-fuzz-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fuzzTest', () => {
  it('fails with the shrunk run, its replay file and the replay command; the file replays identically', async () => {
    const { failed, message, result, db } = await runFuzzTest('fuzz/stale-read.fuzz.ts', { runs: 300, seed: 1, ...noTimeCap, replaysDir: dir, reproduceRuns: 2 });
    expect(failed).toBe(true);
    expect(db).toBeNull();
    expect(result.replayFile).not.toBeNull();
    const file = result.replayFile!;
    expect(path.dirname(file)).toBe(dir);
    expect(existsSync(file)).toBe(true);
    expect(message).toMatch(new RegExp(`^fuzz target 'stale-read' failed: found in \\d+ runs? \\(seed 1\\), shrunk to ${result.actions.length} actions? of \\d+ actors?`));
    expect(message).toContain('(stale read)');
    expect(message).toContain('  reproduces 2/2 from its replay file in fresh processes (2/2 identical)\n  shrunk run:\n    #0  ');
    expect(message).toContain('"password":"[redacted]"');
    expect(message).not.toMatch(/"password":"(?!\[redacted\])/);
    expect(message).toContain(`  replay file ${file}`);
    expect(message).toContain(`  replay     npx beamulator replay ${file}\n`);
    expect(message).toContain(`  inspect    fuzz run ${result.runId} was recorded in memory only`);
    expect(message).toContain('  reproduce  npx beamulator fuzz fuzz/stale-read.fuzz.ts --seed 1 --runs 300');

    // The replay file is an ordinary replay file of kind 'fuzz': replayTests replays it like any other.
    const bundle = await readReplayFile(file);
    expect(bundle.run.kind).toBe('fuzz');
    const outcome = await checkReplayFile(file);
    expect(outcome.message).toMatch(/identical/);
    expect(outcome.pass).toBe(true);
  });

  it('passes when nothing is found, and takes its seed from BEAMULATOR_SEED', async () => {
    const { failed, message, result } = await withEnv({ BEAMULATOR_SEED: '5' }, () =>
      runFuzzTest('fuzz/bugs-off.fuzz.ts', { runs: 5, timeLimitMs: 20_000, replaysDir: false }));
    expect(failed).toBe(false);
    expect(result.seed).toBe(5);
    const c = result.coverage;
    expect(message).toBe(`no failure in ${result.runs} runs (seed 5): ${c.actions} actions by ${c.actors} actors, ${c.overlappingSteps} overlapping steps, ${c.pairs.length} behavior/action pairs, ok ${c.outcomes.ok} error ${c.outcomes.error} crash ${c.outcomes.crash}`);
    expect(c.runs).toBe(result.runs);
    expect(c.actions).toBeGreaterThan(0);
  });

  it('refuses a file that is not a fuzz target', async () => {
    await expect(runFuzzTest('examples/todo/todo.sim.ts', { runs: 1 })).rejects.toThrow(/its default export is a simulation, not a fuzz target/);
  });
});

// fuzzTest itself, as a user writes it: a target without its bug finds nothing and passes.
fuzzTest('fuzzTest: the todo app with no bugs on survives a short campaign', 'fuzz/bugs-off.fuzz.ts', { runs: 5, seed: 3, replaysDir: false, timeLimitMs: 20_000 });
