/**
 * Memory of a long recorded run (issue 13 §2: flat over 1M actions, peak <= 250 MB RSS with a
 * file store). Each variant is a fresh process running the crowd sim of bench/http against one
 * target process, 32 in flight, recording ACTIONS actions to a fresh DuckDB file; variants are
 * interleaved over ROUNDS rounds so load drifts hit them alike. Every process is measured by
 * bench/memory/sampler.mjs (preloaded): peak RSS (the kernel's high-water mark, the store's close
 * included) split into anonymous and file-backed memory (node's and DuckDB's code), the JS heap
 * (committed, used, new and old space), DuckDB's own accounting (duckdb_memory()) and the
 * writer's buffered rows where reachable, RSS by tenths of the run, CPU per action and actions/s.
 *
 * What runs is the compiled code (dist/, rebuilt first when older than src/), as a user runs it:
 * - `{"cli": true}`: `beamulator run` itself (bin/beamulator.js), with everything it sets up;
 * - `{"store": <OpenStoreOptions> | "run" | false}`: runSimulation of dist/ in
 *   bench/memory/memory-run.ts with that store ("run" = runStoreSettings; false = no store),
 *   which also samples DuckDB's accounting;
 * - `"node": [flags]` adds node flags to either (e.g. ["--heap-growing-percent=0"]: V8's own
 *   heap growing, which the CLI otherwise bounds; ["--max-semi-space-size=4"]).
 * Only the simulation file goes through tsx, as under the CLI.
 *
 *   npm run bench:memory                       # ACTIONS=1000000, ROUNDS=1: before mem2, now (API), now (CLI)
 *   ACTIONS=200000 ROUNDS=3 npm run bench:memory
 *   VARIANTS='{"32MB":{"store":{"memoryLimit":"32MB"}},"cli":{"cli":true}}' npm run bench:memory
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { buildDist, distIsStale } from '../../test/support/build-dist.ts';

interface Variant { cli?: boolean; store?: unknown; node?: string[] }
interface Sampled {
  peakRssMb: number; cpuSeconds: number; rssDecilesMb: number[];
  peaks: { RssAnon: number; RssFile: number; heapUsed: number; heapTotal: number; external: number; newSpace: number; oldSpace: number };
  probePeak: { duckdbTotal?: number; pendingRows?: number };
  atPeak: { kernel: { RssAnon: number }; v8: { heapTotal: number; external: number }; probe: { duckdbTotal?: number } | null };
}
interface Result extends Sampled { actions: number; actionsPerSecond: number; closeSeconds: number | null }

const ACTIONS = Number(process.env.ACTIONS ?? 1_000_000);
const ROUNDS = Number(process.env.ROUNDS ?? 1);
// Before branch mem2: runStoreSettings were 64 MB + 16 MB, and the CLI left V8's heap growing alone.
const before = { memoryLimit: '64MB', duckdbSettings: { allocator_flush_threshold: '16MB' } };
const variants = JSON.parse(process.env.VARIANTS ?? JSON.stringify({
  'before': { store: before, node: ['--heap-growing-percent=0'] },
  'now': { store: 'run', node: ['--heap-growing-percent=50'] },
  'cli': { cli: true },
})) as Record<string, Variant>;
const here = new URL('.', import.meta.url).pathname;
const root = join(here, '../..');

if (distIsStale()) {
  console.log('dist/ is older than src/: rebuilding it (npm run build) ...');
  buildDist();
}
const target = spawn(process.execPath, [join(here, '../http/target.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise<string>((resolve) => createInterface({ input: target.stdout }).once('line', resolve));
const dir = mkdtempSync(join(tmpdir(), 'beam-memory-'));
const results = new Map<string, Result[]>(Object.keys(variants).map((name) => [name, []]));
const load = () => spawnSync('uptime', { encoding: 'utf8' }).stdout.trim().replace(/.*load/, 'load');

function runOne(name: string, variant: Variant, round: number): Result {
  const base = join(dir, `${name}-${round}`.replace(/[^\w.-]/g, '_'));
  const db = `${base}.duckdb`;
  const sampled = `${base}.json`;
  const preload = ['--import', join(here, 'sampler.mjs'), ...(variant.node ?? [])];
  const args = variant.cli
    ? [...preload, join(root, 'bin/beamulator.js'), 'run', join(root, 'bench/http/crowd.sim.ts'), '--target', url, '--db', db,
      '--max-actions', String(ACTIONS), '-c', '32', '--seed', '1', '--no-progress', '--json']
    : [...preload, '--import', 'tsx', join(here, 'memory-run.ts'), url, String(ACTIONS), db, JSON.stringify(variant.store ?? 'run')];
  const child = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, MEMORY_OUT: sampled }, maxBuffer: 1 << 26 });
  if (child.status !== 0) throw new Error(`variant ${name} exited with ${child.status}`);
  const s = JSON.parse(readFileSync(sampled, 'utf8')) as Sampled;
  rmSync(db, { force: true }); rmSync(`${db}.wal`, { force: true });
  if (variant.cli) {
    // The CLI's wall time counts from its start (modules, store, target check) to its end.
    const out = JSON.parse(child.stdout) as { summary: { actions: number }; wallMs: number };
    return { ...s, actions: out.summary.actions, actionsPerSecond: out.summary.actions / (out.wallMs / 1000), closeSeconds: null };
  }
  const out = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as { actions: number; actionsPerSecond: number; closeSeconds: number };
  return { ...s, ...out };
}

console.log(`${ACTIONS} actions per run, ${ROUNDS} round(s), ${load()}`);
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, variant] of Object.entries(variants)) {
      const r = runOne(name, variant, round);
      results.get(name)!.push(r);
      const p = r.peaks;
      console.log(`${name.padEnd(10)} peak RSS ${r.peakRssMb.toFixed(0)} MB (anon ${p.RssAnon.toFixed(0)}, file ${p.RssFile.toFixed(0)}), JS heap max ${p.heapUsed.toFixed(0)} used / ${p.heapTotal.toFixed(0)} committed`
        + ` (new ${p.newSpace.toFixed(0)}, old ${p.oldSpace.toFixed(0)}), external max ${p.external.toFixed(0)}, DuckDB max ${(r.probePeak.duckdbTotal ?? NaN).toFixed(0)} MB, buffered rows max ${r.probePeak.pendingRows ?? '-'};`
        + ` at the peak: anon ${r.atPeak.kernel.RssAnon.toFixed(0)} = JS heap ${r.atPeak.v8.heapTotal.toFixed(0)} + external ${r.atPeak.v8.external.toFixed(0)} + DuckDB ${(r.atPeak.probe?.duckdbTotal ?? NaN).toFixed(0)} + rest;`
        + ` ${r.actionsPerSecond.toFixed(0)} actions/s, ${(r.cpuSeconds / r.actions * 1e6).toFixed(0)} µs CPU/action${r.closeSeconds === null ? '' : `, close ${(r.closeSeconds * 1000).toFixed(0)} ms`};`
        + ` RSS by tenths [${r.rssDecilesMb.join(' ')}] (${load()})`);
    }
  }
} finally {
  target.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const first = Object.keys(variants)[0]!;
const baseRate = median(results.get(first)!.map((r) => r.actionsPerSecond));
console.log('\nmedians:');
for (const [name, rs] of results) {
  const rate = median(rs.map((r) => r.actionsPerSecond));
  console.log(`${name.padEnd(10)} peak RSS ${median(rs.map((r) => r.peakRssMb)).toFixed(0)} MB (goal <= 250), JS heap ${median(rs.map((r) => r.peaks.heapTotal)).toFixed(0)} MB committed,`
    + ` ${rate.toFixed(0)} actions/s (${(rate / baseRate).toFixed(2)}x ${first}), ${median(rs.map((r) => r.cpuSeconds / r.actions * 1e6)).toFixed(0)} µs CPU/action`);
}
