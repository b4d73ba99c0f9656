/**
 * Memory of a long recorded run (issue 13 §2: flat over 1M actions, peak <= 250 MB RSS with a
 * file store). Each variant is a fresh process (bench/memory/memory-run.ts) running the crowd
 * sim of bench/http against one target process, 32 in flight, recording ACTIONS actions to a
 * fresh DuckDB file; variants are interleaved over ROUNDS rounds so load drifts hit them alike.
 * Prints per run: peak RSS (the kernel's high-water mark, close included), the highest sampled
 * JS heap, RSS at each tenth of the run, and actions/s; then each variant's medians.
 *
 *   npm run bench:memory                       # ACTIONS=1000000, ROUNDS=1: DuckDB's defaults vs a run's settings
 *   ACTIONS=200000 ROUNDS=3 npm run bench:memory
 *   VARIANTS='{"64MB":{"memoryLimit":"64MB"}}' npm run bench:memory
 *
 * A variant is a name and the OpenStoreOptions of the run's store: {} = DuckDB's defaults (how
 * runs opened their store before runStoreSettings), "run" = what a run uses now, false = no store.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const ACTIONS = Number(process.env.ACTIONS ?? 1_000_000);
const ROUNDS = Number(process.env.ROUNDS ?? 1);
const variants = JSON.parse(process.env.VARIANTS ?? '{"duckdb defaults":{},"run store":"run"}') as Record<string, unknown>;
const here = new URL('.', import.meta.url).pathname;

interface Result { actions: number; actionsPerSecond: number; peakRssMb: number; maxHeapMb: number; maxHeapTotalMb: number; maxExternalMb: number; rssDecilesMb: number[]; closeSeconds: number }

const target = spawn(process.execPath, [join(here, '../http/target.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise<string>((resolve) => createInterface({ input: target.stdout }).once('line', resolve));
const dir = mkdtempSync(join(tmpdir(), 'beam-memory-'));
const results = new Map<string, Result[]>(Object.keys(variants).map((name) => [name, []]));
const load = () => spawnSync('uptime', { encoding: 'utf8' }).stdout.trim().replace(/.*load/, 'load');
console.log(`${ACTIONS} actions per run, ${ROUNDS} round(s), ${load()}`);
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, settings] of Object.entries(variants)) {
      const db = join(dir, `${name}-${round}.duckdb`.replace(/[^\w.-]/g, '_'));
      const child = spawnSync(process.execPath, ['--conditions=beamulator-source', '--import', 'tsx', join(here, 'memory-run.ts'), url, String(ACTIONS), db, JSON.stringify(settings)],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
      if (child.status !== 0) throw new Error(`variant ${name} exited with ${child.status}`);
      const r = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Result;
      results.get(name)!.push(r);
      rmSync(db, { force: true }); rmSync(`${db}.wal`, { force: true });
      console.log(`${name.padEnd(14)} peak RSS ${r.peakRssMb.toFixed(0)} MB, max JS heap ${r.maxHeapMb.toFixed(0)} MB (of ${r.maxHeapTotalMb.toFixed(0)}; external ${r.maxExternalMb.toFixed(0)}), ${r.actionsPerSecond.toFixed(0)} actions/s, close ${(r.closeSeconds * 1000).toFixed(0)} ms, RSS by tenths [${r.rssDecilesMb.join(' ')}] (${load()})`);
    }
  }
} finally {
  target.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const base = Object.keys(variants)[0]!;
const baseRate = median(results.get(base)!.map((r) => r.actionsPerSecond));
console.log('\nmedians:');
for (const [name, rs] of results) {
  const rate = median(rs.map((r) => r.actionsPerSecond));
  console.log(`${name.padEnd(14)} peak RSS ${median(rs.map((r) => r.peakRssMb)).toFixed(0)} MB (goal <= 250), max JS heap ${median(rs.map((r) => r.maxHeapMb)).toFixed(0)} MB, ${rate.toFixed(0)} actions/s (${(rate / baseRate).toFixed(2)}x ${base})`);
}
