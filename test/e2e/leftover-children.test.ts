// test/support/child-processes.ts: a CLI run a test leaves going (here: an assertion fails while
// it runs) is killed when that test ends, so it cannot keep its store locked for the next tests.
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { exampleSim, runCli, startCli, tempDir } from '../support/cli.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const db = path.join(tmp.dir, 'runs.duckdb');
let pid = 0;

it.fails('(fails on purpose) an assertion fails while a long run holds the store', async () => {
  const long = startCli(['run', exampleSim, '--db', db, '--duration', '100000h']);
  await long.waitForStderr('running todo');
  pid = long.child.pid!;
  expect('the run').toBe('finished');
});

it('the run was killed when that test ended: the process is gone and the store opens', async () => {
  expect(pid).toBeGreaterThan(0);
  expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
  const runs = await runCli(['runs', '--db', db, '--json']);
  expect(runs.code).toBe(0);
  // One status for every output: JSON and text both say abandoned, with the sim time its flushed
  // actions reached (none may have been flushed yet: test/store/round-trip.test.ts checks a later one).
  const [run] = JSON.parse(runs.stdout).runs;
  expect(run).toMatchObject({ status: 'abandoned', simDurationMs: run.summary.simDurationMs });
  const show = JSON.parse((await runCli(['show', 'latest', '--db', db, '--json', '-a', '0'])).stdout);
  expect(show.run).toMatchObject({ status: 'abandoned', simDurationMs: run.simDurationMs });
  expect((await runCli(['runs', '--db', db])).stdout).toMatch(/ abandoned +\S+ \S+ +\d+(ms|[dhms])/);
});
