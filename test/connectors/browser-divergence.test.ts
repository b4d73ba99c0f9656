/**
 * A browser run whose replay diverges: recorded with the page's stale-counter bug on and a
 * Playwright trace (`trace`), replayed after the bug was switched off. The first divergence (a
 * result that differs, no error) names the action, the selector it read last, the ones it acted
 * on and what the page showed, with the original's screenshot of that action beside the replay's. Real Chromium, the real todo app, a real DuckDB file.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineActions, defineBehavior, defineSimulation, openStore, readRunBundle, replayRun, type ReplayReport } from 'beamulator';
import { runSimulationInternal } from '../../src/engine/run-simulation.ts';
import { formatReplayReport } from '../../src/replay/format-report.ts';
import { selectorIn } from '../../src/replay/divergent-page.ts';
import { startTodoApp, type TodoApp } from '../../fixtures/todo-app/server.ts';
import { uiActions } from '../../examples/todo/ui-actions.ts';
import { tempDir } from '../support/cli.ts';

const probes = defineActions({
  /** Deletes the todo without waiting for the list. */
  deleteOnly: async (args: { title: string }, { page }) => {
    await page.getByRole('button', { name: `Delete ${args.title}`, exact: true }).click();
  },
  /** What the counter says (no error either way: the replay's result differs, not its outcome). */
  readCounter: async (_args: Record<string, never>, { page }) => {
    await page.getByText(/^Signed in as/).waitFor();
    return page.locator('#left').textContent();
  },
});

const checker = defineBehavior({
  name: 'Checker',
  initialState: {},
  async act(ctx) {
    await ctx.execute(uiActions.signUpInUi, { username: 'cora', password: 'pw-cora', team: 'red' });
    await ctx.execute(uiActions.addTodoInUi, { title: 'buy milk', double: false });
    await ctx.execute(probes.deleteOnly, { title: 'buy milk' });
    await ctx.sleep('1s');
    const counter = await ctx.execute(probes.readCounter, {});
    if (counter.value === '1 left') ctx.complain('the counter still counts the deleted todo');
    return ctx.stop();
  },
});

const tmp = tempDir();
const db = path.join(tmp.dir, 'runs.duckdb');
let app: TodoApp;
const sim = () => defineSimulation({
  name: 'browser-divergence', actions: { ...uiActions, ...probes }, behaviors: [checker], population: [{ behavior: checker }],
  target: { url: app.url, reset: () => app.reset() }, browser: { timeout: '10s' }, duration: '1h',
});
let runId: string;
let report: ReplayReport;
let printed: string;

beforeAll(async () => {
  app = await startTodoApp({ bugs: ['stale-counter'] });
  runId = (await runSimulationInternal(sim(), { seed: 3, db, trace: true })).runId;
  app.setBugs([]);
  const store = await openStore(db);
  try {
    const bundle = await readRunBundle(store, runId);
    report = await replayRun(bundle, { simulation: sim(), db: store });
    printed = formatReplayReport(report, bundle.actors, false);
  } finally {
    await store.close();
  }
}, 120_000);
afterAll(async () => {
  await app?.stop();
  tmp.cleanup();
});

describe('a browser replay that diverges', () => {
  it('diverges at the action that read what the fixed page shows differently', () => {
    expect(report.identical).toBe(false);
    const first = report.divergences[0]!;
    expect(first).toMatchObject({ kind: 'result-changed', seq: 3, action: 'readCounter' });
    expect(first.differences).toEqual(['result: "1 left" → "0 left"']);
  });

  it("names the selector it read last, what the page showed, and the original's screenshot beside the replay's", () => {
    const page = report.divergences[0]!.page!;
    expect(page).toMatchObject({
      url: `${app.url}/`, title: 'Todos', selector: "locator('#left')", selectors: ['getByText(/^Signed in as/)', "locator('#left')"],
      screenshot: `screenshots/${report.replayRunId}/divergence-3.png`, originalScreenshot: `screenshots/${runId}/complaint-0.png`,
    });
    expect(page.text).toContain('0 left');
    for (const file of [page.screenshot!, page.originalScreenshot!]) expect(readFileSync(path.join(tmp.dir, file)).subarray(1, 4).toString()).toBe('PNG');
    expect(printed).toContain(`  the page (replay, after the action): ${app.url}/ "Todos"\n    selector  locator('#left')\n    acted on  getByText(/^Signed in as/) → locator('#left')\n    showed    Todos Signed in as cora (red)`);
    expect(printed).toContain(`    screenshots (next to the store): original screenshots/${runId}/complaint-0.png\n                                     replay   screenshots/${report.replayRunId}/divergence-3.png\n`);
  });

  it('finds the selector in the errors pageError words', () => {
    expect(selectorIn("locator.click: Timeout 300ms exceeded waiting for getByRole('button', { name: 'Add' })")).toBe("getByRole('button', { name: 'Add' })");
    expect(selectorIn("locator.click: Error: strict mode violation: getByText('x') resolved to 2 elements:")).toBe("getByText('x')");
    expect(selectorIn('HTTP 500')).toBeNull();
  });
});

describe('--trace', () => {
  it("writes a Playwright trace of each actor's context next to the store, named by a trace event", async () => {
    const store = await openStore(db, { readOnly: true });
    try {
      const traces = (await store.events(runId)).filter((e) => e.kind === 'trace').map((e) => e.detail);
      expect(traces).toEqual([{ file: `traces/${runId}/actor-0.zip` }]);
      const zip = readFileSync(path.join(tmp.dir, `traces/${runId}/actor-0.zip`));
      expect(zip.subarray(0, 2).toString()).toBe('PK');
      // The trace holds the page's actions: Playwright's trace.trace lists the calls.
      expect(zip.includes('trace.trace')).toBe(true);
      // The replay was not traced.
      expect(existsSync(path.join(tmp.dir, `traces/${report.replayRunId}`))).toBe(false);
    } finally {
      await store.close();
    }
  });
});
