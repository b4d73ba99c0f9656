import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { trackChild } from './child-processes.ts';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const bin = path.join(root, 'bin/beamulator.js');
export const exampleSim = path.join(root, 'examples/todo/todo.sim.ts');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string>;
  cwd?: string;
  /** Flags for node itself, before the bin (e.g. `--import` of a test hook). */
  nodeArgs?: string[];
}

export interface StartedCli {
  child: ChildProcess;
  /** Resolves when the child is gone and its output read to the end ('close'). */
  done: Promise<CliResult>;
  /** Resolves as soon as stderr holds `text`; rejects when the child ends first. */
  waitForStderr: (text: string) => Promise<void>;
}

/**
 * Starts the real CLI as a user would. The child is killed when the test that started it ends
 * (child-processes.ts): a failed assertion cannot leave a long run holding its store's lock.
 */
export function startCli(args: string[], options: CliOptions = {}): StartedCli {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), bin, ...args], {
    cwd: options.cwd ?? root,
    env: { ...process.env, NO_COLOR: '1', TODO_BUGS: '', BOOKING_BUGS: '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  trackChild(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<CliResult>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  const waitForStderr = (text: string) => new Promise<void>((resolve, reject) => {
    const check = () => {
      if (!stderr.includes(text)) return;
      child.stderr!.off('data', check);
      resolve();
    };
    child.stderr!.on('data', check);
    check();
    void done.then((r) => reject(new Error(`the CLI ended (${r.signal ?? `exit ${r.code}`}) before its stderr showed ${JSON.stringify(text)}:\n${r.stderr}`)));
  });
  return { child, done, waitForStderr };
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return startCli(args, options).done;
}

/** A temp folder removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'beamulator-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
