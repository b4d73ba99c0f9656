/**
 * Full-speed HTTP benchmark (issue 13 §2): the same target process (a 20-byte JSON answer,
 * keep-alive), IN_FLIGHT requests in flight (default 32), DURATION seconds each (default 5), the
 * target pinned to core 0 and each load generator to core 1 (taskset, when there is one):
 *
 *   - a raw `undici` Pool request loop (the baseline: what Node can do at all), and the same in
 *     rounds of IN_FLIGHT requests that wait for each other (the step barrier of --concurrency),
 *   - autocannon (`-c IN_FLIGHT`), Artillery (`quick`, IN_FLIGHT virtual users),
 *   - beamulator: IN_FLIGHT actors with --concurrency IN_FLIGHT, every action and exchange
 *     recorded to a DuckDB file (as a run does: journaled while saturated, and never journaled),
 *     to `:memory:`, and with no store.
 *
 * Prints req/s, latency p50/p99 and the ratios. beamulator's req/s is over the time the target
 * was under load (up to its last action's end); a file store that journaled rows during the run
 * (src/store/row-journal.ts) then loads them into DuckDB, and that time is printed apart, with the
 * end-to-end rate (store open to close). Goals: beamulator with a file store >= 0.75x
 * undici, >= 0.6x autocannon, >= 10x Artillery, p99 within 1.5x undici's. autocannon and
 * Artillery (the last one that runs on Node 20) are installed on first use into
 * node_modules/.cache/beamulator-bench-tools (npm registry). Run: npm run bench:http
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { root } from '../../test/support/cli.ts';

const inFlight = Number(process.env.IN_FLIGHT ?? 32);
const seconds = Number(process.env.DURATION ?? 5);
const here = import.meta.dirname;
const tools = path.join(root, 'node_modules/.cache/beamulator-bench-tools');
const dir = mkdtempSync(path.join(tmpdir(), 'beamulator-http-'));
const pin = (core: number, command: string[]) => (spawnSync('taskset', ['-c', '0', 'true']).status === 0 ? ['taskset', '-c', String(core), ...command] : command);

function ensureTools(): void {
  if (existsSync(path.join(tools, 'node_modules/.bin/autocannon')) && existsSync(path.join(tools, 'node_modules/.bin/artillery'))) return;
  console.log(`installing autocannon and artillery into ${path.relative(root, tools)} (once) ...`);
  // --ignore-scripts: Artillery's Playwright engine would download a browser, which this bench does not use.
  execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--ignore-scripts', '--prefix', tools, 'autocannon@8', 'artillery@2.0.21'], { stdio: 'inherit' });
}

/** cpuUs: the load generator's own CPU time (user + system, all its threads), where it reports it. */
interface Result { name: string; requests: number; seconds: number; p50: number | null; p99: number | null; cpuUs?: number; loadSeconds?: number }

