/**
 * Fuzz benchmark. Run: `node --import tsx bench/fuzz/fuzz.bench.ts` (bounded: well under 2 minutes).
 * Prints ratios against a baseline measured in the same process run (absolute times drift on
 * shared machines); asserts nothing about time.
 *
 *  1. `fuzz()` on each planted-bug target (stale-read, tenant-leak) with fixed seeds: property runs
 *     and wall time to the first failure, shrink runs and wall time, shrunk length (actions up to
 *     the complaint) vs the behavior-level minimum (stale-read 11, tenant-leak 15; fuzz/README.md).
 *  1b. The hybrid (`beamulator shrink`): seeded runs of the target's simulation (the bundled example's
 *     population) until one fails, then `shrinkRun` (re-run with RecordingRng, canonical tapes,
 *     handed to fast-check as an example and shrunk). "runs to find" = seeded runs.
 *  2. Baseline for the single-actor bug (stale-read): a plain fast-check `fc.commands` model-based
 *     test against the same todo app over HTTP (global fetch), with a hand-written single-user model
 *     of create / complete / list (signup in setup): the baseline fuzzing was first measured against. Its minimum is
 *     6 commands: create x3, list (fills the cache), complete, list (= the app's documented 7 calls with signup).
 *  3. Ratio fuzz time / model-test time for stale-read (goal: <= 2x, set when the fuzzer was built).
 *  4. The same kind of baseline for tenant-leak, which needs a hand-written multi-user,
 *     multi-tenant model (signup into a team as a command, create / delete / list per user; each
 *     list must hold exactly the caller's team's todos). Its minimum is 6 commands.
 *
 * Env: STALE_SEEDS (default 1,2,3), LEAK_SEEDS (default 1,2), HYBRID_STALE_SEEDS (default 1,2,3),
 * HYBRID_LEAK_SEEDS (default 1), MODEL_SEEDS (default 1..6), LEAK_MODEL_SEEDS (default 1,2,3),
 * LOST_SEEDS (default none: lost-update takes 35-75 s a seed; its shrink is capped at LOST_SHRINK_RUNS,
 * default 400, the cap fuzz/README.md's numbers were measured with; minimum 7 actions),
 * SHRINK_LIMIT_MS (default 20000, per fuzz shrink).
 */
import fc from 'fast-check';
import { monotonicMs } from '../../src/clock/wall-clock.ts';
import { fuzz, type FuzzResult } from 'beamulator';
import { shrinkRun } from '../../src/fuzz/shrink-run.ts';
import { openStore, runSimulation } from 'beamulator';
import type { RunStore } from '../../src/store/run-store.ts';
import type { FuzzTarget } from 'beamulator';
import { startTodoApp, type TodoApp } from '../../fixtures/todo-app/server.ts';
import staleRead from '../../fuzz/stale-read.fuzz.ts';
import tenantLeak from '../../fuzz/tenant-leak.fuzz.ts';
import lostUpdate from '../../fuzz/lost-update.fuzz.ts';

const seeds = (name: string, fallback: string) => (process.env[name] ?? fallback).split(',').filter((x) => x.trim() !== '').map(Number);
const STALE_SEEDS = seeds('STALE_SEEDS', '1,2,3');
const LEAK_SEEDS = seeds('LEAK_SEEDS', '1,2');
const HYBRID_STALE_SEEDS = seeds('HYBRID_STALE_SEEDS', '1,2,3');
const HYBRID_LEAK_SEEDS = seeds('HYBRID_LEAK_SEEDS', '1');
const LOST_SEEDS = seeds('LOST_SEEDS', '');
const LOST_SHRINK_RUNS = Number(process.env.LOST_SHRINK_RUNS ?? 400);
const MODEL_SEEDS = seeds('MODEL_SEEDS', '1,2,3,4,5,6');
const LEAK_MODEL_SEEDS = seeds('LEAK_MODEL_SEEDS', '1,2,3');
const SHRINK_LIMIT_MS = Number(process.env.SHRINK_LIMIT_MS ?? 20_000);
const benchStart = monotonicMs();

