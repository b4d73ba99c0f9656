/**
 * Simulation code stuck in a synchronous loop blocks the main thread: no JavaScript runs there any
 * more, so no signal listener either, and Ctrl-C or SIGTERM would wait forever (Node queues them
 * for a main thread that never comes back). Worker threads receive no signals. What still works is
 * the kernel's default action, which applies to a signal that no listener is registered for.
 *
 * So a worker thread watches a heartbeat the main thread beats (a SharedArrayBuffer counter, an
 * unref'd 100 ms timer). When it stops for `blockedAfterMs`, the worker makes the main thread call
 * `onBlocked` through the inspector (`Runtime.evaluate` runs as a V8 interrupt, even in the middle
 * of a loop): the caller drops its signal listeners there, and the next signal ends the process at
 * once. When the heartbeat comes back, `onUnblocked` runs (on the main thread, as usual): the
 * listeners return. After `noticeAfterMs` the worker writes `notice` to stderr itself, once per block.
 *
 * Both limits count the process's CPU time since the last beat, not wall time: on an overloaded
 * machine (a CI runner, a laptop compiling) the main thread can wait seconds for a core, and that
 * is not code stuck in a loop. A loop burns CPU the whole time; a starved thread burns none.
 * And the notice waits until onBlocked has run: a main thread inside one long native call (a
 * DuckDB checkpoint) cannot be interrupted and is not stuck in JavaScript; it returns by itself.
 *
 * Cost (measured, see the signals branch report): starting the worker takes the main thread ~2 ms;
 * the worker's own start-up runs on its thread. Without an inspector in the Node build, nothing is
 * watched (returns null).
 */
import { Worker } from 'node:worker_threads';

export interface BlockedThreadWatch {
  stop(): void;
}

export interface BlockedThreadOptions {
  /**
   * Called on the main thread, inside the blocking code, once it has not returned for
   * `blockedAfterMs`; returns where it is blocked (`file:line:column`), or null, for the notice.
   */
  onBlocked(): string | null;
  /** Called on the main thread when it runs again after onBlocked. */
  onUnblocked(): void;
  /** The line written to stderr once a block lasts `noticeAfterMs`; `{s}` is replaced by the seconds, `{at}` by ` at <where>` (or nothing). */
  notice: string;
  blockedAfterMs?: number;
  noticeAfterMs?: number;
}

// The main thread's side, reached by the worker's Runtime.evaluate: a registered symbol on globalThis.
const hookKey = Symbol.for('beamulator.blocked-thread');

// CommonJS, evaluated as the worker's script (`eval: true`): no file to ship or resolve, under tsx or not.
const workerSource = `
const { workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const { Session } = require('node:inspector');
const { beat, blockedAfterMs, noticeAfterMs, notice } = workerData;
// The session must be open before the main thread blocks: connecting needs the main thread.
const session = new Session();
session.connectToMainThread();
let last = Atomics.load(beat, 0);
let since = performance.now();
let cpuSince = process.cpuUsage();
let blocked = false;
let answered = false;
let where = null;
let noticed = false;
setInterval(() => {
  const now = performance.now();
  const seen = Atomics.load(beat, 0);
  if (seen !== last) {
    last = seen;
    since = now;
    cpuSince = process.cpuUsage();
    blocked = answered = noticed = false;
    return;
  }
  const cpu = process.cpuUsage(cpuSince);
  const busyMs = (cpu.user + cpu.system) / 1000;
  if (!blocked && busyMs >= blockedAfterMs) {
    blocked = true;
    session.post('Runtime.evaluate', { expression: 'globalThis[Symbol.for("beamulator.blocked-thread")]?.()', returnByValue: true }, (error, answer) => {
      answered = !error;
      where = answer?.result?.value ?? null;
    });
  }
  if (!noticed && answered && busyMs >= noticeAfterMs) {
    noticed = true;
    try { writeSync(2, notice.replace('{s}', String(Math.round((now - since) / 1000))).replace('{at}', where ? ' at ' + where : '')); } catch {}
  }
}, 100);
`;

/** Starts watching the main thread (see the file comment); null where Node has no inspector. */
export function watchBlockedThread(options: BlockedThreadOptions): BlockedThreadWatch | null {
  const beat = new Int32Array(new SharedArrayBuffer(4));
  let blocked = false;
  const hook = () => {
    blocked = true;
    return options.onBlocked();
  };
  let worker: Worker;
  try {
    worker = new Worker(workerSource, {
      eval: true,
      workerData: { beat, blockedAfterMs: options.blockedAfterMs ?? 1000, noticeAfterMs: options.noticeAfterMs ?? 2000, notice: options.notice },
      // The worker needs none of the CLI's loaders or flags (a TypeScript loader would only slow its start).
      execArgv: [],
      stdout: false,
      stderr: false,
    });
  } catch {
    return null;
  }
  // A Node built without the inspector: the worker fails to start; stay unwatched.
  worker.on('error', () => {});
  worker.unref();
  (globalThis as Record<symbol, unknown>)[hookKey] = hook;
  const heartbeat = setInterval(() => {
    Atomics.add(beat, 0, 1);
    if (blocked) {
      blocked = false;
      options.onUnblocked();
    }
  }, 100).unref();
  return {
    stop() {
      clearInterval(heartbeat);
      if ((globalThis as Record<symbol, unknown>)[hookKey] === hook) delete (globalThis as Record<symbol, unknown>)[hookKey];
      void worker.terminate();
    },
  };
}
