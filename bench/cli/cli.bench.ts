/**
 * CLI start-up benchmark: cold starts (a new node process each) of the compiled CLI, against
 * `node -e 0` measured in the same run. Run: `npm run bench:cli` (rebuilds dist/ first when a
 * file in src/ is newer than it).
 *
 *  1. `beamulator --help`. Goal: median <= 250 ms on the 2-core CI machine; it loads commander and
 *     a few small modules: no DuckDB, TypeScript loader, faker, undici or fast-check.
 *  2. `beamulator runs --db <a fresh store with 3 runs>`: loads DuckDB, but no loader, faker or
 *     fuzz code.
 *  3. `beamulator run bench/cli/tiny.sim.ts --target <a server in this process>`: one actor, four
 *     GETs, a fresh store file each start: the fixed start of a run (issue 13: "a fixed ~0.9 s
 *     start"). Besides the total, the time from spawning the process to the first request the
 *     server sees (modules, the TypeScript loader and the simulation, the store's open).
 *
 * ROUNDS (default 5) starts of each, interleaved after one warm-up round so drift hits them all
 * alike; prints the medians and their ratio to `node -e 0`. Then one more start of each under a
 * peak-RSS probe, and one under test/support/load-trace.mjs, which lists the packages loaded (a
 * heavy one in `--help` is a regression; test/e2e/cli-startup.test.ts asserts it).
 *
 * CLI_BIN=<another checkout>/bin/beamulator.js measures that checkout's CLI instead (to compare
 * with an older commit; it is not rebuilt). BASE_BIN=<another checkout>/bin/beamulator.js adds
 * that checkout's `run` to the same rounds (interleaved: a before/after ratio on a noisy machine).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monotonicMs } from '../../src/clock/wall-clock.ts';
import { bin as ownBin } from '../../test/support/cli.ts';
import { buildDist, distIsStale } from '../../test/support/build-dist.ts';
import { heavyOf, loadTraceHook, readLoads } from '../../test/support/load-trace.ts';
import { recordRuns } from '../../test/support/recorded-runs.ts';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const bin = process.env.CLI_BIN ? path.resolve(process.env.CLI_BIN) : ownBin;
const checkout = path.resolve(path.dirname(bin), '..');
const goalMs = 250;

if (bin !== ownBin) {
  console.log(`measuring ${bin} (CLI_BIN; not rebuilt)`);
} else if (distIsStale()) {
  console.log('dist/ is older than src/: rebuilding it (npm run build) ...');
  buildDist();
}

// The target of the `run` case, in this process: it notes when the first request of each start arrives.
let firstRequestAt: number | null = null;
const body = Buffer.from('{"ok":true}');
const server = createServer((req, res) => {
  firstRequestAt ??= monotonicMs();
  req.resume();
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length }).end(body);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const targetUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
// The other checkout's own copy when CLI_BIN names one, so its `import 'beamulator'` is that checkout's.
const tinySimOf = (dir: string) => [path.join(dir, 'bench/cli/tiny.sim.ts'), path.join(import.meta.dirname, 'tiny.sim.ts')].find(existsSync)!;
const baseBin = process.env.BASE_BIN ? path.resolve(process.env.BASE_BIN) : null;

const tmp = mkdtempSync(path.join(tmpdir(), 'beamulator-bench-cli-'));
try {
  const db = path.join(tmp, 'runs.duckdb');
  await recordRuns(db, 3);

  const cases = [
    { name: 'node -e 0', args: ['-e', '0'] },
    { name: 'beamulator --help', args: [bin, '--help'] },
    { name: 'beamulator runs', args: [bin, 'runs', '--db', db] },
    { name: 'beamulator run', args: [bin, 'run', tinySimOf(checkout), '--target', targetUrl, '--seed', '1', '--db', path.join(tmp, 'run.duckdb')] },
  ];
  if (baseBin) {
    const baseCheckout = path.resolve(path.dirname(baseBin), '..');
    cases.push({ name: 'base run', args: [baseBin, 'run', tinySimOf(baseCheckout), '--target', targetUrl, '--seed', '1', '--db', path.join(tmp, 'run.duckdb')] });
  }
  const isRun = (i: number) => i >= 3;
  const env = { ...process.env, NO_COLOR: '1' };
  // Asynchronous (spawnSync would block this process's server, so the run could not reach it); resolves to the stderr.
  const start = (args: string[], extraEnv: Record<string, string> = {}) => new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: tmp, env: { ...env, ...extraEnv }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stderr) : reject(new Error(`node ${args.join(' ')} exited ${code}: ${stderr}`))));
  });
  const freshRunStore = () => {
    rmSync(path.join(tmp, 'run.duckdb'), { force: true });
    rmSync(path.join(tmp, 'run.duckdb.wal'), { force: true });
  };

  const times = cases.map(() => [] as number[]);
  const toFirstAction = cases.map(() => [] as number[]);
  for (let round = -1; round < ROUNDS; round++) {
    for (const [i, c] of cases.entries()) {
      freshRunStore();
      firstRequestAt = null;
      const t0 = monotonicMs();
      await start(c.args);
      if (round < 0) continue;
      times[i]!.push(monotonicMs() - t0);
      if (isRun(i)) toFirstAction[i]!.push(firstRequestAt! - t0);
    }
  }
  const medians = times.map(median);
  const baseline = medians[0]!;

  // Peak RSS, from an exit hook in a separate (untimed) start.
  const rssProbe = "data:text/javascript,process.on('exit',()=>process.stderr.write('\\nmaxRSS='+process.resourceUsage().maxRSS))";
  const rssMb: number[] = [];
  for (const c of cases) {
    freshRunStore();
    rssMb.push(Number(/maxRSS=(\d+)/.exec(await start(['--import', rssProbe, ...c.args]))![1]) / 1024);
  }

  console.log(`cli start-up: median of ${ROUNDS} cold starts (new process each), ${process.version}`);
  cases.forEach((c, i) => {
    const ratio = i === 0 ? 'baseline' : `${(medians[i]! / baseline).toFixed(1)}x node -e 0`;
    const goal = i === 1 ? `  goal <= ${goalMs} ms: ${medians[i]! <= goalMs ? 'ok' : 'MISSED'}` : '';
    console.log(`  ${c.name.padEnd(18)} ${medians[i]!.toFixed(0).padStart(5)} ms  ${ratio.padEnd(16)} peak RSS ${rssMb[i]!.toFixed(0).padStart(3)} MB${goal}`);
    if (i > 0) console.log(`  ${''.padEnd(18)} ${times[i]!.map((t) => t.toFixed(0)).join(' ')} ms`);
    if (isRun(i)) {
      const first = toFirstAction[i]!;
      console.log(`  ${''.padEnd(18)} ${median(first).toFixed(0).padStart(5)} ms  to the first request (${(median(first) / baseline).toFixed(1)}x node -e 0): ${first.map((t) => t.toFixed(0)).join(' ')} ms`);
    }
  });

  console.log('packages loaded (one traced start each; heavy ones marked *):');
  for (const c of cases.slice(1, 4)) {
    const trace = path.join(tmp, 'trace.txt');
    freshRunStore();
    await start(['--import', loadTraceHook, ...c.args], { BEAMULATOR_LOAD_TRACE: trace });
    const loads = readLoads(trace, checkout);
    const heavy = heavyOf(loads);
    const list = loads.packages.map((p) => (heavy.includes(p) ? `${p}*` : p)).join(', ');
    console.log(`  ${c.name.padEnd(18)} ${loads.own.length} own modules; ${list || 'no packages'}`);
  }
} finally {
  server.close();
  rmSync(tmp, { recursive: true, force: true });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
