/** `beamulator run --resume`: a stopped run continued against the target it ran against equals a straight run. */
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openStore, runSimulation, type ActionRecord } from 'beamulator';
import todo from '../../examples/todo/todo.sim.ts';
import { startTodoApp } from '../../fixtures/todo-app/server.ts';
import { exampleSim, runCli, tempDir } from '../support/cli.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const logOf = (actions: ActionRecord[]) => actions.map(({ seq, actorId, action, args, outcome, result, simTime, step }) => ({ seq, actorId, action, args, outcome, result, simTime, step }));

it('a run stopped after 60 actions, resumed with the CLI against its target: the two logs equal a straight run', async () => {
  const db = path.join(tmp.dir, 'resume.duckdb');
  const [app, fresh] = await Promise.all([startTodoApp(), startTodoApp()]);
  try {
    const straight = await runSimulation(todo, { target: fresh.url, db, seed: 11, duration: '3h' });
    const first = await runSimulation(todo, { target: app.url, db, seed: 11, duration: '3h', maxActions: 60, file: exampleSim });
    const resumed = await runCli(['run', '--resume', first.runId, '--target', app.url, '--db', db, '--json'], { cwd: tmp.dir });
    expect(resumed.code, resumed.stderr).toBe(0);
    const second = JSON.parse(resumed.stdout) as { runId: string; stopReason: string };
    expect(second.stopReason).toBe('duration');
    const store = await openStore(db, { readOnly: true });
    try {
      const [a, b, whole] = await Promise.all([store.actions(first.runId), store.actions(second.runId), store.actions(straight.runId)]);
      expect(a).toHaveLength(60);
      expect(b.length).toBeGreaterThan(20);
      expect(logOf([...a, ...b])).toEqual(logOf(whole));
      expect((await store.getRun(second.runId))?.parentRunId).toBe(first.runId);
      // The simulation was found from the run, as replay finds it.
      expect((await store.getRun(second.runId))?.file).toBe(path.relative(tmp.dir, exampleSim));
    } finally {
      await store.close();
    }
  } finally {
    await Promise.all([app.stop(), fresh.stop()]);
  }
}, 60_000);
