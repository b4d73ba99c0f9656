// One beamulator run of crowd.sim.ts against TARGET for DURATION_MS of wall time, recording to
// DB ('none' for no store). Prints JSON: actions, seconds, latency p50/p99 (from the actions).
import { runSimulation } from 'beamulator';
import sim from './crowd.sim.ts';

const [target, inFlight, durationMs, db] = [process.argv[2]!, Number(process.argv[3]), Number(process.argv[4]), process.argv[5]!];
const latencies: number[] = [];
const cpuBefore = process.cpuUsage();
const result = await runSimulation(sim, {
  seed: 1, target, params: { actors: inFlight }, concurrency: inFlight, maxWallTime: durationMs,
  db: db === 'none' ? false : db, hooks: { onAction: (a) => latencies.push(a.latencyMs) },
});
// The run's own wall time (store open to store close): the CLI's fixed start-up is not in it.
const seconds = result.wallMs / 1000;
const cpu = process.cpuUsage(cpuBefore);
latencies.sort((a, b) => a - b);
console.log(JSON.stringify({ requests: result.summary.actions, seconds, p50: latencies[Math.floor(latencies.length * 0.5)], p99: latencies[Math.floor(latencies.length * 0.99)], cpuUs: cpu.user + cpu.system, rssMb: process.memoryUsage.rss() / 2 ** 20 }));