interface Row {
  what: string;
  seed: number;
  found: boolean;
  runsToFind: number;
  msToFind: number;
  shrinkRuns: number;
  shrinkMs: number;
  shrunk: number | null;
  minimum: number;
  unit: string;
}

const ms = (n: number) => `${Math.round(n).toLocaleString('en-US')}`;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

// --- 1. fuzz() on the planted-bug targets --------------------------------------------------------
async function fuzzRow(target: FuzzTarget, seed: number, minimum: number, shrinkRuns?: number): Promise<Row> {
  const result: FuzzResult = await fuzz(target, {
    seed, runs: 1000, timeLimitMs: shrinkRuns ? 60_000 : 30_000, shrinkTimeLimitMs: shrinkRuns ? 120_000 : SHRINK_LIMIT_MS, db: false, replaysDir: false,
    ...(shrinkRuns ? { shrinkRuns } : {}),
  });
  const t = result.timings;
  return {
    what: `fuzz ${target.fuzz.name}`, seed, found: result.found, runsToFind: result.runs,
    // firstFailureMs counts from fuzz()'s start (includes starting the app once, like the model test's setup).
    msToFind: t.firstFailureMs ?? t.searchMs, shrinkRuns: result.shrinkRuns, shrinkMs: t.shrinkMs + t.recordMs,
    shrunk: result.failure ? result.failure.actionsAtFailure : null, minimum, unit: 'actions',
  };
}

// --- 1b. hybrid: seeded runs until one fails, then `shrinkRun` (record canonical tapes, shrink) ----
async function hybridRow(target: FuzzTarget, seed: number, duration: string, minimum: number, store: RunStore): Promise<Row> {
  const settings = target.fuzz;
  const start = monotonicMs();
  let runs = 0;
  let failing: string | null = null;
  for (let s = seed; s < seed + 20 && failing === null; s++) {
    runs++;
    const run = await runSimulation(target, { seed: s, duration, db: store });
    const complaints = await store.complaints(run.runId);
    if (complaints.some((c) => settings.failWhen?.(c) ?? true)) failing = run.runId;
  }
  const msToFind = monotonicMs() - start;
  const base = { what: `hybrid ${settings.name}`, seed, runsToFind: runs, msToFind, minimum, unit: 'actions' };
  if (failing === null) return { ...base, found: false, shrinkRuns: 0, shrinkMs: 0, shrunk: null };
  const shrinkStart = monotonicMs();
  const result = await shrinkRun(target, store, failing, { seed, shrinkTimeLimitMs: SHRINK_LIMIT_MS, db: false, replaysDir: false });
  return {
    ...base, found: true, shrinkRuns: result.shrinkRuns, shrinkMs: monotonicMs() - shrinkStart,
    shrunk: result.failure ? result.failure.actionsAtFailure : null,
    what: `hybrid ${settings.name} (seeded run: ${result.sourceActions} actions)`,
  };
}

// --- 2. plain fc.commands model test for stale-read ----------------------------------------------
interface Model { todos: Array<{ id: string; completed: boolean }> }
interface Real { url: string; headers: Record<string, string> }

let executed = 0;

async function call(real: Real, method: string, url: string, body?: unknown): Promise<unknown> {
  const res = await fetch(real.url + url, {
    method, headers: { ...real.headers, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${method} ${url}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

class CreateCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly title: string) {}
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    executed++;
    const todo = (await call(r, 'POST', '/todos', { title: this.title })) as { id: string };
    m.todos.push({ id: todo.id, completed: false });
  }
  toString(): string {
    return `create(${JSON.stringify(this.title)})`;
  }
}

class CompleteCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly index: number) {}
  check(m: Readonly<Model>): boolean {
    return m.todos.length > 0;
  }
  async run(m: Model, r: Real): Promise<void> {
    executed++;
    const todo = m.todos[this.index % m.todos.length]!;
    const got = (await call(r, 'PATCH', `/todos/${todo.id}`, { completed: true })) as { completed: boolean };
    if (!got.completed) throw new Error(`PATCH ${todo.id} did not complete it`);
    todo.completed = true;
  }
  toString(): string {
    return `complete(${this.index})`;
  }
}

