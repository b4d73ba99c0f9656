import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSimulation, type TestRun } from 'beamulator/vitest';
import type { ActionRecord } from '../../src/store/records.ts';
import todo from '../../examples/todo/todo.sim.ts';
import { exampleFile } from './helpers.ts';

/** The message of the assertion error an async assertion rejects with (fails the test if it resolves). */
async function asyncFailureOf(assertion: () => Promise<unknown>): Promise<string> {
  try {
    await assertion();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the assertion to fail, but it passed');
}

/** The handle with one action's result changed: the replay (which gets the real answer) diverges there. */
function withEditedResult(run: TestRun, seq: number): TestRun {
  const edit = (a: ActionRecord): ActionRecord => (a.seq === seq ? { ...a, result: { edited: true } } : a);
  return { ...run, actions: run.actions.map(edit) };
}

describe('toReplayIdentically', () => {
  let run: TestRun;
  let kept: TestRun;
  beforeAll(async () => {
    run = await runSimulation(todo, { seed: 7, duration: '1h', file: exampleFile });
    kept = await runSimulation(todo, { seed: 7, duration: '1h', file: exampleFile, keep: true });
  });
  afterAll(() => {
    if (kept?.db) rmSync(path.dirname(kept.db), { recursive: true, force: true });
  });

  it('the handle keeps the rows a replay needs: its run row and its exchanges', () => {
    expect(run.run.runId).toBe(run.runId);
    expect(run.run.seed).toBe('7');
    expect(run.exchanges.length).toBeGreaterThan(0);
    expect(run.exchanges.every((e) => e.runId === run.runId)).toBe(true);
  });

  it('passes for an unchanged run: offline, in log mode, and against the target the simulation starts again', async () => {
    expect(run.actions.length).toBeGreaterThan(10);
    await expect(run).toReplayIdentically({ offline: true });
    await expect(run).toReplayIdentically({ offline: true, mode: 'log' });
    await expect(run).toReplayIdentically();
    await expect(kept).toReplayIdentically({ offline: true });
  });

  it('fails with the first divergence, the count, run id, seed and reproduce command (in-memory run)', async () => {
    const target = run.actions[5]!;
    const edited = withEditedResult(run, target.seq);
    const actor = run.actors.find((a) => a.actorId === target.actorId)!.name;
    const message = await asyncFailureOf(() => expect(edited).toReplayIdentically({ offline: true, simulation: todo }));
    expect(message).toContain(`expected run ${run.runId} to replay identically (rerun, offline), but it diverged: 1 divergence\n`);
    expect(message).toContain(`diverged at action #${target.seq}`);
    expect(message).toContain('first divergence: the target answered differently');
    expect(message).toMatch(new RegExp(`#${target.seq}  \\d+:\\d\\d:\\d\\d  ${actor}  ${target.action}\\(`));
    expect(message).toContain('original → replay');
    expect(message).toContain('result.edited: true → (absent)');
    expect(message).toContain(`run        ${run.runId} (simulation todo)`);
    expect(message).toContain('seed       7 (from options.seed)');
    expect(message).toContain(`reproduce  ${run.reproduce}`);
    expect(message).toContain('replay     recorded in memory only');
    expect(message).toContain('test/vitest/to-replay-identically.test.ts');
  });

  it('a kept run: the message has the `beamulator replay <id> --db <file>` command and the replay run to inspect', async () => {
    const edited = withEditedResult(kept, kept.actions[3]!.seq);
    const message = await asyncFailureOf(() => expect(edited).toReplayIdentically({ offline: true, mode: 'log' }));
    expect(message).toContain(`  replay     npx beamulator replay ${kept.runId} --db ${kept.db} --mode log --offline\n`);
    expect(message).toMatch(new RegExp(`inspect    npx beamulator show \\S+ --db ${kept.db!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}  \\(the replay run\\)`));
    expect(message).toContain(`inspect    npx beamulator show ${kept.runId} --db`);
  });

  it('works with .not, and the simulation is loaded from run.file when the handle is a copy', async () => {
    await expect(withEditedResult(run, run.actions[0]!.seq)).not.toReplayIdentically({ offline: true });
    const message = await asyncFailureOf(() => expect(run).not.toReplayIdentically({ offline: true }));
    expect(message).toContain(`expected run ${run.runId} not to replay identically, but all ${run.actions.length} actions matched (rerun, offline)`);
  });

  it('says what is missing for a run without its rows', async () => {
    const { run: _run, exchanges: _exchanges, ...bare } = run;
    await expect(expect(bare).toReplayIdentically()).rejects.toThrow(/has no `run` row or no `exchanges`/);
    await expect(expect(Promise.resolve(run)).toReplayIdentically()).rejects.toThrow(/did you forget `await runSimulation/);
  });
});
