import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exampleSim, runCli, startCli, tempDir } from '../support/cli.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const db = path.join(tmp.dir, 'runs.duckdb');

describe('beamulator run --speed (real CLI)', () => {
  it('paces a run, takes a speed change from the live dashboard, reports its lag in the summary and in stats, and replays it actor by actor', async () => {
    // 20 sim minutes at 600x (two seconds of wall time), sped up to 1200x from the live dashboard.
    const started = startCli(['run', exampleSim, '--seed', '5', '--duration', '20m', '--speed', '600', '--db', db, '--dashboard']);
    let stderr = '';
    started.child.stderr!.on('data', (d) => (stderr += d));
    await started.waitForStderr('running todo');
    const url = /dashboard +(http:\/\/\S+?)\/? /.exec(stderr)![1]!;
    const speed = (body: unknown) => fetch(`${url}/api/control/speed`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const refused = await speed({ speed: 0 });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toMatch(/cannot speed: (speed must be a number above 0|the run has not started yet)/);
    // The control is handed over right after the run-start line: retried until the run has it.
    let answer = await speed({ speed: 1200 });
    for (let i = 0; i < 50 && answer.status === 400; i++) answer = await new Promise((r) => setTimeout(r, 20)).then(() => speed({ speed: 1200 }));
    expect(answer.status).toBe(200);
    const run = await started.done;
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^ {2}pace +speed 1200x, lag p50 \d+\.\d ms, p99 \d+\.\d ms, max \d+\.\d ms over \d+ turns$/m);
    const runId = /^run (\S+)/m.exec(run.stdout)![1]!;

    const stats = await runCli(['stats', runId, '--db', db]);
    expect(stats.code).toBe(0);
    expect(stats.stdout).toMatch(/paced \(lag: actual minus intended dispatch time of each turn, wall ms\)\n {2}speed 600x \(1200x at the end\), 1 pause\/speed change: lag p50 [\d.]+ +p99 [\d.]+ +max [\d.]+ over \d+ turns/);
    const json = JSON.parse((await runCli(['stats', runId, '--db', db, '--json'])).stdout);
    expect(json.pace).toEqual([expect.objectContaining({ runId, speed: 600, endSpeed: 1200, changes: 1 })]);
    expect(json.pace[0].turns).toBeGreaterThan(0);
    expect(json.pace[0].lagMaxMs).toBeGreaterThanOrEqual(json.pace[0].lagP99Ms);

    // Rerun (in virtual time) offline: the recorded answers are found by each actor's own n-th action.
    const replay = JSON.parse((await runCli(['replay', runId, '--db', db, '--offline', '--json'])).stdout);
    expect(replay).toMatchObject({ identical: true, exitCode: 0, parentRunId: runId });
    expect(replay.compared).toBe(replay.original);
    expect(replay.compared).toBeGreaterThan(0);
  });
});
