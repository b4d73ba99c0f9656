// One run of bench/http/crowd.sim.ts against TARGET for ACTIONS actions, recorded to a fresh
// DuckDB file, in its own process so its peak RSS is its own. Prints one JSON line (actions/s,
// the store's close time, its own RSS samples); with bench/memory/sampler.mjs preloaded (as
// memory.bench.ts runs it) it also hands the sampler DuckDB's accounting and the writer's
// buffered rows (globalThis.__memoryProbe).
//
//   MEMORY_OUT=out.json node --import ./bench/memory/sampler.mjs --import tsx bench/memory/memory-run.ts <target> <actions> <db> [settings json]
//
// settings: OpenStoreOptions for the run's store (e.g. {"memoryLimit":"64MB"}; {} = DuckDB's
// defaults); the script opens the store (so its close is timed apart from the run) and the run
// records into it. "run": the settings a run opens its store with (runStoreSettings).
import { readFileSync, realpathSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
// The compiled library (dist/, `npm run build`), as a user's process runs it: not src/ through
// tsx, whose compiled modules and caches a user's process does not hold. Only the simulation
// file goes through tsx, as it does under the CLI.
import { runSimulation } from '../../dist/index.js';
import { openStore, runStoreSettings, type OpenStoreOptions } from '../../dist/store/duckdb-store.js';
import sim from '../http/crowd.sim.ts';

const [target, actions, db, settingsJson] = [process.argv[2]!, Number(process.argv[3]), process.argv[4]!, process.argv[5]];
// false: record nothing (the floor: what the engine and HTTP take without a store).
const given = JSON.parse(settingsJson ?? '{}') as OpenStoreOptions | false | 'run';
const settings = given === 'run' ? runStoreSettings : given;

const mb = (bytes: number) => bytes / 2 ** 20;
const kernelMb = (field: string) => Number(/(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith(field)) ?? '')?.[1] ?? NaN) / 1024;

let maxRss = 0; let maxHeap = 0; let lastRss = 0; let maxHeapTotal = 0; let maxExternal = 0;
const samples: number[] = [];
const sample = () => {
  const rss = mb(process.memoryUsage.rss());
  const usage = process.memoryUsage();
  const heap = mb(usage.heapUsed);
  maxHeapTotal = Math.max(maxHeapTotal, mb(usage.heapTotal)); maxExternal = Math.max(maxExternal, mb(usage.external));
  maxRss = Math.max(maxRss, rss); maxHeap = Math.max(maxHeap, heap); lastRss = rss;
  samples.push(rss);
};
const timer = setInterval(sample, 50);

const t0 = performance.now();
const store = settings === false ? null : await openStore(db, settings);
// For bench/memory/sampler.mjs when preloaded: DuckDB's own accounting and the writer's buffered rows.
if (store) {
  const { acquireInstance } = await import('../../dist/store/instance-cache.js');
  const lease = await acquireInstance(realpathSync(db), db, { readOnly: false }, async () => {});
  const conn = await lease.instance.connect();
  let writer: { pendingRows: number } | null = null;
  const beginRun = store.beginRun.bind(store);
  store.beginRun = async (run) => { const w = await beginRun(run); writer = w as unknown as { pendingRows: number }; return w; };
  (globalThis as { __memoryProbe?: () => Promise<Record<string, number>> }).__memoryProbe = async () => {
    const rows = (await conn.runAndReadAll("SELECT tag, memory_usage_bytes FROM duckdb_memory() WHERE memory_usage_bytes > 0")).getRowObjectsJS();
    const r: Record<string, number> = { pendingRows: writer?.pendingRows ?? 0 };
    let total = 0;
    for (const row of rows) { const v = Number(row.memory_usage_bytes) / 2 ** 20; r[`duckdb ${String(row.tag)}`] = Math.round(v * 10) / 10; total += v; }
    r.duckdbTotal = Math.round(total * 10) / 10;
    return r;
  };
  const close = store.close.bind(store);
  store.close = async () => { delete (globalThis as { __memoryProbe?: unknown }).__memoryProbe; conn.closeSync(); lease.release(); await close(); };
}
const result = await runSimulation(sim, {
  seed: 1, target, params: { actors: 32 }, concurrency: 32, maxActions: actions, db: store ?? false,
});
const tRun = performance.now();
sample();
await store?.close();
sample();
clearInterval(timer);
const tClose = performance.now();
// The RSS sampled at each tenth of the run, to see whether it stays flat.
const deciles = Array.from({ length: 10 }, (_, i) => Math.round(samples[Math.floor((samples.length - 1) * (i + 1) / 10)]!));
console.log(JSON.stringify({
  actions: result.summary.actions, runSeconds: (tRun - t0) / 1000, closeSeconds: (tClose - tRun) / 1000,
  actionsPerSecond: result.summary.actions / ((tRun - t0) / 1000),
  peakRssMb: kernelMb('VmHWM'), maxSampledRssMb: maxRss, endRssMb: lastRss, maxHeapMb: maxHeap, maxHeapTotalMb: maxHeapTotal, maxExternalMb: maxExternal, rssDecilesMb: deciles,
}));
