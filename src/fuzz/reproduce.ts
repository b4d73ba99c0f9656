/**
 * Reproduction the way the user will reproduce a fuzz failure: `beamulator replay <its replay
 * file>` in a fresh Node process (cold modules, cold JIT, fresh connections, a target it starts
 * itself), once per attempt, one after another. A failure that only the warm fuzz process showed
 * (a timing window its fast requests opened) does not reproduce here, and the count says so.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { monotonicMs } from '../clock/wall-clock.ts';

/**
 * How the shrunk failure did when its replay file was replayed in fresh processes: `attempts`
 * processes ran `beamulator replay <file> --json`; in `reproduced` of them the recorded failure
 * recurred (the same complaint or invariant failed); in `identical` the whole replay compared equal.
 * `problem`: why an attempt could not replay at all (its error line), or why none was made.
 */
export interface Reproduction {
  attempts: number;
  reproduced: number;
  identical: number;
  problem: string | null;
  /** Wall time of the attempts, ms (a fresh process each: node, the CLI, the simulation, the target). */
  wallMs: number;
}

/** The CLI, compiled: the same file `npx beamulator` runs (from src/ or dist/, two folders up). */
const cliBin = fileURLToPath(new URL('../../bin/beamulator.js', import.meta.url));

/**
 * Replays `replayFile` live in `attempts` fresh processes, one after another (a live target's
 * state is shared, and parallel processes would slow each other), from `cwd` so the project's
 * config and relative paths are the user's.
 *
 * @example
 * const r = await reproduceInFreshProcesses('replays/stale-read-20261201-101010-abc.json', 5);
 * console.log(`reproduces ${r.reproduced}/${r.attempts}`);
 */
export async function reproduceInFreshProcesses(replayFile: string, attempts: number, options: { cwd?: string; signal?: AbortSignal } = {}): Promise<Reproduction> {
  const started = monotonicMs();
  const result: Reproduction = { attempts: 0, reproduced: 0, identical: 0, problem: null, wallMs: 0 };
  if (!existsSync(cliBin)) return { ...result, problem: `the beamulator CLI is not at ${cliBin}` };
  for (let i = 0; i < attempts && !options.signal?.aborted; i++) {
    const attempt = await replayInFreshProcess(replayFile, options);
    result.attempts++;
    if (attempt.reproduces) result.reproduced++;
    if (attempt.identical) result.identical++;
    result.problem ??= attempt.problem;
  }
  result.wallMs = monotonicMs() - started;
  return result;
}

interface Attempt {
  reproduces: boolean;
  identical: boolean;
  problem: string | null;
}

/** One `beamulator replay <file> --json --db :memory:` (recorded nowhere: the fuzz campaign's store stays its own). */
function replayInFreshProcess(replayFile: string, options: { cwd?: string; signal?: AbortSignal }): Promise<Attempt> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliBin, 'replay', replayFile, '--json', '--db', ':memory:'], {
      cwd: options.cwd ?? process.cwd(), env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.signal ? { signal: options.signal } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (error) => resolve({ reproduces: false, identical: false, problem: error.message }));
    child.on('close', (code) => {
      const report = parseReport(stdout);
      // Exit 0 (identical) and 7 (diverged) are replays that ran to the end; anything else is a problem to show.
      const problem = code === 0 || code === 7 ? null : firstLine(stderr) ?? `beamulator replay exited ${code}`;
      resolve({ reproduces: report?.reproduces === true, identical: report?.identical === true, problem });
    });
  });
}

function parseReport(stdout: string): { reproduces?: unknown; identical?: unknown } | null {
  try {
    return JSON.parse(stdout) as { reproduces?: unknown; identical?: unknown };
  } catch {
    return null;
  }
}

function firstLine(text: string): string | null {
  return text.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? null;
}

/**
 * The reproduction in one line, for the CLI, `show` and vitest messages; `flaky` when it did not
 * reproduce every time, `unchecked` when no attempt could be made.
 *
 * @example
 * describeReproduction({ attempts: 5, reproduced: 5, identical: 5, problem: null, wallMs: 2600 });
 * // { flaky: false, unchecked: false, text: 'reproduces 5/5 from its replay file in fresh processes (5/5 identical)' }
 */
export function describeReproduction(r: Reproduction): { flaky: boolean; unchecked: boolean; text: string } {
  if (r.attempts === 0) return { flaky: false, unchecked: true, text: `reproduction not checked: ${r.problem ?? 'no attempt was made'}` };
  const counts = `reproduces ${r.reproduced}/${r.attempts} from its replay file in fresh processes (${r.identical}/${r.attempts} identical)`;
  const problem = r.problem ? `; an attempt could not replay: ${r.problem}` : '';
  if (r.reproduced === r.attempts) return { flaky: false, unchecked: false, text: `${counts}${problem}` };
  return { flaky: true, unchecked: false, text: `${counts}: the failure depends on something its replay does not fix (timing, a warm process)${problem}` };
}

/**
 * A line about the recordings of the shrunk spec when it took more than one to get a failing run
 * (else null): the kept run is the failing one, or, when none failed, a passing one.
 *
 * @example
 * describeRecordings({ made: 2, failed: true }); // 'recorded on the 2nd try: 1 recording of the shrunk spec did not fail the same way'
 */
export function describeRecordings(recordings: { made: number; failed: boolean }): string | null {
  const { made, failed } = recordings;
  if (failed && made <= 1) return null;
  if (!failed) return `none of ${made} recordings of the shrunk spec failed the same way: the recorded run below passed, the failure above is the campaign's`;
  const nth = made === 2 ? '2nd' : made === 3 ? '3rd' : `${made}th`;
  return `recorded on the ${nth} try: ${made - 1} recording${made === 2 ? '' : 's'} of the shrunk spec did not fail the same way`;
}
