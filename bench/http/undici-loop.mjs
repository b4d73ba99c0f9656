// Baseline: IN_FLIGHT loops of undici.request on one keep-alive pool, for DURATION_MS. Prints JSON.
// MODE 'barrier': rounds of IN_FLIGHT requests, each round waiting for all of its requests (what
// beamulator's --concurrency does with a step's due actors), to tell the barrier's cost from beamulator's own.
import { Pool } from 'undici';

const [url, inFlight, durationMs, mode] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4]), process.argv[5] ?? 'loop'];
const { origin, pathname } = new URL(url);
const pool = new Pool(origin, { connections: inFlight, pipelining: 1 });
const latencies = [];
let done = 0;
const cpuBefore = process.cpuUsage();
const end = performance.now() + durationMs;
const one = async () => {
  const t = performance.now();
  const res = await pool.request({ path: pathname, method: 'GET' });
  await res.body.json();
  latencies.push(performance.now() - t);
  done++;
};
if (mode === 'barrier') {
  while (performance.now() < end) await Promise.all(Array.from({ length: inFlight }, one));
} else {
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (performance.now() < end) await one();
  }));
}
const cpu = process.cpuUsage(cpuBefore);
await pool.close();
latencies.sort((a, b) => a - b);
console.log(JSON.stringify({ requests: done, seconds: durationMs / 1000, p50: latencies[Math.floor(latencies.length * 0.5)], p99: latencies[Math.floor(latencies.length * 0.99)], cpuUs: cpu.user + cpu.system }));
