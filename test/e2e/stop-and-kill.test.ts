// What a run keeps when it is stopped or killed, and that it never hangs, against real processes:
// the spawned CLI, the fixture todo app on loopback, a real DuckDB file (docs/exit-codes.md#signals).
//
// "Acknowledged" is defined by the target: the writer (sims/todo-writer.sim.ts) sends one request
// at a time, so when the target saw todo n+1, the CLI had finished todo n's action (and added its
// row) before. Todo n counts as acknowledged at the moment todo n+1 was created (its createdAt).
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTodoApp, type TodoApp } from '../../fixtures/todo-app/server.ts';
import { root, runCli, startCli, tempDir, type StartedCli } from '../support/cli.ts';
import { writer } from './sims/todo-writer.sim.ts';

const tmp = tempDir();
const writerSim = path.join(root, 'test/e2e/sims/todo-writer.sim.ts');
const stuckSim = path.join(root, 'test/e2e/sims/stuck.sim.ts');
let app: TodoApp;
beforeAll(async () => {
  app = await startTodoApp({ latencyMs: 5, mintIds: true });
});
afterAll(async () => {
  await app.stop();
  tmp.cleanup();
});

let dbs = 0;
const freshDb = () => path.join(tmp.dir, `runs-${++dbs}.duckdb`);

interface SeenTodo {
  n: number;
  createdAt: number;
}

/** The writer's todos as the target holds them, in order. */
async function seenByTarget(): Promise<SeenTodo[]> {
  const res = await fetch(`${app.url}/todos`, { headers: { 'x-user': writer.username, 'x-password': writer.password } });
  const todos = (await res.json()) as Array<{ title: string; createdAt: string }>;
  return todos.map((t) => ({ n: Number(t.title.replace('todo ', '')), createdAt: Date.parse(t.createdAt) })).sort((a, b) => a.n - b.n);
}

/** The todos acknowledged at `moment` (epoch ms): those the target saw a later one after, by then. */
function acknowledgedAt(seen: readonly SeenTodo[], moment: number): number[] {
  return seen.filter((t, i) => i + 1 < seen.length && seen[i + 1]!.createdAt <= moment).map((t) => t.n);
}

/** Starts the writer against a reset target; resolves once the target has seen `todos` of its todos. */
async function startWriter(db: string, todos: number): Promise<StartedCli> {
  app.reset();
  const cli = startCli(['run', writerSim, '--db', db, '--target', app.url, '--seed', '1']);
  await cli.waitForStderr('running todo-writer');
  while ((await seenByTarget().catch(() => [])).length < todos) await sleep(50);
  return cli;
}

/** The run's status in `runs --json`, `show --json` and `runs`, and the todo numbers its rows hold. */
async function stored(db: string): Promise<{ statuses: string[]; stopReason: string | null; events: Array<{ kind: string; detail: Record<string, unknown> }>; todos: number[] }> {
  // Readers may share the file: all three at once.
  const [runsJson, showJson, text] = await Promise.all([
    runCli(['runs', '--db', db, '--json']), runCli(['show', 'latest', '--db', db, '--json']), runCli(['runs', '--db', db]),
  ].map(async (r) => (await r).stdout));
  const { runs } = JSON.parse(runsJson!);
  const show = JSON.parse(showJson!);
  const textStatus = / (running|completed|stopped|abandoned|failed) /.exec(text!.split('\n')[1] ?? '')?.[1] ?? text!;
  const todos = show.actions
    .filter((a: { action: string; outcome: string }) => a.action === 'createTodo' && a.outcome === 'ok')
    .map((a: { args: { title: string } }) => Number(a.args.title.replace('todo ', '')));
  return { statuses: [runs[0].status, show.run.status, textStatus], stopReason: show.run.stopReason, events: show.events, todos };
}

