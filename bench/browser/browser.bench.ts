/**
 * Browser benchmark. Run: `npm run bench:browser` (needs Chromium: `apt-get install chromium`).
 * Prints ratios against a plain Playwright script measured in the same process run (absolute
 * times drift on shared machines).
 *
 *  1. Launch: chromium.launch() + close(), cold (first) and warm (median of the rest).
 *  2. Browser actions/s with 1, 4 and 8 actor contexts (CONTEXTS=1,4,8): each actor signs up on
 *     the todo app's page, then adds CLICKS todos (fill, click Add, wait for the new row), through
 *     beamulator (recorded to a DuckDB file: every request, the page clock moved each turn) against
 *     a plain Playwright script doing the same clicks on one context per actor, concurrently.
 *     Goal: recording adds <= 15% over the plain script.
 *  3. Cost per fuzz run of a 3-actor browser population: FUZZ_RUNS runs of 3 UI Organizers (the
 *     example's browser persona, 4 turns each: sign up, then read and add/complete/rename/delete)
 *     against the todo app, one Chromium for the campaign, a fresh context per actor per run
 *     (as the plain script does), the app reset between runs.
 *     Goal: <= 2 s per run.
 *
 * PARTS=3 runs only part 3 (PARTS=2,3: parts 2 and 3), e.g. to interleave two builds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { monotonicMs } from '../../src/clock/wall-clock.ts';
import { chromiumFlags, defaultChromium } from '../../src/connectors/browser-connector.ts';
import { defineBehavior, defineFuzzTarget, defineSimulation, fuzz, runSimulation, type FuzzSpec } from 'beamulator';

import todoUi from '../../examples/todo/todo-ui.sim.ts';
import { startTodoApp } from '../../fixtures/todo-app/server.ts';
import { uiActions } from '../../examples/todo/ui-actions.ts';

const CLICKS = Number(process.env.CLICKS ?? 40);
const CONTEXTS = (process.env.CONTEXTS ?? '1,4,8').split(',').map(Number);
const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 10);
// Which parts to run (PARTS=3: only the fuzz runs, e.g. to interleave two builds' part 3).
const PARTS = new Set((process.env.PARTS ?? '1,2,3').split(',').map(Number));
const executablePath = process.env.BEAMULATOR_CHROMIUM ?? defaultChromium;
const dir = mkdtempSync(path.join(tmpdir(), 'beamulator-bench-'));
const app = await startTodoApp();
const fmt = (n: number, digits = 0) => n.toFixed(digits);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// --- 1. launch ---------------------------------------------------------------------------------
const launches: number[] = [];
for (let i = 0; i < (PARTS.has(1) ? 5 : 0); i++) {
  const t0 = monotonicMs();
  const browser = await chromium.launch({ executablePath, args: [...chromiumFlags] });
  launches.push(monotonicMs() - t0);
  await browser.close();
}
if (PARTS.has(1)) console.log(`launch: cold ${fmt(launches[0]!)} ms, warm median ${fmt(median(launches.slice(1)))} ms`);

// --- 2. actions/s ------------------------------------------------------------------------------
let plainRuns = 0;
async function plain(actors: number): Promise<number> {
  const run = ++plainRuns;
  const t0 = monotonicMs();
  const browser: Browser = await chromium.launch({ executablePath, args: [...chromiumFlags] });
  await Promise.all(Array.from({ length: actors }, async (_, a) => {
    const context = await browser.newContext({ baseURL: app.url });
    const page: Page = await context.newPage();
    const user = `plain-${run}-${a}`;
    await page.goto('/');
    await page.getByPlaceholder('Username').fill(user);
    await page.getByPlaceholder('Password').fill('pw');
    await page.getByPlaceholder('Team').fill(user);
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByText(`Signed in as ${user}`).waitFor();
    for (let i = 1; i <= CLICKS; i++) {
      const title = `todo ${a}.${i}`;
      await page.getByPlaceholder('What needs doing?').fill(title);
      await page.getByRole('button', { name: 'Add' }).click();
      await page.locator('#todos li', { hasText: title }).first().waitFor();
    }
    await context.close();
  }));
  await browser.close();
  return monotonicMs() - t0;
}

const clicker = defineBehavior<{ user: string; team: string }>({
  name: 'Clicker',
  initialState: ({ actorId, params }) => ({ user: `sim-${String(params.run)}-${actorId}`, team: `sim-${String(params.run)}-${actorId}` }),
  async act(ctx) {
    if (ctx.turn === 1) {
      await ctx.execute(uiActions.signUpInUi, { username: ctx.state.user, password: 'pw', team: ctx.state.team });
      return '1s';
    }
    await ctx.execute(uiActions.addTodoInUi, { title: `todo ${ctx.actorId}.${ctx.turn - 1}`, double: false });
    // 1s of sim time between clicks: the page's once-a-minute refresh stays rare, as in the plain script.
    return ctx.turn > CLICKS ? ctx.stop() : '1s';
  },
});

let runs = 0;
async function simulated(actors: number): Promise<number> {
  const sim = defineSimulation({
    name: 'browser-bench', params: { run: { default: 0 } }, actions: uiActions, behaviors: [clicker],
    population: [{ behavior: clicker, count: actors }], target: { url: app.url },
    // Actors due together click together, as the plain script's contexts do.
    concurrency: actors, duration: '1d',
    // Playwright's own default, as the plain script has: a loaded machine must not fail the clicks.
    browser: { timeout: '30s' },
  });
  const t0 = monotonicMs();
  const result = await runSimulation(sim, { seed: 1, db: path.join(dir, 'runs.duckdb'), params: { run: ++runs } });
  const ms = monotonicMs() - t0;
  if (result.summary.byOutcome.ok !== actors * (CLICKS + 1)) throw new Error(`expected every action ok: ${JSON.stringify(result.summary.byOutcome)}`);
  return ms;
}

for (const actors of PARTS.has(2) ? new Set(CONTEXTS) : []) {
  const clicks = actors * (CLICKS + 1);
  const base = await plain(actors);
  const ours = await simulated(actors);
  console.log(
    `${actors} context${actors > 1 ? 's' : ''}: plain Playwright ${fmt((clicks / base) * 1000, 1)} actions/s (${fmt(base)} ms), `
    + `beamulator recorded ${fmt((clicks / ours) * 1000, 1)} actions/s (${fmt(ours)} ms): ${fmt((ours / base - 1) * 100)}% over the plain script`,
  );
}

// --- 3. cost per fuzz run -----------------------------------------------------------------------
// Every run is the same 3-actor population (fast-check examples, no random search), so the cost
// per run is of exactly 3 browser actors; zero tapes make each turn's least choice.
const tape = Array.from({ length: 5 }, () => Array<number>(8).fill(0));
const threeActors: FuzzSpec = { overlap: false, actors: [0, 1, 2].map(() => ({ behavior: 'UI Organizer', config: { team: 'red' }, tape })) };
const organizers = defineFuzzTarget({ name: 'ui-organizers', simulation: todoUi, behaviors: ['UI Organizer'], configs: [{ team: 'red' }], maxActors: 3, maxTurns: 4, duration: '4h' });
if (PARTS.has(3)) {
  // The baseline: a plain Playwright script doing what one such run does (3 fresh contexts; each
  // signs up, then reads the list and adds a todo 3 times), actors one after another as the fuzz
  // runs them (concurrency 1), in one browser for all runs.
  const browser = await chromium.launch({ executablePath, args: [...chromiumFlags] });
  const p0 = monotonicMs();
  for (let run = 0; run < FUZZ_RUNS; run++) {
    const pages = await Promise.all([0, 1, 2].map(async () => (await browser.newContext({ baseURL: app.url })).newPage()));
    for (const [a, page] of pages.entries()) {
      const user = `fuzz-plain-${run}-${a}`;
      await page.goto('/');
      await page.getByPlaceholder('Username').fill(user);
      await page.getByPlaceholder('Password').fill('pw');
      await page.getByPlaceholder('Team').fill(user);
      await page.getByRole('button', { name: 'Sign up' }).click();
      await page.getByText(`Signed in as ${user}`).waitFor();
    }
    for (let turn = 1; turn <= 3; turn++) {
      for (const [a, page] of pages.entries()) {
        await page.locator('#todos li').evaluateAll((items) => items.map((li) => li.textContent));
        await page.locator('#left').textContent();
        const title = `todo ${a}.${turn}`;
        await page.getByPlaceholder('What needs doing?').fill(title);
        await page.getByRole('button', { name: 'Add' }).click();
        await page.locator('#todos li', { hasText: title }).first().waitFor();
      }
    }
    await Promise.all(pages.map((page) => page.context().close()));
  }
  const plainMs = (monotonicMs() - p0) / FUZZ_RUNS;
  await browser.close();
  const t0 = monotonicMs();
  const result = await fuzz(organizers, { timeLimitMs: 3_600_000, examples: Array.from({ length: FUZZ_RUNS }, () => threeActors), runs: 0, seed: 1, db: false, replaysDir: false, reproduceRuns: 0 });
  const ms = monotonicMs() - t0;
  if (result.found) throw new Error(`the bugs-off population failed: ${JSON.stringify(result.failure)}`);
  const { coverage } = result;
  console.log(
    `fuzz: ${coverage.runs} runs of 3 UI Organizers (${fmt(coverage.actions / coverage.runs, 1)} browser actions per run): `
    + `${fmt(ms / coverage.runs)} ms per run (${fmt(ms)} ms in all, one Chromium, fresh contexts per run); `
    + `a plain Playwright script doing the same per run: ${fmt(plainMs)} ms (${fmt((ms / coverage.runs / plainMs - 1) * 100)}% over it)`,
  );
}

await app.stop();
rmSync(dir, { recursive: true, force: true });