class ListCommand implements fc.AsyncCommand<Model, Real> {
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    executed++;
    const list = (await call(r, 'GET', '/todos')) as Array<{ id: string; completed: boolean }>;
    const got = JSON.stringify(list.map((t) => [t.id, t.completed]));
    const want = JSON.stringify(m.todos.map((t) => [t.id, t.completed]));
    if (got !== want) throw new Error(`list ${got} != model ${want}`);
  }
  toString(): string {
    return 'list';
  }
}

const commands = [
  fc.string({ minLength: 1, maxLength: 8 }).filter((t) => t.trim().length > 0).map((t) => new CreateCommand(t)),
  fc.nat({ max: 9 }).map((i) => new CompleteCommand(i)),
  fc.constant(new ListCommand()),
];

// tenant-leak: a hand-written multi-user, multi-tenant model (users sign up into teams; each
// list must hold exactly the caller's team's todos).
interface TenantModel { users: Array<{ name: string; team: string }>; todos: Array<{ id: string; team: string }> }
interface TenantReal { url: string; next: number }
const as = (r: TenantReal, name: string): Real => ({ url: r.url, headers: { 'x-user': name, 'x-password': 'pw' } });
const userOf = (m: Readonly<TenantModel>, u: number) => m.users[u % m.users.length]!;

class SignupCommand implements fc.AsyncCommand<TenantModel, TenantReal> {
  constructor(readonly team: string) {}
  check(): boolean {
    return true;
  }
  async run(m: TenantModel, r: TenantReal): Promise<void> {
    executed++;
    const name = `m${++r.next}`;
    await call({ url: r.url, headers: {} }, 'POST', '/users', { username: name, password: 'pw', team: this.team });
    m.users.push({ name, team: this.team });
  }
  toString(): string {
    return `signup(${this.team})`;
  }
}

class TenantCreateCommand implements fc.AsyncCommand<TenantModel, TenantReal> {
  constructor(readonly user: number) {}
  check(m: Readonly<TenantModel>): boolean {
    return m.users.length > 0;
  }
  async run(m: TenantModel, r: TenantReal): Promise<void> {
    executed++;
    const user = userOf(m, this.user);
    const todo = (await call(as(r, user.name), 'POST', '/todos', { title: 'x' })) as { id: string };
    m.todos.push({ id: todo.id, team: user.team });
  }
  toString(): string {
    return `create(user ${this.user})`;
  }
}

class TenantDeleteCommand implements fc.AsyncCommand<TenantModel, TenantReal> {
  constructor(readonly user: number, readonly index: number) {}
  check(m: Readonly<TenantModel>): boolean {
    return m.users.length > 0 && m.todos.some((t) => t.team === userOf(m, this.user).team);
  }
  async run(m: TenantModel, r: TenantReal): Promise<void> {
    executed++;
    const user = userOf(m, this.user);
    const mine = m.todos.filter((t) => t.team === user.team);
    const todo = mine[this.index % mine.length]!;
    await call(as(r, user.name), 'DELETE', `/todos/${todo.id}`);
    m.todos.splice(m.todos.indexOf(todo), 1);
  }
  toString(): string {
    return `delete(user ${this.user}, ${this.index})`;
  }
}

