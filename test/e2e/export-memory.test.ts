/**
 * A big run exports in bounded memory: `export` and `show --json` stream the run's rows from the
 * store to the file (or stdout) a chunk at a time. The bound is on the spawned CLI's peak RSS,
 * reported by a preloaded hook (test/support/max-rss.mjs) as it exits: memory, unlike time, does
 * not depend on the machine's load. Before streaming, this run took 1.2 GB to export and 0.54 GB
 * to show as JSON; streamed, about 0.21 GB each; with each DuckDB chunk released as soon as its
 * rows are read (and a 64 MB DuckDB memory limit for export), 0.18 GB to export and 0.15 GB to show.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { root, runCli, tempDir, type CliResult } from '../support/cli.ts';

const sim = path.join(root, 'test/e2e/export-memory/bulk.sim.ts');
const maxRssHook = path.join(root, 'test/support/max-rss.mjs');
const tmp = tempDir();
afterAll(() => tmp.cleanup());
const db = path.join(tmp.dir, 'runs.duckdb');

/** The acceptance bound of issue 11: a 10k-action run exports in under 300 MB. */
const boundMb = 300;

/** The peak RSS the hook printed, in MB. */
function peakMb(result: CliResult): number {
  const match = /max-rss-kb (\d+)/.exec(result.stderr);
  expect(match, `no max-rss line in stderr: ${result.stderr}`).not.toBeNull();
  return Number(match![1]) / 1024;
}

describe('export memory', () => {
  it('exports a 10,000-action run, and shows it as JSON, in under 300 MB', async () => {
    const run = await runCli(['run', sim, '--seed', '1', '--max-actions', '10000', '--duration', '30d', '--db', db]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('actions     10000');

    const file = path.join(tmp.dir, 'bulk.json');
    const exported = await runCli(['export', 'latest', '--db', db, '-o', file], { nodeArgs: ['--import', maxRssHook] });
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toContain('10000 actions');
    // About 8.8 KB per action (the answer twice: as the result and as the response body).
    expect(statSync(file).size).toBeGreaterThan(80_000_000);
    expect(peakMb(exported)).toBeLessThan(boundMb);

    const shown = await runCli(['show', 'latest', '--db', db, '--json'], { nodeArgs: ['--import', maxRssHook] });
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout.length).toBeGreaterThan(60_000_000);
    expect(shown.stdout.trimEnd().endsWith('}')).toBe(true);
    expect(peakMb(shown)).toBeLessThan(boundMb);
  });
});
