import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runSimulation, type TestRun } from 'beamulator/vitest';
import { loadSimulation } from '../../src/engine/load-simulation.ts';
import { openInstanceCount } from '../../src/store/instance-cache.ts';
import todo from '../../examples/todo/todo.sim.ts';
import { startTodoApp, type TodoApp } from '../../fixtures/todo-app/server.ts';
import { exampleFile, failureOf, runShell, withEnv } from './helpers.ts';

const staleRead = 'the list shows a todo I completed as incomplete (stale read)';

/** The action log without the columns that measure or name a run (the determinism contract). */
const logOf = (run: TestRun) => run.actions.map(({ runId: _r, wallStartUs: _s, wallEndUs: _e, latencyMs: _l, ...rest }) => rest);

describe('runSimulation from beamulator/vitest: the bundled todo app, bugs off', () => {
  let run: TestRun;
  beforeAll(async () => {
    // The example starts its own todo app; TODO_BUGS unset means every planted bug is off.
    run = await withEnv({ TODO_BUGS: undefined, BEAMULATOR_SEED: undefined, BEAMULATOR_KEEP_RUNS: undefined },
      () => runSimulation(todo, { seed: 42, duration: '8h', file: exampleFile }));
  });

  it('has no complaints and no failed actions', () => {
    expect(run).toHaveNoComplaints();
    expect(run).toHaveOutcomes({ error: 0, crash: 0 });
    expect(run).not.toHaveComplained(/stale read/);
    expect(run).toSatisfyInvariant((r) => r.actions.length === r.summary.actions || `read back ${r.actions.length} of ${r.summary.actions} actions`);
    // The invariant is typed by what expect() received: a TestRun has `result`.
    expect(run).toSatisfyInvariant((r) => r.result.status === 'completed', 'completed');
  });

  it('returns a handle with the rows read back from the store', () => {
    expect(run.kind).toBe('run');
    expect(run.seed).toBe('42');
    expect(run.seedSource).toBe('options');
    expect(run.result.runId).toBe(run.runId);
    expect(run.result.status).toBe('completed');
    expect(run.simulation).toBe('todo');
    expect(run.actions.length).toBe(run.summary.actions);
    expect(run.actions.length).toBeGreaterThan(100);
    expect(run.actors.map((a) => a.behavior).sort()).toEqual([...Array(3).fill('Organizer'), ...Array(6).fill('Procrastinator')]);
    expect(run.events.filter((e) => e.kind === 'spawn')).toHaveLength(9);
    expect(run.complaints).toEqual([]);
    expect(run.db).toBeNull();
    expect(run.file).toBe(exampleFile);
    // Every parameter, defaults too: neither the environment nor a changed default can alter the repeat.
    expect(run.reproduce).toBe(`npx beamulator run ${exampleFile} --seed 42 --duration 8h --param bugs= --param teams=3`);
    expect(run.run.params).toEqual({ bugs: [], teams: 3 });
    expect(run.result.params).toEqual({ bugs: [], teams: 3 });
  });

  it('accepts a simulation file path, and what loadSimulation returned', async () => {
    const byPath = await runSimulation(exampleFile, { seed: 42, duration: '2h' });
    expect(byPath.file).toBe(exampleFile);
    expect(byPath.reproduce).toBe(`npx beamulator run ${exampleFile} --seed 42 --duration 2h --param bugs= --param teams=3`);
    const loaded = await runSimulation(await loadSimulation(exampleFile), { seed: 42, duration: '2h' });
    expect(logOf(loaded)).toEqual(logOf(byPath));
    expect(byPath).toHaveNoComplaints();
  });

  it("does not pass on the engine's replay/fuzz options, which the reproduce command could not repeat", async () => {
    const run = await runSimulation(todo, { seed: 3, duration: '1h', population: [], kind: 'fuzz' } as never);
    expect(run.kind).toBe('run');
    expect(run.actions.length).toBeGreaterThan(0); // the simulation's own population ran
  });

  it('without a file, the reproduce line is the equivalent runSimulation call', async () => {
    const short = await runSimulation(todo, { seed: 'abc', duration: '30m', concurrency: 2 });
    expect(short.reproduce).toBe(`runSimulation(sim, { seed: "abc", duration: '30m', params: {"bugs":[],"teams":3}, concurrency: 2 })`);
    expect(short.notes?.join('\n')).toMatch(/pass `file` in the options/);
  });
});