/** Resolves with the child's end, or rejects when it is still running after `ms` (then it is killed by the test's end). */
function endsWithin(cli: StartedCli, ms: number, what: string): Promise<Awaited<StartedCli['done']>> {
  return Promise.race([cli.done, sleep(ms).then(() => { throw new Error(`the CLI was still running ${ms} ms after ${what}`); })]);
}

describe('kill -9', () => {
  it('at a random moment: every action acknowledged more than a second before is kept, and the run reads abandoned everywhere', async () => {
    const db = freshDb();
    const cli = await startWriter(db, 3);
    // A random moment, printed when the test fails so it can be repeated.
    const delay = 1200 + Math.floor(Math.random() * 1500);
    await sleep(delay);
    const killedAt = Date.now();
    cli.child.kill('SIGKILL');
    expect((await cli.done).signal).toBe('SIGKILL');
    const seen = await seenByTarget();
    const acknowledged = acknowledgedAt(seen, killedAt - 1000);
    const run = await stored(db);
    const lost = acknowledged.filter((n) => !run.todos.includes(n));
    expect({ delay, lost }).toEqual({ delay, lost: [] });
    expect(acknowledged.length, `only ${acknowledged.length} actions acknowledged a second before the kill`).toBeGreaterThanOrEqual(3);
    expect(run.statuses).toEqual(['abandoned', 'abandoned', 'abandoned']);
  });
});

describe.each([['SIGINT', 130], ['SIGTERM', 143]] as const)('%s', (signal, code) => {
  it(`stops gracefully: exit ${code}, nothing acknowledged is lost, the run reads interrupted`, async () => {
    const db = freshDb();
    const cli = await startWriter(db, 5);
    const sentAt = Date.now();
    cli.child.kill(signal);
    const r = await cli.done;
    expect({ code: r.code, signal: r.signal }, r.stderr).toEqual({ code, signal: null });
    expect(r.stderr).toContain(signal === 'SIGINT' ? 'stopping: saving the run (Ctrl-C again quits at once)' : 'stopping on SIGTERM: saving the run (a second SIGTERM or Ctrl-C quits at once)');
    expect(r.stdout).toContain(`interrupted: the run was stopped early by ${signal}; everything recorded so far is saved.`);
    const acknowledged = acknowledgedAt(await seenByTarget(), sentAt);
    const run = await stored(db);
    expect(acknowledged.length).toBeGreaterThanOrEqual(4);
    expect(acknowledged.filter((n) => !run.todos.includes(n))).toEqual([]);
    expect(run.statuses).toEqual(['stopped', 'stopped', 'stopped']);
    expect(run.stopReason).toBe('interrupted');
    expect(run.events.find((e) => e.kind === 'interrupt')?.detail).toEqual({ reason: 'interrupted', signal });
  });
});

describe.each([['run', 143], ['log-mode replay', 130]] as const)('a %s stopped by a signal while an action sleeps for a minute', (what, code) => {
  it(`drops the action (it does not wait out its 30 s timeout nor the sleep), exits ${code} at once and keeps the run stopped`, async () => {
    const db = freshDb();
    let args = ['run', stuckSim, '--db', db, '--duration', '3m'];
    if (what === 'log-mode replay') {
      const recorded = await runCli(args);
      expect(recorded.code, recorded.stderr).toBe(0);
      args = ['replay', 'latest', '--db', db, '--mode', 'log'];
    }
    const cli = startCli(args, { env: { STUCK_NOTE_MS: '60000' } });
    await cli.waitForStderr('noting');
    cli.child.kill(code === 130 ? 'SIGINT' : 'SIGTERM');
    const r = await endsWithin(cli, 10_000, 'the signal');
    expect(r.code, r.stderr).toBe(code);
    const show = JSON.parse((await runCli(['show', 'latest', '--db', db, '--json'])).stdout);
    expect(show.run).toMatchObject({ kind: what === 'run' ? 'run' : 'replay', status: 'stopped', stopReason: 'interrupted' });
    // The dropped action is not recorded (its outcome is not the target's, nor the code's).
    expect(show.actions).toEqual([]);
  });
});

