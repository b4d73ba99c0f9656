/**
 * Where a fuzz run of 3 UI Organizers (part 3 of browser.bench.ts) spends its wall time: wraps
 * Playwright's client methods (taken from live objects' prototypes) and ActorPage/BrowserSession,
 * sums each one's time per run (nested calls count in both). One warm-up campaign first.
 * Run: `node --conditions=beamulator-source --import tsx bench/browser/fuzz-run-profile.ts` (FUZZ_RUNS=5).
 */
import { chromium } from 'playwright-core';
import { monotonicMs } from '../../src/clock/wall-clock.ts';
import { chromiumFlags, defaultChromium } from '../../src/connectors/browser-connector.ts';
import { ActorPage } from '../../src/connectors/actor-page.ts';
import { BrowserSession } from '../../src/connectors/browser-session.ts';
import { defineFuzzTarget, fuzz, type FuzzSpec } from 'beamulator';
import todoUi from '../../examples/todo/todo-ui.sim.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 5);
const totals = new Map<string, { ms: number; n: number }>();
function wrap(obj: any, name: string, label: string) {
  const orig = obj[name];
  if (typeof orig !== 'function' || orig.__wrapped) return;
  const f = function (this: any, ...args: any[]) {
    const t0 = monotonicMs();
    const done = () => { const e = totals.get(label) ?? { ms: 0, n: 0 }; e.ms += monotonicMs() - t0; e.n++; totals.set(label, e); };
    let r;
    try { r = orig.apply(this, args); } catch (e) { done(); throw e; }
    if (r && typeof r.then === 'function') return r.finally(done);
    done(); return r;
  };
  (f as any).__wrapped = true;
  obj[name] = f;
}
// Prototypes from live objects.
const b = await chromium.launch({ executablePath: defaultChromium, args: [...chromiumFlags] });
const ctx = await b.newContext();
const page = await ctx.newPage();
const ctxP = Object.getPrototypeOf(ctx), pageP = Object.getPrototypeOf(page), clockP = Object.getPrototypeOf(ctx.clock);
const locP = Object.getPrototypeOf(page.locator('x'));
const browserP = Object.getPrototypeOf(b);
await b.close();
for (const m of ['newContext']) wrap(browserP, m, `browser.${m}`);
for (const m of ['addInitScript', 'newPage', 'close', 'route', 'clearCookies']) wrap(ctxP, m, `context.${m}`);
for (const m of ['install', 'pauseAt', 'runFor', 'fastForward', 'setFixedTime']) wrap(clockP, m, `clock.${m}`);
for (const m of ['goto', 'evaluate', 'screenshot', 'title']) wrap(pageP, m, `page.${m}`);
for (const m of ['fill', 'click', 'dblclick', 'check', 'waitFor', 'evaluateAll', 'textContent', 'getAttribute']) wrap(locP, m, `locator.${m}`);
for (const m of ["begin", "end", "close", "release"]) wrap(ActorPage.prototype, m, `ActorPage.${m}`);
wrap(ActorPage, 'open', 'ActorPage.open');
for (const m of ['begin', 'end', 'close']) wrap(BrowserSession.prototype, m, `session.${m}`);

const tape = Array.from({ length: 5 }, () => Array<number>(8).fill(0));
const three: FuzzSpec = { overlap: false, actors: [0, 1, 2].map(() => ({ behavior: 'UI Organizer', config: { team: 'red' }, tape })) };
const target = defineFuzzTarget({ name: 'ui-organizers', simulation: todoUi, behaviors: ['UI Organizer'], configs: [{ team: 'red' }], maxActors: 3, maxTurns: 4, duration: '4h' });
// warm-up run (launch excluded)
await fuzz(target, { examples: [three], runs: 0, seed: 1, db: false, replaysDir: false, reproduceRuns: 0 });
totals.clear();
const t0 = monotonicMs();
const result = await fuzz(target, { timeLimitMs: 600_000, examples: Array.from({ length: RUNS }, () => three), runs: 0, seed: 1, db: false, replaysDir: false, reproduceRuns: 0 });
const ms = monotonicMs() - t0;
console.log(`runs ${result.coverage.runs} actions/run ${(result.coverage.actions / result.coverage.runs).toFixed(1)} found ${result.found}: ${(ms / result.coverage.runs).toFixed(0)} ms/run (${ms.toFixed(0)} incl. launch)`);
for (const [k, v] of [...totals].sort((a, b) => b[1].ms - a[1].ms)) console.log(`${k.padEnd(24)} ${(v.ms / result.coverage.runs).toFixed(1).padStart(8)} ms/run  n/run=${(v.n / result.coverage.runs).toFixed(1)}  avg=${(v.ms / v.n).toFixed(1)}`);
