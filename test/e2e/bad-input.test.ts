import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { exampleSim, root, runCli, startCli, tempDir } from '../support/cli.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const sims = path.join(root, 'test/e2e/sims');

/** A user-facing error: one line on stderr starting with `beamulator:` (besides the run's start line). */
function expectOneLineError(result: { stdout: string; stderr: string }, pattern: RegExp) {
  const lines = result.stderr.trim().split('\n').filter((line) => !line.startsWith('running '));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^beamulator: cannot /);
  expect(lines[0]).toMatch(pattern);
}

describe('bad input gets one clear line and a documented exit code', () => {
  const db = path.join(tmp.dir, 'bad.duckdb');

  it('a missing simulation file: exit 2', async () => {
    const r = await runCli(['run', 'nope.sim.ts', '--db', db]);
    expect(r.code).toBe(2);
    expectOneLineError(r, /cannot load simulation nope\.sim\.ts: no such file\. Check the path/);
  });

  it('a file that does not export a simulation: exit 2', async () => {
    const r = await runCli(['run', path.join(sims, 'no-export.sim.ts'), '--db', db]);
    expect(r.code).toBe(2);
    expectOneLineError(r, /does not export a simulation \(exports: name\)\. Add `export default defineSimulation/);
  });

  it('a file with a syntax error: exit 2', async () => {
    const broken = path.join(tmp.dir, 'broken.sim.ts');
    writeFileSync(broken, "import { defineSimulation } from 'beamulator';\nexport default defineSimulation({ name: 'broken', population: [ });\n");
    const r = await runCli(['run', broken, '--db', db]);
    expect(r.code).toBe(2);
    expectOneLineError(r, /cannot load simulation .*broken\.sim\.ts: syntax error at 2:\d+: Unexpected "}"\. Fix the error in the file$/);
  });

  it('a file loaded as CommonJS (no "type": "module" around it) runs, and so does the same file as .mts', async () => {
    const source = `import { defineBehavior, defineSimulation } from '${path.join(root, 'dist/index.js')}';
const b = defineBehavior({ name: 'B', initialState: {}, act: (ctx) => ctx.stop() });
export default defineSimulation({ name: 'cjs', population: [{ behavior: b, count: 1 }] });
`;
    for (const name of ['cjs.sim.ts', 'cjs.sim.mts']) {
      const file = path.join(tmp.dir, name);
      writeFileSync(file, source);
      const r = await runCli(['run', file, '--db', ':memory:', '--json'], { cwd: tmp.dir });
      expect(r.stderr).not.toMatch(/cannot/);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).summary.actors).toBe(1);
    }
  });

  it('a reader that goes away (| head) ends the output quietly, not with an EPIPE crash', async () => {
    const pipeDb = path.join(tmp.dir, 'pipe.duckdb');
    expect((await runCli(['run', exampleSim, '--db', pipeDb, '--seed', '1'])).code).toBe(0); // 8h: more output than a pipe holds
    const { child, done } = startCli(['show', 'latest', '--db', pipeDb, '--all']);
    child.stdout!.once('data', () => child.stdout!.destroy());
    const r = await done;
    expect(r.stderr).not.toMatch(/EPIPE|Error/);
    expect(r.code).toBe(0);
  });

  it('an unknown behavior, in the file or in --actors: exit 2 naming the known ones', async () => {
    const inFile = await runCli(['run', path.join(sims, 'unknown-behavior.sim.ts'), '--db', db]);
    expect(inFile.code).toBe(2);
    expectOneLineError(inFile, /unknown behavior 'Walkr'\. Known behaviors: Walker/);
    const inFlag = await runCli(['run', exampleSim, '--db', db, '--actors', 'Organiser=2']);
    expect(inFlag.code).toBe(2);
    expectOneLineError(inFlag, /'Organiser'.*Known behaviors: Organizer, Procrastinator/);
  });

  it('an invalid duration or option value: exit 2', async () => {
    const r = await runCli(['run', exampleSim, '--db', db, '--duration', 'soon']);
    expect(r.code).toBe(2);
    expectOneLineError(r, /cannot read duration 'soon': not a duration\. Use .*'1h30m'/);
    const fail = await runCli(['run', exampleSim, '--db', db, '--fail-on', 'loud']);
    expect(fail.code).toBe(2);
    expectOneLineError(fail, /cannot use --fail-on 'loud'\. Use one of: urgent, annoying, justsayin, none/);
    const conc = await runCli(['run', exampleSim, '--db', db, '--concurrency', '0']);
    expect(conc.code).toBe(2);
    expect(conc.stderr).toMatch(/--concurrency.*expected a whole number >= 1/);
  });

  it('an unknown run id: exit 5', async () => {
    await runCli(['run', exampleSim, '--db', db, '--duration', '10m', '--seed', '1']);
    const r = await runCli(['show', 'zzz', '--db', db]);
    expect(r.code).toBe(5);
    expectOneLineError(r, /cannot find run 'zzz'.*beamulator runs/);
  });

  it('a store that does not exist yet, for show: exit 3 with a hint', async () => {
    const r = await runCli(['show', 'latest', '--db', path.join(tmp.dir, 'missing.duckdb')]);
    expect(r.code).toBe(3);
    expectOneLineError(r, /no such file.*beamulator run/);
  });

  it('a corrupt store: exit 3', async () => {
    const corrupt = path.join(tmp.dir, 'corrupt.duckdb');
    writeFileSync(corrupt, 'this is not a database'.repeat(500));
    const r = await runCli(['runs', '--db', corrupt]);
    expect(r.code).toBe(3);
    expectOneLineError(r, /corrupt\.duckdb/);
  });

  it('an unreachable target with a reset: exit 4 before the run, with one line, and nothing recorded', async () => {
    const before = (await runCli(['runs', '--db', db, '--json'])).stdout;
    const r = await runCli(['run', exampleSim, '--db', db, '--duration', '1h', '--target', 'http://127.0.0.1:9']);
    expect(r.code).toBe(4);
    expectOneLineError(r, /^beamulator: cannot reset the target at http:\/\/127\.0\.0\.1:9: POST \/__admin\/reset got no answer \(.*\)\. Is the target running\?/);
    expect((await runCli(['runs', '--db', db, '--json'])).stdout).toBe(before);
  });

  it('an unreachable target without a reset: actions are recorded as errors, the run goes on, exit 4', async () => {
    const r = await runCli(['run', path.join(sims, 'down-complains.sim.ts'), '--db', db, '--target', 'http://127.0.0.1:9']);
    expect(r.code).toBe(4);
    const show = JSON.parse((await runCli(['show', 'latest', '--db', db, '--json'])).stdout);
    expect(show.actions.length).toBeGreaterThan(0);
    expect(show.actions.every((a: { outcome: string }) => a.outcome === 'error')).toBe(true);
  });

  it('an unreachable target the actors complain about: exit 4, and no line that promises exit 1', async () => {
    const r = await runCli(['run', path.join(sims, 'down-complains.sim.ts'), '--db', db, '--target', 'http://127.0.0.1:9']);
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/complaints {2}\d+ {2}\(urgent [1-9]/);
    expect(r.stdout).not.toContain('exit 1');
    expectOneLineError(r, /cannot reach the target: every action failed/);
  });

  it('a behavior that throws: recorded as crashes, actors restart, exit 6', async () => {
    const r = await runCli(['run', path.join(sims, 'crashing.sim.ts'), '--db', db]);
    expect(r.code).toBe(6);
    expect(r.stdout).toMatch(/crashes {5}\d+ behavior crash/);
    expectOneLineError(r, /^beamulator: cannot run crashing cleanly: your code crashed \d+ times, first behavior Fragile's act\(\) \(turn 3\) by Fragile 1 threw TypeError: cannot read the todo list: undefined is not iterable \(at test\/e2e\/sims\/crashing\.sim\.ts:9:\d+\)\. Fix that code; `beamulator show \S+ --db \S+` lists the crashes$/);
    const runId = /^run (\S+)/m.exec(r.stdout)![1]!;
    const show = JSON.parse((await runCli(['show', runId, '--db', db, '--json'])).stdout);
    const crashes = show.events.filter((e: { kind: string }) => e.kind === 'crash');
    // Each crash restarts the actor with a fresh state, so it crashes again on its third turn after that.
    expect(crashes.length).toBeGreaterThanOrEqual(4);
    expect(show.events.filter((e: { kind: string }) => e.kind === 'restart')).toHaveLength(crashes.length);
    const text = await runCli(['show', runId, '--db', db]);
    expect(text.stdout).toMatch(/crashes\n +\S+ +Fragile 1 +cannot read the todo list: undefined is not iterable \(turn 3\) at test\/e2e\/sims\/crashing\.sim\.ts:9:\d+\n/);
  });

  it('a store locked by a run in progress: exit 3 naming the PID; Ctrl-C saves the run (exit 130)', async () => {
    const lockDb = path.join(tmp.dir, 'locked.duckdb');
    const long = startCli(['run', exampleSim, '--db', lockDb, '--duration', '100000h', '--seed', '3']);
    await long.waitForStderr('running todo');
    const reader = await runCli(['runs', '--db', lockDb]);
    expect(reader.code).toBe(3);
    expectOneLineError(reader, new RegExp(`process ${long.child.pid}\\b.*Wait for it to finish`));
    long.child.kill('SIGINT');
    const stopped = await long.done;
    expect(stopped.code).toBe(130);
    expect(stopped.stdout).toMatch(/interrupted: the run was stopped early by SIGINT; everything recorded so far is saved/);
    const { runs } = JSON.parse((await runCli(['runs', '--db', lockDb, '--json'])).stdout);
    expect(runs[0]).toMatchObject({ status: 'stopped', stopReason: 'interrupted' });
    expect(runs[0].summary.actions).toBeGreaterThan(0);
  });
});