describe('simulation code stuck in a synchronous loop', () => {
  it('a Ctrl-C is lost while it blocks, but the next signal ends the process at once; after 2 s of CPU it says so', async () => {
    const db = freshDb();
    const cli = startCli(['run', stuckSim, '--db', db, '--param', 'stuck=spin', '--param', 'at=3']);
    await cli.waitForStderr('spinning');
    // JavaScript cannot run: the first Ctrl-C waits for a main thread that never comes back.
    cli.child.kill('SIGINT');
    // Counted in CPU time (a thread starved on a loaded machine is not stuck): the wall seconds it names can be more.
    await cli.waitForStderr('has not returned for ');
    cli.child.kill('SIGTERM');
    const r = await endsWithin(cli, 3000, 'the second signal');
    expect(r.signal).toBe('SIGTERM');
    expect(r.stderr).toMatch(/^beamulator: the simulation code has not returned for \d+s at test\/e2e\/sims\/stuck\.sim\.ts:\d+:\d+ \(a synchronous loop in an action or behavior\?\): nothing can stop the run gracefully now; Ctrl-C or SIGTERM ends the process at once, keeping the rows saved before it blocked \(the run will read abandoned\)$/m);
    expect((await stored(db)).statuses).toEqual(['abandoned', 'abandoned', 'abandoned']);
  });
});

describe('an action that never settles', () => {
  it('times out with an error outcome naming the action and its timeout; the run goes on', async () => {
    const db = freshDb();
    const r = await runCli(['run', stuckSim, '--db', db, '--param', 'stuck=hang', '--param', 'at=2', '--duration', '3m']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/actions {5}4 {2}\(ok 3, error 1, crash 0\)/);
    const show = JSON.parse((await runCli(['show', 'latest', '--db', db, '--json'])).stdout);
    expect(show.actions.map((a: { action: string; outcome: string; error: string | null }) => [a.action, a.outcome, a.error])).toEqual([
      ['note', 'ok', null], ['hang', 'error', 'action hang did not finish within 300ms (its actionTimeout)'], ['note', 'ok', null], ['note', 'ok', null],
    ]);
  });

  it('--max-wall-time stops the run on time while it is pending (its timeout is 30 s)', async () => {
    const r = await runCli(['run', stuckSim, '--db', freshDb(), '--param', 'stuck=hang-long', '--param', 'at=2', '--max-wall-time', '1s', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ status: 'completed', stopReason: 'max-wall-time', summary: { actions: 1 } });
    expect(result.wallMs).toBeLessThan(10_000);
  });
});

describe('--max-wall-time counts from the start of the engine', () => {
  it('not from the process start: a target.start of 1.5 s does not use up a 1 s limit', async () => {
    const r = await runCli(['run', stuckSim, '--db', freshDb(), '--max-wall-time', '1s', '--json'], { env: { STUCK_START_MS: '1500' } });
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ stopReason: 'max-wall-time' });
    // A note takes 20 ms: a second of running makes dozens (were the start counted, none).
    expect(result.summary.actions).toBeGreaterThanOrEqual(5);
    expect(result.wallMs).toBeGreaterThanOrEqual(2500);
  });
});

describe('--max-wall-time against a target that answers in ~200 ms', () => {
  it('stops about when the limit passes, not after 256 actions (52 s)', async () => {
    const slow = await startTodoApp({ latencyMs: 100 });
    try {
      const r = await runCli(['run', writerSim, '--db', freshDb(), '--target', slow.url, '--max-wall-time', '2s', '--json']);
      expect(r.code, r.stderr).toBe(0);
      const result = JSON.parse(r.stdout);
      expect(result).toMatchObject({ stopReason: 'max-wall-time' });
      expect(result.wallMs).toBeGreaterThanOrEqual(2000);
      expect(result.wallMs).toBeLessThan(4000);
    } finally {
      await slow.stop();
    }
  });
});
