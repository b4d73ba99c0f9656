/**
 * Shard benchmark: the same run split into 1, 2 and 4 shard processes (the real CLI, each with its
 * own DuckDB file), on this machine; then `beamulator merge` of 1M recorded actions across 4
 * stores; then a paper projection for 100 pods. Run:
 *   node --conditions=beamulator-source --import tsx bench/shards/shards.bench.ts
 * (rebuilds dist/ first when src/ is newer). ACTORS, TURNS: the crowd's size (default 2000 x 50
 * = 100k actions); MERGE_ACTIONS: actions in the merge test (default 1,000,000).
 *
 * Ratios are against the 1-shard run measured in the same process. On a 2-core machine the
 * ceiling of 4 shards is the cores, not beamulator: expect ~2x at best.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { availableParallelism } from 'node:os';
import { monotonicMs } from '../../src/clock/wall-clock.ts';
import { bin } from '../../test/support/cli.ts';
import { buildDist, distIsStale } from '../../test/support/build-dist.ts';

const sim = path.join(import.meta.dirname, 'crowd.sim.ts');
const actors = Number(process.env.ACTORS ?? 2000);
const turns = Number(process.env.TURNS ?? 50);
const mergeActions = Number(process.env.MERGE_ACTIONS ?? 1_000_000);
const dir = mkdtempSync(path.join(tmpdir(), 'beamulator-shards-'));

if (distIsStale()) {
  console.log('dist/ is older than src/: rebuilding it (npm run build) ...');
  buildDist();
}

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** Runs the crowd in `count` shard processes at once; wall ms from the first spawn to the last exit. */
async function sharded(count: number, tag: string, crowd: number, turnsEach: number): Promise<{ wallMs: number; actions: number; stores: string[] }> {
  const stores = Array.from({ length: count }, (_, i) => path.join(dir, `${tag}-${count}-${i + 1}.duckdb`));
  const started = monotonicMs();
  const results = await Promise.all(stores.map((db, i) => cli([
    'run', sim, '--seed', '1', '--param', `actors=${crowd}`, '--param', `turns=${turnsEach}`, '--db', db, '--no-progress', '--json',
    ...(count > 1 ? ['--shard', `${i + 1}/${count}`] : []),
  ])));
  const wallMs = monotonicMs() - started;
  let actions = 0;
  for (const r of results) {
    if (r.code !== 0) throw new Error(`a shard failed (exit ${r.code}): ${r.stderr}`);
    actions += (JSON.parse(r.stdout) as { summary: { actions: number } }).summary.actions;
  }
  return { wallMs, actions, stores };
}

try {
  console.log(`crowd of ${actors} actors x ${turns} turns (${availableParallelism()} cores)`);
  const rows: Array<{ shards: number; wallMs: number; actions: number; rate: number }> = [];
  for (const count of [1, 2, 4]) {
    const { wallMs, actions } = await sharded(count, 'scale', actors, turns);
    rows.push({ shards: count, wallMs, actions, rate: actions / (wallMs / 1000) });
  }
  const base = rows[0]!.rate;
  for (const r of rows) {
    console.log(`  ${r.shards} shard process${r.shards === 1 ? ' ' : 'es'}  ${r.actions} actions in ${(r.wallMs / 1000).toFixed(1)} s  ${Math.round(r.rate).toLocaleString('en')} actions/s  ${(r.rate / base).toFixed(2)}x 1 shard`);
  }

  // 1M actions across 4 stores, then merged.
  const perActor = 50;
  const { stores, actions } = await sharded(4, 'merge', Math.ceil(mergeActions / perActor), perActor);
  const inputBytes = stores.reduce((n, s) => n + statSync(s).size, 0);
  const out = path.join(dir, 'merged.duckdb');
  const started = monotonicMs();
  const merged = await cli(['merge', ...stores, '-o', out, '--json']);
  const mergeMs = monotonicMs() - started;
  if (merged.code !== 0) throw new Error(`merge failed (exit ${merged.code}): ${merged.stderr}`);
  const outBytes = statSync(out).size;
  const bytesPerAction = outBytes / actions;
  console.log(`merge: ${actions.toLocaleString('en')} actions in 4 stores (${(inputBytes / 1e6).toFixed(0)} MB) -> ${(outBytes / 1e6).toFixed(0)} MB in ${(mergeMs / 1000).toFixed(1)} s`
    + ` (${Math.round(actions / (mergeMs / 1000)).toLocaleString('en')} actions/s, ${bytesPerAction.toFixed(0)} bytes/action merged)`);

  // Paper projection: 100 pods, each one shard process on its own core.
  const perProcess = base;
  const pods = 100;
  console.log(`projection, ${pods} pods x 1 core each: ~${Math.round((perProcess * pods) / 1000).toLocaleString('en')}k actions/s of engine+store capacity without a target;`
    + ` an hour of it would be ${((perProcess * pods * 3600 * bytesPerAction) / 1e9).toFixed(0)} GB merged.`
    + ' Against a real service the target\'s own capacity (and the network) limits first: size the pods so their summed request rate stays under it.');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
