// One run of bench/http/crowd.sim.ts against TARGET for ACTIONS actions, recorded to a fresh
// DuckDB file, in its own process so its peak RSS is its own. Samples RSS and the JS heap every
// 50 ms through the run and the store's close; the peak RSS is the kernel's high-water mark
// (VmHWM, read after close), so a spike between samples counts too. Prints one JSON line.
//
//   node --conditions=beamulator-source --import tsx bench/memory/memory-run.ts <target> <actions> <db> [settings json]
//
// settings: OpenStoreOptions for the run's store (e.g. {"memoryLimit":"64MB"}; {} = DuckDB's
// defaults); the script opens the store (so its close is timed apart from the run) and the run
// records into it. "run": the settings a run opens its store with (runStoreSettings).
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { openStore, runSimulation } from 'beamulator';
import { runStoreSettings, type OpenStoreOptions } from '../../src/store/duckdb-store.ts';
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
