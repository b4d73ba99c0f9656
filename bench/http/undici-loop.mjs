// Baseline: IN_FLIGHT loops of undici.request on one keep-alive pool, for DURATION_MS. Prints JSON.
import { Pool } from 'undici';

const [url, inFlight, durationMs] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const { origin, pathname } = new URL(url);
const pool = new Pool(origin, { connections: inFlight, pipelining: 1 });
const latencies = [];
let done = 0;
const cpuBefore = process.cpuUsage();
const end = performance.now() + durationMs;
await Promise.all(Array.from({ length: inFlight }, async () => {
  while (performance.now() < end) {
    const t = performance.now();
    const res = await pool.request({ path: pathname, method: 'GET' });
    await res.body.json();
    latencies.push(performance.now() - t);
    done++;
  }
}));
const cpu = process.cpuUsage(cpuBefore);
await pool.close();
latencies.sort((a, b) => a - b);
console.log(JSON.stringify({ requests: done, seconds: durationMs / 1000, p50: latencies[Math.floor(latencies.length * 0.5)], p99: latencies[Math.floor(latencies.length * 0.99)], cpuUs: cpu.user + cpu.system }));
