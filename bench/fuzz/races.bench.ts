/**
 * Race benchmark: repeatability of seeded race campaigns, live reproduction, and shrunk size
 * against the behavior-level minimum. Run:
 * `node --conditions=beamulator-source --import tsx bench/fuzz/races.bench.ts` (needs `npm run build`:
 * reproduction replays the file with the compiled CLI in fresh processes).
 *
 * For each bundled race (todo lost-update, minimum 7 actions; booking oversell, minimum 4; see
 * docs/invariants.md "Races and their minimum") and each seed: the same campaign REPEATS times
 * (default 5). A campaign's outcome is "found at run r, shrunk to n actions" (or "not found"); the
 * bench prints how many repeats gave the first repeat's outcome (k/REPEATS), the shrunk sizes
 * against the minimum, and how the first repeat's shrunk failure reproduced from its replay file
 * in REPRODUCE fresh processes (k/N). Asserts nothing about time; the numbers are the result.
 *
 * Env: RACE_SEEDS (default 1,2,3,4), REPEATS (default 5), REPRODUCE (default 5), SHRINK_RUNS
 * (default 400), RACE_TARGETS (default lost-update,booking-oversell), BUGS_OFF_RUNS (default 200:
 * overlapping steps explored by the bugs-off campaigns, seed 1).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fuzz, type FuzzResult, type FuzzTarget } from 'beamulator';
import { monotonicMs } from '../../src/clock/wall-clock.ts';
import lostUpdate from '../../fuzz/lost-update.fuzz.ts';
import bookingOversell from '../../fuzz/booking-oversell.fuzz.ts';
import bugsOff from '../../fuzz/bugs-off.fuzz.ts';
import bookingBugsOff from '../../fuzz/booking-bugs-off.fuzz.ts';

const list = (name: string, fallback: string) => (process.env[name] ?? fallback).split(',').map((x) => x.trim()).filter((x) => x !== '');
const SEEDS = list('RACE_SEEDS', '1,2,3,4').map(Number);
const REPEATS = Number(process.env.REPEATS ?? 5);
const REPRODUCE = Number(process.env.REPRODUCE ?? 5);
const SHRINK_RUNS = Number(process.env.SHRINK_RUNS ?? 400);
const TARGETS = list('RACE_TARGETS', 'lost-update,booking-oversell');
const BUGS_OFF_RUNS = Number(process.env.BUGS_OFF_RUNS ?? 200);

const races: Record<string, { target: FuzzTarget; file: string; minimum: number }> = {
  'lost-update': { target: lostUpdate, file: 'fuzz/lost-update.fuzz.ts', minimum: 7 },
  'booking-oversell': { target: bookingOversell, file: 'fuzz/booking-oversell.fuzz.ts', minimum: 4 },
};

const tmp = mkdtempSync(path.join(os.tmpdir(), 'beam-races-'));
const started = monotonicMs();
const outcomeOf = (r: FuzzResult) => (r.found ? `found@${r.runs} -> ${r.failure!.actionsAtFailure}` : `not found in ${r.runs}`);

console.log(`| target | seed | outcomes (${REPEATS} repeats) | same k/${REPEATS} | shrunk (min) | reproduces | s/campaign |`);
console.log('|---|---|---|---|---|---|---|');
for (const name of TARGETS) {
  const race = races[name];
  if (!race) throw new Error(`unknown race ${name}: one of ${Object.keys(races).join(', ')}`);
  for (const seed of SEEDS) {
    const outcomes: string[] = [];
    const sizes: string[] = [];
    let reproduced = '-';
    const t0 = monotonicMs();
    for (let i = 0; i < REPEATS; i++) {
      const result = await fuzz(race.target, {
        seed, runs: 1000, timeLimitMs: 600_000, shrinkTimeLimitMs: 600_000, shrinkRuns: SHRINK_RUNS,
        db: i === 0 ? path.join(tmp, `${name}-${seed}.duckdb`) : false, replaysDir: i === 0 ? path.join(tmp, 'replays') : false,
        file: race.file, reproduceRuns: i === 0 ? REPRODUCE : 0,
      });
      outcomes.push(outcomeOf(result));
      if (result.found) sizes.push(String(result.failure!.actionsAtFailure));
      if (i === 0 && result.reproduced) reproduced = `${result.reproduced.reproduced}/${result.reproduced.attempts}`;
    }
    const same = outcomes.filter((o) => o === outcomes[0]).length;
    const secs = ((monotonicMs() - t0) / 1000 / REPEATS).toFixed(1);
    console.log(`| ${name} | ${seed} | ${[...new Set(outcomes)].join('; ')} | ${same}/${REPEATS} | ${sizes.join(',') || '-'} (${race.minimum}) | ${reproduced} | ${secs} |`);
  }
}

if (BUGS_OFF_RUNS > 0) {
  console.log('');
  for (const target of [bugsOff, bookingBugsOff]) {
    const r = await fuzz(target, { seed: 1, runs: BUGS_OFF_RUNS, db: false, replaysDir: false, timeLimitMs: 120_000 });
    const c = r.coverage;
    console.log(`${target.fuzz.name} seed 1, ${c.runs} runs: ${c.actions} actions, ${c.overlappingSteps} overlapping steps, found: ${r.found}`);
  }
}
rmSync(tmp, { recursive: true, force: true });
console.log(`bench wall time: ${((monotonicMs() - started) / 1000).toFixed(0)} s`);
