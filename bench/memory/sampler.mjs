// What a process's memory consists of, sampled through its life: preloaded with
// `node --import ./bench/memory/sampler.mjs ...` (the compiled CLI as a user runs it, or
// memory-run.ts), it samples every 50 ms and at exit writes one JSON object to the file named by
// MEMORY_OUT:
// - the kernel's view (/proc/self/status): peak RSS (VmHWM), and RSS split into anonymous
//   (malloc'd and V8's heap: what the process allocated) and file-backed (mapped code such as
//   node itself and DuckDB's library: shared with other processes, dropped under pressure);
// - V8's view: the JS heap by space (new space = the young generation, old space...), external
//   and array buffer memory;
// - what globalThis.__memoryProbe (set by the measured code, e.g. DuckDB's own accounting)
//   returns, sampled every 500 ms;
// - at the sample of highest RSS, all of the above together, so the peak can be split.
import { readFileSync, writeFileSync } from 'node:fs';
import v8 from 'node:v8';

const out = process.env.MEMORY_OUT;
const mb = (bytes) => Math.round(bytes / 2 ** 20 * 10) / 10;
const statusFields = ['VmHWM', 'VmRSS', 'RssAnon', 'RssFile', 'RssShmem'];

function kernel() {
  const result = {};
  for (const line of readFileSync('/proc/self/status', 'utf8').split('\n')) {
    const name = line.slice(0, line.indexOf(':'));
    if (statusFields.includes(name)) result[name] = Math.round(Number(/(\d+) kB/.exec(line)[1]) / 1024 * 10) / 10;
  }
  return result;
}

function v8View() {
  const spaces = {};
  for (const s of v8.getHeapSpaceStatistics()) if (s.space_size > 0) spaces[s.space_name] = { size: mb(s.space_size), used: mb(s.space_used_size) };
  const u = process.memoryUsage();
  const h = v8.getHeapStatistics();
  return { mallocedMemory: mb(h.malloced_memory), peakMallocedMemory: mb(h.peak_malloced_memory), heapUsed: mb(u.heapUsed), heapTotal: mb(u.heapTotal), external: mb(u.external), arrayBuffers: mb(u.arrayBuffers), spaces };
}

const newSpaceAtStartMb = v8View().spaces.new_space?.size ?? 0;
const peaks = { VmRSS: 0, RssAnon: 0, RssFile: 0, heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0, newSpace: 0, oldSpace: 0 };
const rssSamples = [];
let atPeak = null;
let probe = null;
let probePeak = {};
let sampling = false;

function sample() {
  const k = kernel();
  const v = v8View();
  rssSamples.push(k.VmRSS);
  const now = { VmRSS: k.VmRSS, RssAnon: k.RssAnon, RssFile: k.RssFile, heapUsed: v.heapUsed, heapTotal: v.heapTotal,
    external: v.external, arrayBuffers: v.arrayBuffers, newSpace: v.spaces.new_space?.size ?? 0, oldSpace: v.spaces.old_space?.size ?? 0 };
  for (const key of Object.keys(peaks)) peaks[key] = Math.max(peaks[key], now[key]);
  if (!atPeak || k.VmRSS > atPeak.kernel.VmRSS) atPeak = { tSec: Math.round(process.uptime() * 10) / 10, kernel: k, v8: v, probe };
}

async function sampleProbe() {
  const fn = globalThis.__memoryProbe;
  if (typeof fn !== 'function' || sampling) return;
  sampling = true;
  try {
    probe = await fn();
    for (const [key, value] of Object.entries(probe ?? {})) if (typeof value === 'number') probePeak[key] = Math.max(probePeak[key] ?? 0, value);
  } catch {
    // The store may be closing: skip this one.
  } finally {
    sampling = false;
  }
}

setInterval(sample, 50).unref();
setInterval(() => void sampleProbe(), 500).unref();

process.on('exit', () => {
  sample();
  const deciles = Array.from({ length: 10 }, (_, i) => Math.round(rssSamples[Math.floor((rssSamples.length - 1) * (i + 1) / 10)] ?? 0));
  const cpu = process.cpuUsage();
  const report = { peakRssMb: kernel().VmHWM, cpuSeconds: (cpu.user + cpu.system) / 1e6, newSpaceAtStartMb, peaks, probePeak, rssDecilesMb: deciles, atPeak, end: { kernel: kernel(), v8: v8View() } };
  if (out) writeFileSync(out, JSON.stringify(report) + '\n');
});
