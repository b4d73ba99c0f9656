/**
 * Export benchmark. Run: `node --conditions=beamulator-source --import tsx bench/replay/export.bench.ts`
 * (DURATION=10d by default: about 11,000 actions of the bundled todo example). Prints ratios against
 * baselines measured in the same process run (absolute times drift on shared machines):
 *
 *  - streamed export (`exportReplayFile`: rows from the store to the file a chunk at a time) vs the
 *    whole-run path (`readRunBundle` then `writeReplayFile`, every row in memory at once), and vs
 *    reading the rows alone (`store.scan` of every table, nothing written);
 *  - where the file's bytes go: which fields hold them (the answer to "does it need to be this big?").
 *
 * Peak memory is not measured here (one process, polluted by the run it records):
 * test/e2e/export-memory.test.ts bounds the spawned CLI's.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monotonicMs } from '../../src/clock/wall-clock.ts';
import { openStore, runSimulation } from 'beamulator';
import { exportReplayFile, readRunBundle, writeReplayFile } from '../../src/replay/replay-file.ts';
import todo from '../../examples/todo/todo.sim.ts';

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
const dir = mkdtempSync(path.join(tmpdir(), 'beamulator-bench-'));
const store = await openStore(path.join(dir, 'runs.duckdb'));
const { runId } = await runSimulation(todo, { seed: 1, duration: process.env.DURATION ?? '10d', db: store });

const time = async (fn: () => Promise<unknown>) => {
  let best = Infinity;
  for (let i = 0; i < 2; i++) {
    const t0 = monotonicMs();
    await fn();
    best = Math.min(best, monotonicMs() - t0);
  }
  return best;
};
const scanMs = await time(async () => {
  for (const table of ['actors', 'actions', 'complaints', 'events', 'exchanges'] as const) await store.scan(table, runId, () => undefined);
});
const wholeMs = await time(async () => writeReplayFile(await readRunBundle(store, runId, { exportedAt: 1 }), path.join(dir, 'whole.json')));
const streamedMs = await time(async () => exportReplayFile(store, runId, path.join(dir, 'streamed.json'), { exportedAt: 1 }));
const file = path.join(dir, 'streamed.json');
const same = readFileSync(file, 'utf8') === readFileSync(path.join(dir, 'whole.json'), 'utf8');
const bundle = await readRunBundle(store, runId);
await store.close();

console.log(`run of ${fmt(bundle.actions.length)} actions, replay file ${mb(statSync(file).size)} (streamed and whole-run files ${same ? 'identical' : 'DIFFER'})`);
console.log(`streamed export / whole-run export: ${(streamedMs / wholeMs).toFixed(2)}x   (${fmt(streamedMs)} ms vs ${fmt(wholeMs)} ms)`);
console.log(`streamed export / reading the rows alone: ${(streamedMs / scanMs).toFixed(2)}x   (${fmt(scanMs)} ms to read)`);
// Where the bytes are: each field's JSON text summed over the rows of the two big lists.
for (const list of ['actions', 'exchanges'] as const) {
  const sizes = new Map<string, number>();
  for (const row of bundle[list]) for (const [k, v] of Object.entries(row)) sizes.set(k, (sizes.get(k) ?? 0) + JSON.stringify(v ?? null).length);
  const total = [...sizes.values()].reduce((a, b) => a + b, 0);
  const top = [...sizes].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([k, n]) => `${k} ${mb(n)} (${Math.round((100 * n) / total)}%)`);
  console.log(`  ${list.padEnd(9)} ${mb(total)}: ${top.join(', ')}`);
}
rmSync(dir, { recursive: true, force: true });
