/**
 * Browser actors end to end: real Chromium (Debian's), the real todo app and its web page, a real
 * DuckDB file. One recorded run holds every case (one browser launch), and its replay another.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  defineActions, defineBehavior, defineSimulation, openStore, readRunBundle, replayRun, runSimulation,
  type ActionRecord, type ComplaintRecord, type EventRecord, type ExchangeRecord, type RunResult,
} from 'beamulator';
import { startTodoApp, type TodoApp } from '../../fixtures/todo-app/server.ts';
import { uiActions } from '../../examples/todo/ui-actions.ts';

const probes = defineActions({
  /** Opens the page and sets a 5-minute timer in it. */
  startTimer: async (_args: Record<string, never>, { page }) => {
    await page.goto('/');
    await page.evaluate("setTimeout(() => { document.title = 'fired at ' + new Date().toISOString() }, 5 * 60_000)");
    return { title: await page.title(), random: await page.evaluate('Math.random()') };
  },
  readTitle: async (_args: Record<string, never>, { page }) => page.title(),
  crashPage: async (_args: Record<string, never>, { page }) => {
    await page.goto('chrome://crash').catch(() => undefined);
    await page.evaluate('1');
  },
  openApp: async (_args: Record<string, never>, { page }) => {
    await page.goto('/');
    return page.title();
  },
  clickMissing: async (_args: Record<string, never>, { page }) => {
    await page.goto('/');
    await page.click('#no-such-button', { timeout: 200 });
  },
});

const actions = { ...uiActions, ...probes };

const impatient = defineBehavior<{ step: number }>({
  name: 'Impatient',
  initialState: { step: 0 },
  async act(ctx) {
    await ctx.execute(uiActions.signUpInUi, { username: 'dora', password: 's3cret-pw', team: 'red' });
    await ctx.execute(uiActions.addTodoInUi, { title: 'buy milk', double: true });
    await ctx.sleep('1m');
    const shown = await ctx.execute(uiActions.readListInUi, {});
    const titles = shown.value?.todos.map((todo) => todo.title) ?? [];
    if (new Set(titles).size !== titles.length) ctx.complain('a todo I added once shows twice', { detail: { titles } });
    return ctx.stop();
  },
});

const waiter = defineBehavior<{ step: number }>({
  name: 'Waiter',
  initialState: { step: 0 },
  async act(ctx) {
    await ctx.execute(probes.startTimer, {});
    await ctx.sleep(5 * 60_000 - 1);
    await ctx.execute(probes.readTitle, {});
    await ctx.sleep(1);
    await ctx.execute(probes.readTitle, {});
    return ctx.stop();
  },
});

const lost = defineBehavior({
  name: 'Lost',
  initialState: {},
  async act(ctx) {
    await ctx.execute(probes.clickMissing, {});
    await ctx.execute(probes.crashPage, {});
    // A crashed page is replaced by a fresh one.
    await ctx.execute(probes.openApp, {});
    return ctx.stop();
  },
});

let app: TodoApp;
let dir: string;
let db: string;
const sim = () => defineSimulation({
  name: 'browser-test',
  actions,
  behaviors: [impatient, waiter, lost],
  population: [{ behavior: impatient }, { behavior: waiter }, { behavior: lost }],
  target: { url: app.url, reset: () => app.reset() },
  browser: { timeout: '10s' },
  duration: '1h',
});

beforeAll(async () => {
  app = await startTodoApp({ bugs: ['double-submit'] });
  dir = mkdtempSync(path.join(tmpdir(), 'beam-browser-'));
  db = path.join(dir, 'runs.duckdb');
});