class TenantListCommand implements fc.AsyncCommand<TenantModel, TenantReal> {
  constructor(readonly user: number) {}
  check(m: Readonly<TenantModel>): boolean {
    return m.users.length > 0;
  }
  async run(m: TenantModel, r: TenantReal): Promise<void> {
    executed++;
    const user = userOf(m, this.user);
    const list = (await call(as(r, user.name), 'GET', '/todos')) as Array<{ id: string; team: string }>;
    const got = JSON.stringify(list.map((t) => `${t.id}@${t.team}`).sort());
    const want = JSON.stringify(m.todos.filter((t) => t.team === user.team).map((t) => `${t.id}@${t.team}`).sort());
    if (got !== want) throw new Error(`list of ${user.name}@${user.team} ${got} != model ${want}`);
  }
  toString(): string {
    return `list(user ${this.user})`;
  }
}

const tenantCommands = [
  fc.constantFrom('red', 'blue', 'green').map((t) => new SignupCommand(t)),
  fc.nat({ max: 3 }).map((u) => new TenantCreateCommand(u)),
  fc.tuple(fc.nat({ max: 3 }), fc.nat({ max: 9 })).map(([u, i]) => new TenantDeleteCommand(u, i)),
  fc.nat({ max: 3 }).map((u) => new TenantListCommand(u)),
];

interface ModelTest<M extends object, R> {
  name: string;
  commands: Array<fc.Arbitrary<fc.AsyncCommand<M, R>>>;
  /** After app.reset(): the initial model and real system. */
  setup(app: TodoApp, run: number): Promise<{ model: M; real: R }>;
  minimum: number;
}

const staleReadModel: ModelTest<Model, Real> = {
  name: 'stale-read', commands, minimum: 6,
  async setup(app, run) {
    const username = `u${run}`;
    await call({ url: app.url, headers: {} }, 'POST', '/users', { username, password: 'pw', team: 'red' });
    return { model: { todos: [] }, real: { url: app.url, headers: { 'x-user': username, 'x-password': 'pw' } } };
  },
};
// Minimum: signup A, signup B (other team), create (A), delete (A), create (B: reuses the id), list (A).
const tenantLeakModel: ModelTest<TenantModel, TenantReal> = {
  name: 'tenant-leak', commands: tenantCommands, minimum: 6,
  setup: async (app) => ({ model: { users: [], todos: [] }, real: { url: app.url, next: 0 } }),
};

async function modelRow<M extends object, R>(app: TodoApp, test: ModelTest<M, R>, seed: number): Promise<Row> {
  const start = monotonicMs();
  let runs = 0;
  let firstFailureMs: number | null = null;
  let runsToFind = 0;
  let lastFailingCommands = 0;
  const property = fc.asyncProperty(fc.commands(test.commands, { size: 'small' }), async (cmds) => {
    runs++;
    app.reset();
    const initial = await test.setup(app, runs);
    executed = 0;
    try {
      await fc.asyncModelRun(() => initial, cmds);
    } catch (error) {
      firstFailureMs ??= monotonicMs() - start;
      if (runsToFind === 0) runsToFind = runs;
      lastFailingCommands = executed;
      throw error;
    }
  });
  const details = await fc.check(property, { seed, numRuns: 10_000, interruptAfterTimeLimit: 30_000 });
  const total = monotonicMs() - start;
  return {
    what: `fc.commands ${test.name}`, seed, found: details.failed, runsToFind, msToFind: firstFailureMs ?? total,
    shrinkRuns: runs - runsToFind, shrinkMs: total - (firstFailureMs ?? total),
    // The final counterexample is the last failing run; its executed commands.
    shrunk: details.failed ? lastFailingCommands : null, minimum: test.minimum, unit: 'commands',
  };
}

