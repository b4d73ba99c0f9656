// One beamulator run of crowd.sim.ts against TARGET for DURATION_MS of wall time, recording to
// DB ('none' for no store). Prints JSON: actions, seconds (store open to close), loadSeconds (up
// to the last action's end: while the target was under load), latency p50/p99 (from the actions).
// DB `direct:<path>`: a file store that never journals (every row committed during the run).
import { runSimulation } from 'beamulator';
import { openRunStore } from '../../src/store/duckdb-store.ts';
import sim from './crowd.sim.ts';

const [target, inFlight, durationMs, db] = [process.argv[2]!, Number(process.argv[3]), Number(process.argv[4]), process.argv[5]!];
const latencies: number[] = [];
const cpuBefore = process.cpuUsage();
const started = performance.now();
const direct = db.startsWith('direct:') ? await openRunStore(db.slice('direct:'.length), { journal: 'never' }) : null;
let lastActionAt = started;
const result = await runSimulation(sim, {
  seed: 1, target, params: { actors: inFlight }, concurrency: inFlight, maxWallTime: durationMs,
  db: direct ?? (db === 'none' ? false : db), hooks: { onAction: (a) => { latencies.push(a.latencyMs); lastActionAt = performance.now(); } },
});
await direct?.close();
// The run's own wall time, store open to store close (result.wallMs leaves out a store given
// open): the CLI's fixed start-up is not in it.
const seconds = direct ? (performance.now() - started) / 1000 : result.wallMs / 1000;
const cpu = process.cpuUsage(cpuBefore);
latencies.sort((a, b) => a - b);
console.log(JSON.stringify({ requests: result.summary.actions, seconds, loadSeconds: (lastActionAt - started) / 1000, p50: latencies[Math.floor(latencies.length * 0.5)], p99: latencies[Math.floor(latencies.length * 0.99)], cpuUs: cpu.user + cpu.system, rssMb: process.memoryUsage.rss() / 2 ** 20 }));