function run(command: string[], options: { cwd?: string } = {}): Promise<string> {
  const child = spawn(command[0]!, command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], cwd: options.cwd ?? root, env: { ...process.env, NO_COLOR: '1' } });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${command.join(' ')} exited ${code}: ${err.slice(-2000)}`)))));
}

async function startTarget(): Promise<{ url: string; stop: () => void }> {
  const [cmd, ...args] = pin(0, [process.execPath, path.join(here, 'target.mjs')]);
  const child = spawn(cmd!, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve) => child.stdout.once('data', (d) => resolve(String(d).trim())));
  return { url, stop: () => child.kill('SIGTERM') };
}

async function undiciLoop(url: string, mode: 'loop' | 'barrier' = 'loop'): Promise<Result> {
  const out = await run(pin(1, [process.execPath, path.join(here, 'undici-loop.mjs'), url, String(inFlight), String(seconds * 1000), mode]));
  return { name: mode === 'loop' ? 'undici loop (baseline)' : `undici, rounds of ${inFlight} (barrier)`, ...JSON.parse(out) };
}

async function autocannon(url: string): Promise<Result> {
  const out = await run(pin(1, [path.join(tools, 'node_modules/.bin/autocannon'), '-c', String(inFlight), '-d', String(seconds), '-j', url]));
  const report = JSON.parse(out) as { requests: { total: number }; latency: { p50: number; p99: number }; duration: number };
  return { name: 'autocannon', requests: report.requests.total, seconds: report.duration, p50: report.latency.p50, p99: report.latency.p99 };
}

async function artillery(url: string): Promise<Result> {
  // `quick`: IN_FLIGHT virtual users, each sending requests back to back; sized to last about DURATION.
  const perUser = Math.max(50, Math.round((3000 * seconds) / inFlight));
  const report = path.join(dir, 'artillery.json');
  const started = performance.now();
  await run(pin(1, [path.join(tools, 'node_modules/.bin/artillery'), 'quick', '--count', String(inFlight), '--num', String(perUser), '--output', report, url]));
  const elapsed = (performance.now() - started) / 1000;
  const agg = (JSON.parse(readFileSync(report, 'utf8')) as {
    aggregate: { counters: Record<string, number>; summaries: Record<string, { p50: number; p99: number }>; firstMetricAt?: number; lastMetricAt?: number };
  }).aggregate;
  const latency = agg.summaries['http.response_time'];
  // Its own first-to-last metric span when the report has it: Artillery's start-up is not counted against it.
  const span = agg.firstMetricAt && agg.lastMetricAt && agg.lastMetricAt > agg.firstMetricAt ? (agg.lastMetricAt - agg.firstMetricAt) / 1000 : elapsed;
  return { name: 'Artillery (quick)', requests: agg.counters['http.responses'] ?? 0, seconds: span, p50: latency?.p50 ?? null, p99: latency?.p99 ?? null };
}

async function beamulator(url: string, db: string, label: string): Promise<Result> {
  const out = await run(pin(1, [process.execPath, '--conditions=beamulator-source', '--import', 'tsx', path.join(here, 'beamulator-run.ts'), url.replace(/\/x$/, ''), String(inFlight), String(seconds * 1000), db]));
  return { name: `beamulator, ${label}`, ...JSON.parse(out.trim().split('\n').at(-1)!) };
}

ensureTools();
const target = await startTarget();
try {
  console.log(`GET ${target.url}: 20-byte JSON, ${inFlight} in flight, ${seconds} s each; target on core 0, load on core 1`);
  const results: Result[] = [];
  const measure = async (p: Promise<Result>) => {
    const r = await p;
    results.push(r);
    const rate = r.requests / (r.loadSeconds ?? r.seconds);
    const cpu = r.cpuUs === undefined ? '' : `   CPU ${(r.cpuUs / r.requests).toFixed(1).padStart(5)} µs/req`;
    // After its last action a run closes its store: a run that journaled rows loads them into DuckDB then.
    const closing = r.loadSeconds === undefined ? ''
      : `   +${(r.seconds - r.loadSeconds).toFixed(1)} s to close (${Math.round(r.requests / r.seconds).toLocaleString('en')} req/s end to end)`;
    console.log(`  ${r.name.padEnd(40)} ${Math.round(rate).toLocaleString('en').padStart(8)} req/s   p50 ${fmt(r.p50)}  p99 ${fmt(r.p99)}${cpu}${closing}`);
  };
  await measure(undiciLoop(target.url));
  // What the step barrier of --concurrency costs by itself (no beamulator in it).
  await measure(undiciLoop(target.url, 'barrier'));
  await measure(autocannon(target.url));
  await measure(artillery(target.url));
  await measure(beamulator(target.url, path.join(dir, 'run.duckdb'), 'DuckDB file'));
  // The same without the journal: every row committed into DuckDB during the run.
  await measure(beamulator(target.url, `direct:${path.join(dir, 'direct.duckdb')}`, 'DuckDB file, never journaled'));
  await measure(beamulator(target.url, ':memory:', ':memory: store'));
  await measure(beamulator(target.url, 'none', 'no store'));
  const rate = (name: string) => { const r = results.find((x) => x.name.startsWith(name))!; return r.requests / (r.loadSeconds ?? r.seconds); };
  const p99 = (name: string) => results.find((x) => x.name.startsWith(name))!.p99 ?? NaN;
  const file = rate('beamulator, DuckDB file');
  console.log(`beamulator (file store): ${(file / rate('undici')).toFixed(2)}x undici (goal >= 0.75), ${(file / rate('autocannon')).toFixed(2)}x autocannon (goal >= 0.6),`
    + ` ${(file / rate('Artillery')).toFixed(1)}x Artillery (goal >= 10); p99 ${(p99('beamulator, DuckDB file') / p99('undici')).toFixed(2)}x undici's (goal <= 1.5)`);
  // On a shared machine req/s follows the load of the moment; CPU time per request much less so.
  const cpuPer = (name: string) => { const r = results.find((x) => x.name.startsWith(name))!; return (r.cpuUs ?? NaN) / r.requests; };
  console.log(`CPU per request: file store ${(cpuPer('beamulator, DuckDB file') / cpuPer('undici')).toFixed(2)}x undici's, no store ${(cpuPer('beamulator, no store') / cpuPer('undici')).toFixed(2)}x`);
} finally {
  target.stop();
  rmSync(dir, { recursive: true, force: true });
}

function fmt(ms: number | null): string {
  return ms === null ? '   -' : `${ms.toFixed(2)} ms`.padStart(9);
}