describe('runSimulation against a todo app with the stale-read bug on', () => {
  let app: TodoApp;
  beforeAll(async () => {
    app = await startTodoApp({ bugs: ['stale-read'] });
  });
  afterAll(() => app.stop());
  beforeEach(() => app.reset());

  it('records the stale read as complaints', async () => {
    const run = await runSimulation(todo, { seed: 1, duration: '8h', target: app.url, file: exampleFile });
    expect(run).toHaveComplained(/stale read/);
    expect(run).toHaveComplained('completed as incomplete', { severity: 'urgent' });
    expect(run).not.toHaveComplained(/tenant leak/);
    expect(run).not.toHaveNoComplaints();
    expect(run).not.toHaveNoComplaints({ severity: 'urgent' });
    expect(run).toSatisfyInvariant((r) => r.complaints.every((c) => c.message === staleRead));
    expect(run).not.toSatisfyInvariant((r) => r.complaints.length === 0, 'no complaints');
    expect(run.reproduce).toBe(`npx beamulator run ${exampleFile} --seed 1 --duration 8h --param bugs= --param teams=3 --target ${app.url}`);
  });

  it('its reproduce command repeats the run exactly (same complaints from the CLI)', async () => {
    const run = await runSimulation(todo, { seed: 1, duration: '8h', target: app.url, file: exampleFile });
    app.reset();
    const cli = await runShell(`${run.reproduce} --db :memory: --json --fail-on none`);
    expect(cli.code, cli.stderr).toBe(0);
    const repeated = JSON.parse(cli.stdout) as { seed: string; summary: { actions: number; complaints: number } };
    expect(repeated.seed).toBe('1');
    expect(repeated.summary.actions).toBe(run.summary.actions);
    expect(repeated.summary.complaints).toBe(run.complaints.length);
  });
});

describe('params: the planted bug as a parameter of the example', () => {
  it('switches the bug on, and the reproduce command (which sets it) repeats the run whatever the environment holds', async () => {
    const run = await withEnv({ TODO_BUGS: undefined }, () => runSimulation(todo, { seed: 1, duration: '4h', file: exampleFile, params: { bugs: ['stale-read'] } }));
    expect(run).toHaveComplained(/stale read/);
    expect(run.reproduce).toBe(`npx beamulator run ${exampleFile} --seed 1 --duration 4h --param bugs=stale-read --param teams=3`);
    expect(run.run.params).toEqual({ bugs: ['stale-read'], teams: 3 });
    // Another bug in the environment changes nothing: the command sets every parameter itself.
    const cli = await runShell(`${run.reproduce} --db :memory: --json --fail-on none`, { TODO_BUGS: 'tenant-leak' });
    expect(cli.code, cli.stderr).toBe(0);
    const repeated = JSON.parse(cli.stdout) as { params: unknown; summary: { actions: number; complaints: number } };
    expect(repeated.params).toEqual({ bugs: ['stale-read'], teams: 3 });
    expect(repeated.summary).toMatchObject({ actions: run.summary.actions, complaints: run.complaints.length });
  });

  it('a value of the wrong type fails before anything runs, naming the parameter', async () => {
    const error = await runSimulation(todo, { seed: 1, params: { teams: 'many' as unknown as number } }).then(() => null, (e: unknown) => e);
    expect((error as Error).message).toMatch(/^cannot run todo: params\.teams = "many": expected a number\. teams: how many teams/);
  });
});

describe('reproduceEnv: environment the simulation reads', () => {
  it('goes in front of the rerun line, and of the reproduce command unless a parameter reads it; the command repeats the run', async () => {
    const run = await withEnv({ TODO_BUGS: 'stale-read', OTHER_VAR: 'x y' },
      () => runSimulation(todo, { seed: 1, duration: '4h', file: exampleFile, reproduceEnv: ['TODO_BUGS', 'OTHER_VAR', 'UNSET_VAR'] }));
    // The example reads TODO_BUGS through its parameter's `env`: the command sets the parameter instead.
    expect(run.reproduce).toBe(`OTHER_VAR='x y' npx beamulator run ${exampleFile} --seed 1 --duration 4h --param bugs=stale-read --param teams=3`);
    expect(run).toHaveComplained(/stale read/);
    expect(run.env).toEqual({ TODO_BUGS: 'stale-read', OTHER_VAR: 'x y' });
    // The test itself may read the variables: its rerun line keeps them all.
    expect(failureOf(() => expect(run).toHaveNoComplaints())).toContain("rerun      TODO_BUGS=stale-read OTHER_VAR='x y' npx vitest run test/vitest/run-simulation.test.ts");
    const cli = await runShell(`${run.reproduce} --db :memory: --json --fail-on none`, { TODO_BUGS: '' });
    expect(cli.code, cli.stderr).toBe(0);
    const repeated = JSON.parse(cli.stdout) as { summary: { actions: number; complaints: number } };
    expect(repeated.summary).toMatchObject({ actions: run.summary.actions, complaints: run.complaints.length });
  });
});

