/**
 * Child processes started by tests, stopped when the test that started them ends, whether it
 * passed, failed an assertion or timed out: a long CLI run left behind would keep holding its
 * run store's lock (and a CPU) while the next tests run. A child started outside a test (in a
 * beforeAll) is stopped when its file's tests are done (stop-leftover-children.ts, a setup file).
 */
import { once } from 'node:events';
import type { ChildProcess } from 'node:child_process';
import { onTestFinished } from 'vitest';

const running = new Set<ChildProcess>();

/** Stops `child` (SIGKILL) when the current test ends, or when the file's tests end outside a test. */
export function trackChild(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
  try {
    onTestFinished(() => stopChild(child));
  } catch {
    // Not inside a test: stopLeftoverChildren, after the file's tests, stops it.
  }
}

/** Kills every tracked child still running and waits until they are gone. */
export async function stopLeftoverChildren(): Promise<void> {
  await Promise.all([...running].map(stopChild));
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  // 'exit', not 'close': what matters here is the process (and its locks) gone, not its output.
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}
