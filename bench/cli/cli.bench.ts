/**
 * CLI start-up benchmark: cold starts (a new node process each) of the compiled CLI, against
 * `node -e 0` measured in the same run. Run: `npm run bench:cli` (rebuilds dist/ first when a
 * file in src/ is newer than it).
 *
 *  1. `beamulator --help`. Goal: median <= 250 ms on the 2-core CI machine; it loads commander and
 *     a few small modules: no DuckDB, TypeScript loader, faker, undici or fast-check.
 *  2. `beamulator runs --db <a fresh store with 3 runs>`: loads DuckDB, but no loader, faker or
 *     fuzz code.
 *
 * ROUNDS (default 5) starts of each, interleaved after one warm-up round so drift hits all three
 * alike; prints the medians and their ratio to `node -e 0`. Then one more start of each under a
 * peak-RSS probe, and one under test/support/load-trace.mjs, which lists the packages loaded (a
 * heavy one in `--help` is a regression; test/e2e/cli-startup.test.ts asserts it).
 *
 * CLI_BIN=<another checkout>/bin/beamulator.js measures that checkout's CLI instead (to compare
 * with an older commit; it is not rebuilt).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
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

const tmp = mkdtempSync(path.join(tmpdir(), 'beamulator-bench-cli-'));
try {
  const db = path.join(tmp, 'runs.duckdb');
  await recordRuns(db, 3);

  const cases = [
    { name: 'node -e 0', args: ['-e', '0'] },
    { name: 'beamulator --help', args: [bin, '--help'] },
    { name: 'beamulator runs', args: [bin, 'runs', '--db', db] },
  ];
  const env = { ...process.env, NO_COLOR: '1' };
  const start = (args: string[], extraEnv: Record<string, string> = {}) => {
    const result = spawnSync(process.execPath, args, { cwd: tmp, env: { ...env, ...extraEnv }, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
    return result;
  };

  const times = cases.map(() => [] as number[]);
  for (let round = -1; round < ROUNDS; round++) {
    cases.forEach((c, i) => {
      const t0 = monotonicMs();
      start(c.args);
      if (round >= 0) times[i]!.push(monotonicMs() - t0);
    });
  }
  const medians = times.map(median);
  const baseline = medians[0]!;

  // Peak RSS, from an exit hook in a separate (untimed) start.
  const rssProbe = "data:text/javascript,process.on('exit',()=>process.stderr.write('\\nmaxRSS='+process.resourceUsage().maxRSS))";
  const rssMb = cases.map((c) => Number(/maxRSS=(\d+)/.exec(start(['--import', rssProbe, ...c.args]).stderr)![1]) / 1024);

  console.log(`cli start-up: median of ${ROUNDS} cold starts (new process each), ${process.version}`);
  cases.forEach((c, i) => {
    const ratio = i === 0 ? 'baseline' : `${(medians[i]! / baseline).toFixed(1)}x node -e 0`;
    const goal = i === 1 ? `  goal <= ${goalMs} ms: ${medians[i]! <= goalMs ? 'ok' : 'MISSED'}` : '';
    console.log(`  ${c.name.padEnd(18)} ${medians[i]!.toFixed(0).padStart(5)} ms  ${ratio.padEnd(16)} peak RSS ${rssMb[i]!.toFixed(0).padStart(3)} MB${goal}`);
    if (i > 0) console.log(`  ${''.padEnd(18)} ${times[i]!.map((t) => t.toFixed(0)).join(' ')} ms`);
  });

  console.log('packages loaded (one traced start each; heavy ones marked *):');
  for (const c of cases.slice(1)) {
    const trace = path.join(tmp, 'trace.txt');
    start(['--import', loadTraceHook, ...c.args], { BEAMULATOR_LOAD_TRACE: trace });
    const loads = readLoads(trace, checkout);
    const heavy = heavyOf(loads);
    const list = loads.packages.map((p) => (heavy.includes(p) ? `${p}*` : p)).join(', ');
    console.log(`  ${c.name.padEnd(18)} ${loads.own.length} own modules; ${list || 'no packages'}`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
