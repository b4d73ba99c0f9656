import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exampleSim, runCli, tempDir } from '../support/cli.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const db = path.join(tmp.dir, 'runs.duckdb');

describe('beamulator run / runs / show (the real CLI against the bundled todo app)', () => {
  it('runs the example, records it, and lists and shows it', async () => {
    const run = await runCli(['run', exampleSim, '--seed', '11', '--duration', '4h', '--db', db]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/running todo: 9 actors, 4h of sim time, seed 11, against http:\/\/127\.0\.0\.1:\d+ \(run /);
    const runId = /^run (\S+)/m.exec(run.stdout)![1]!;
    expect(run.stdout).toMatch(/complaints {2}0 /);
    expect(run.stdout).toContain(`beamulator show ${runId} --db ${db}`);
    expect(run.stdout).toContain(`beamulator run examples/todo/todo.sim.ts --seed 11 --duration 4h`);

    const runs = await runCli(['runs', '--db', db]);
    expect(runs.code).toBe(0);
    expect(runs.stdout).toMatch(new RegExp(`^${runId} +run +todo .* 11\\n`, 'm'));

    const show = await runCli(['show', runId.slice(0, 17), '--db', db, '--actions', '5']);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain(`run ${runId}`);
    expect(show.stdout).toMatch(/#0 .*signup\(/);
    expect(show.stdout).toContain('[redacted]');

    const json = await runCli(['show', 'latest', '--db', db, '--json']);
    const parsed = JSON.parse(json.stdout);
    expect(parsed.run.runId).toBe(runId);
    expect(parsed.actors).toHaveLength(9);
    expect(parsed.actions.length).toBe(parsed.run.summary.actions);
    expect(parsed.actions[0].args.password).toBe('[redacted]');
  });

  it('exits 1 with the complaint when a planted bug is on, and 0 with --fail-on none', async () => {
    const run = await runCli(['run', exampleSim, '--seed', '11', '--db', db], { env: { TODO_BUGS: 'stale-read' } });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/urgent +\d+x the list shows a todo I completed as incomplete \(stale read\)/);
    expect(run.stdout).toMatch(/failed: \d+ complaints? at or above 'urgent'/);
    // The same bug as a parameter (the environment is the example's opt-in; --param is the way).
    const lenient = await runCli(['run', exampleSim, '--seed', '11', '--db', db, '--fail-on', 'none', '--param', 'bugs=stale-read']);
    expect(lenient.stdout).toMatch(/urgent +\d+x the list shows a todo I completed as incomplete \(stale read\)/);
    expect(lenient.code).toBe(0);
  });

  it('prints machine-readable results with --json', async () => {
    const run = await runCli(['run', exampleSim, '--seed', '5', '--duration', '1h', '--db', ':memory:', '--json']);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ seed: '5', status: 'completed', stopReason: 'duration', exitCode: 0 });
    expect(result.summary.actions).toBeGreaterThan(0);
    expect(run.stderr).toBe('');
  });
});
