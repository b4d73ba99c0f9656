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

/**
 * An attempt that takes longer is stopped and counted as a problem: a shrunk fuzz run replays in
 * about a second, and a hung replay (a target.start that never returns) must not hang the campaign.
 */
const attemptTimeoutMs = 5 * 60_000;

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
      cwd: options.cwd ?? process.cwd(), env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'], timeout: attemptTimeoutMs,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (error) => resolve({ reproduces: false, identical: false, problem: error.message }));
    child.on('close', (code, signal) => {
      const report = parseReport(stdout);
      // Exit 0 (identical) and 7 (diverged) are replays that ran to the end; anything else is a problem to show.
      const problem = code === 0 || code === 7 ? null
        : signal ? `beamulator replay was stopped (${signal}) after ${attemptTimeoutMs / 60_000} minutes or by a signal` : firstLine(stderr) ?? `beamulator replay exited ${code}`;
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