// --- run -----------------------------------------------------------------------------------------
const rows: Row[] = [];
const modelRows: Row[] = [];
// Baseline first (warms fetch/undici and tsx module loading for both sides).
const app = await startTodoApp({ bugs: ['stale-read'] });
try {
  await modelRow(app, staleReadModel, 999); // warm-up, not reported
  for (const seed of MODEL_SEEDS) modelRows.push(await modelRow(app, staleReadModel, seed));
  app.setBugs(['tenant-leak']);
  for (const seed of LEAK_MODEL_SEEDS) modelRows.push(await modelRow(app, tenantLeakModel, seed));
} finally {
  await app.stop();
}
for (const seed of STALE_SEEDS) rows.push(await fuzzRow(staleRead, seed, 11));
for (const seed of LEAK_SEEDS) rows.push(await fuzzRow(tenantLeak, seed, 15));
for (const seed of LOST_SEEDS) rows.push(await fuzzRow(lostUpdate, seed, 7, LOST_SHRINK_RUNS));
const store = await openStore(':memory:');
try {
  for (const seed of HYBRID_STALE_SEEDS) rows.push(await hybridRow(staleRead, seed, '2h', 11, store));
  for (const seed of HYBRID_LEAK_SEEDS) rows.push(await hybridRow(tenantLeak, seed, '8h', 15, store));
} finally {
  await store.close();
}

const header = ['what', 'seed', 'found', 'runs to find', 'ms to find', 'shrink runs', 'ms to shrink', 'shrunk', 'minimum'];
const lines = [...rows, ...modelRows].map((r) => [
  r.what, String(r.seed), r.found ? 'yes' : 'NO', String(r.runsToFind), ms(r.msToFind), String(r.shrinkRuns), ms(r.shrinkMs),
  r.shrunk === null ? '-' : `${r.shrunk} ${r.unit}`, `${r.minimum} ${r.unit}`,
]);
const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
const print = (cells: string[]) => console.log(`| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`);
print(header);
print(widths.map((w) => '-'.repeat(w)));
for (const l of lines) print(l);

const stale = rows.filter((r) => r.what === 'fuzz stale-read' && r.found);
const modelFound = modelRows.filter((r) => r.what === 'fc.commands stale-read' && r.found);
if (stale.length > 0 && modelFound.length > 0) {
  const fuzzFind = median(stale.map((r) => r.msToFind));
  const fuzzTotal = median(stale.map((r) => r.msToFind + r.shrinkMs));
  const modelFind = median(modelFound.map((r) => r.msToFind));
  const modelTotal = median(modelFound.map((r) => r.msToFind + r.shrinkMs));
  console.log('');
  console.log(`stale-read (single actor), medians: fuzz find ${ms(fuzzFind)} ms, find+shrink ${ms(fuzzTotal)} ms; `
    + `fc.commands find ${ms(modelFind)} ms, find+shrink ${ms(modelTotal)} ms`);
  console.log(`fuzz time / model-test time: find ${(fuzzFind / modelFind).toFixed(1)}x, find+shrink ${(fuzzTotal / modelTotal).toFixed(1)}x   (goal <= 2x)`);
  const hybrid = rows.filter((r) => r.what.startsWith('hybrid stale-read') && r.found);
  if (hybrid.length > 0) {
    const hybridTotal = median(hybrid.map((r) => r.msToFind + r.shrinkMs));
    console.log(`hybrid find+shrink ${ms(hybridTotal)} ms (median): hybrid / model-test time ${(hybridTotal / modelTotal).toFixed(1)}x`);
  }
}
const leak = rows.filter((r) => r.what === 'fuzz tenant-leak' && r.found);
const leakModel = modelRows.filter((r) => r.what === 'fc.commands tenant-leak' && r.found);
if (leak.length > 0 && leakModel.length > 0) {
  const fuzzTotal = median(leak.map((r) => r.msToFind + r.shrinkMs));
  const modelTotal = median(leakModel.map((r) => r.msToFind + r.shrinkMs));
  console.log(`tenant-leak (multi-actor; the model test needs a hand-written multi-user, multi-tenant model), medians find+shrink: `
    + `fuzz ${ms(fuzzTotal)} ms, fc.commands ${ms(modelTotal)} ms: ${(fuzzTotal / modelTotal).toFixed(1)}x`);
}
console.log(`bench wall time: ${ms(monotonicMs() - benchStart)} ms`);