describe('seed pinning with BEAMULATOR_SEED', () => {
  it('pins the seed of a run that gives none', async () => {
    const run = await withEnv({ BEAMULATOR_SEED: '4242' }, () => runSimulation(todo, { duration: '1h' }));
    expect(run.seed).toBe('4242');
    expect(run.seedSource).toBe('env');
    expect(run.result.seed).toBe('4242');
    const again = await withEnv({ BEAMULATOR_SEED: '4242' }, () => runSimulation(todo, { duration: '1h' }));
    expect(logOf(again)).toEqual(logOf(run));
  });

  it('loses to an explicit options.seed, like a seed given to a @fast-check/vitest test', async () => {
    const run = await withEnv({ BEAMULATOR_SEED: '4242' }, () => runSimulation(todo, { seed: 7, duration: '10m' }));
    expect(run.seed).toBe('7');
    expect(run.seedSource).toBe('options');
  });

  it('without either, draws a random seed and says how to pin it', async () => {
    const run = await withEnv({ BEAMULATOR_SEED: undefined }, () => runSimulation(todo, { duration: '10m' }));
    expect(run.seedSource).toBe('random');
    expect(run.seed).toMatch(/^\d+$/);
    expect(run.reproduce).toContain(`seed: "${run.seed}"`);
  });

  it('leaves process.env as it was', () => {
    expect(process.env.BEAMULATOR_SEED).toBeUndefined();
  });
});

describe('keeping runs for inspection', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('keep: true records into a temp DuckDB file, released after the call, that `beamulator show` opens', async () => {
    const run = await runSimulation(todo, { seed: 3, duration: '1h', keep: true, file: exampleFile });
    expect(run.db).not.toBeNull();
    dirs.push(path.dirname(run.db!));
    expect(existsSync(run.db!)).toBe(true);
    expect(openInstanceCount()).toBe(0); // this process holds no DuckDB file open any more
    // Another process can open it: the exact inspect command of the failure messages.
    const show = await runShell(`npx beamulator show ${run.runId} --db ${run.db} --json`);
    expect(show.code, show.stderr).toBe(0);
    expect(JSON.parse(show.stdout)).toMatchObject({ run: { runId: run.runId, seed: '3' } });
  });

  it('BEAMULATOR_KEEP_RUNS=1 keeps runs too; an explicit keep: false wins', async () => {
    const kept = await withEnv({ BEAMULATOR_KEEP_RUNS: '1' }, () => runSimulation(todo, { seed: 3, duration: '10m' }));
    expect(kept.db).toMatch(/beamulator-vitest-.*runs\.duckdb$/);
    dirs.push(path.dirname(kept.db!));
    const notKept = await withEnv({ BEAMULATOR_KEEP_RUNS: '1' }, () => runSimulation(todo, { seed: 3, duration: '10m', keep: false }));
    expect(notKept.db).toBeNull();
  });
});

describe('stopping a run', () => {
  it("an aborted signal (vitest's context.signal on a test timeout) stops the run, recorded so far", async () => {
    const controller = new AbortController();
    const run = await runSimulation(todo, {
      seed: 8, duration: '8h', signal: controller.signal,
      hooks: { onAction: (a) => { if (a.seq === 10) controller.abort(); } },
    });
    expect(run.result.status).toBe('stopped');
    expect(run.result.stopReason).toBe('interrupted');
    expect(run.actions.length).toBeGreaterThan(10);
    expect(run.actions.length).toBe(run.summary.actions);
  });
});

describe('errors from the run itself', () => {
  it('carry the seed and reproduce command', async () => {
    const error = await runSimulation(todo, { seed: 5, target: 'not a url', file: exampleFile }).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    const { message } = error as Error;
    expect(message).toMatch(/cannot use target 'not a url'/);
    expect(message).toContain('seed       5');
    expect(message).toContain(`reproduce  npx beamulator run ${exampleFile} --seed 5 --duration 8h --param bugs= --param teams=3 --target 'not a url'`);
  });
});
