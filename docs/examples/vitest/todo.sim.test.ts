// The worked example of docs/vitest.md: the bundled todo simulation as vitest tests.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { runSimulation, type TestInvariant, type TestRun } from 'beamulator/vitest';
import todo from '../../../examples/todo/todo.sim.ts';
import { startTodoApp, type TodoApp } from '../../../fixtures/todo-app/server.ts';

// Where the simulation lives, so failure messages can print a `beamulator run` command line.
const file = 'examples/todo/todo.sim.ts';

test('a simulated day of the todo app: no complaints, no failed actions', async () => {
  // The simulation starts its own todo app and stops it at the end. Its planted bugs are off
  // unless its `bugs` parameter says otherwise, which reads TODO_BUGS when nothing sets it;
  // reproduceEnv puts TODO_BUGS in the printed rerun line (the reproduce command sets the parameter).
  const run = await runSimulation(todo, { file, duration: '8h', reproduceEnv: ['TODO_BUGS'] });
  expect(run).toHaveNoComplaints();
  expect(run).toHaveOutcomes({ error: 0, crash: 0 });
});

/** Every todo an actor completes or renames was created earlier in the same run. */
const onlyKnownTodos: TestInvariant<TestRun> = (run) => {
  const created = new Set<string>();
  for (const action of run.actions) {
    if (action.outcome !== 'ok') continue;
    if (action.action === 'createTodo') created.add((action.result as { id: string }).id);
    if (action.action === 'completeTodo' || action.action === 'renameTodo') {
      const { id } = action.args as { id: string };
      if (!created.has(id)) return `action #${action.seq} (${action.action}) touched todo ${id}, which no one created`;
    }
  }
};

test('a run replays identically: same actions, same answers, same decisions', async () => {
  const run = await runSimulation(todo, { file, duration: '2h' });
  // Offline: the recorded answers are served back; the simulation must make the same actions.
  await expect(run).toReplayIdentically({ offline: true });
  // Against the todo app the simulation starts again: the app must answer the same too.
  await expect(run).toReplayIdentically();
});

test('actors only touch todos that exist', async () => {
  const run = await runSimulation(todo, { file, duration: '4h' });
  expect(run).toSatisfyInvariant(onlyKnownTodos);
});

test("the simulation's bugs parameter switches the stale read on", async () => {
  const run = await runSimulation(todo, { file, seed: 1, params: { bugs: ['stale-read'] } });
  expect(run).toHaveComplained(/stale read/, { severity: 'urgent' });
});

describe('against a todo app the test starts, with the stale-read bug planted', () => {
  let app: TodoApp;
  beforeAll(async () => {
    app = await startTodoApp({ bugs: ['stale-read'] });
  });
  afterAll(() => app.stop());
  beforeEach(() => app.reset());

  test('the actors notice the stale read, and nothing else', async () => {
    const run = await runSimulation(todo, { file, target: app.url, seed: 1 });
    expect(run).toHaveComplained(/stale read/, { severity: 'urgent' });
    expect(run).not.toHaveComplained(/tenant leak|lost update/);
  });
});