afterAll(async () => {
  await app?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('browser actors', () => {
  let run: RunResult;
  let rows: { actions: ActionRecord[]; complaints: ComplaintRecord[]; exchanges: ExchangeRecord[]; events: EventRecord[] };
  const action = (name: string, nth = 0) => rows.actions.filter((a) => a.action === name)[nth]!;

  beforeAll(async () => {
    run = await runSimulation(sim(), { seed: 7, db });
    const store = await openStore(db, { readOnly: true });
    try {
      const [actions, complaints, exchanges, events] = await Promise.all([
        store.actions(run.runId), store.complaints(run.runId), store.exchanges(run.runId), store.events(run.runId),
      ]);
      rows = { actions, complaints, exchanges, events };
    } finally {
      await store.close();
    }
  });

  it("records the page's requests as the action's exchanges, redacted like the HTTP connector's", () => {
    const signUp = rows.exchanges.filter((e) => e.actionSeq === action('signUpInUi').seq);
    expect(signUp.map((e) => `${e.method} ${e.url} ${e.status}`)).toEqual(['GET / 200', 'POST /users 201', 'GET /todos 200']);
    expect(signUp[1]!.requestBody).toContain('[redacted]');
    expect(signUp[1]!.requestBody).not.toContain('s3cret-pw');
    expect(signUp[2]!.requestHeaders['x-password']).toBe('[redacted]');
    expect(signUp[0]!.responseBody).toContain('<title>Todos</title>');
  });

  it('finds the planted double-submit bug: a double-click sends two creates, the screen shows the todo twice', () => {
    const add = rows.exchanges.filter((e) => e.actionSeq === action('addTodoInUi').seq && e.method === 'POST');
    expect(add.map((e) => `${e.url} ${e.status}`)).toEqual(['/todos 201', '/todos 201']);
    expect(rows.complaints.map((c) => c.message)).toEqual(['a todo I added once shows twice']);
  });

  it('stores a screenshot next to the store for a complaint and for a failing action', () => {
    const shots = rows.events.filter((e) => e.kind === 'screenshot').map((e) => e.detail as { file: string; actionSeq: number; complaintSeq: number | null });
    expect(shots).toEqual(expect.arrayContaining([
      { file: `screenshots/${run.runId}/complaint-0.png`, actionSeq: action('readListInUi').seq, complaintSeq: 0 },
      { file: `screenshots/${run.runId}/action-${action('clickMissing').seq}.png`, actionSeq: action('clickMissing').seq, complaintSeq: null },
    ]));
    for (const shot of shots) {
      expect(readFileSync(path.join(dir, shot.file)).subarray(1, 4).toString()).toBe('PNG');
    }
  });

  it('runs page timers in sim time: a 5-minute timer fires after 5 sim minutes, not before', () => {
    expect(action('readTitle', 0).result).toBe('Todos');
    expect(action('readTitle', 1).result).toBe('fired at 2026-01-05T08:05:00.000Z');
    expect(action('readTitle', 1).simTime - action('startTimer').simTime).toBe(5 * 60_000);
  });

  it('gives a missing selector an error outcome naming the selector', () => {
    const missing = action('clickMissing');
    expect(missing.outcome).toBe('error');
    expect(missing.error).toBe("page.click: Timeout 200ms exceeded waiting for locator('#no-such-button')");
  });

  it('gives a crashed page an error outcome, and the next action a fresh page', () => {
    expect(action('crashPage')).toMatchObject({ outcome: 'error', error: `the page crashed at ${app.url}/` });
    expect(action('openApp')).toMatchObject({ outcome: 'ok', result: 'Todos' });
  });

  it('replays identically: the pages are driven again and show the same', async () => {
    const store = await openStore(db);
    try {
      const report = await replayRun(await readRunBundle(store, run.runId), { simulation: sim(), db: store });
      expect(report.divergences).toEqual([]);
      expect(report.identical).toBe(true);
      expect(report.complaints?.map((c) => c.message)).toEqual(['a todo I added once shows twice']);
    } finally {
      await store.close();
    }
  });

  it('replays offline: with the app stopped, the pages are served the recorded exchanges and show the same', async () => {
    const store = await openStore(db);
    try {
      const bundle = await readRunBundle(store, run.runId);
      await app.stop();
      const report = await replayRun(bundle, { simulation: sim(), db: store, offline: true });
      expect(report.divergences).toEqual([]);
      expect(report.identical).toBe(true);
      const served = await store.exchanges(report.replayRunId!, action('addTodoInUi').seq);
      expect(served.filter((e) => e.method === 'POST').map((e) => `${e.url} ${e.status}`)).toEqual(['/todos 201', '/todos 201']);
    } finally {
      await store.close();
    }
  });
});

describe('a missing Chromium', () => {
  it('fails the run before it starts, in one line saying how to install it', async () => {
    const missing = defineSimulation({ ...sim(), name: 'no-chromium', browser: { executablePath: path.join(dir, 'no-chromium') } });
    const error = await runSimulation(missing, { db: false }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BEAM_BROWSER' });
    expect((error as Error).message).toBe(`cannot launch Chromium ${path.join(dir, 'no-chromium')}: it does not exist. Install it with \`apt-get install chromium\`, or set browser.executablePath in the simulation (or BEAMULATOR_CHROMIUM) to a Chromium executable`);
    expect(existsSync(path.join(dir, 'no-chromium'))).toBe(false);
  });
});
