import { monotonicMs } from '../clock/wall-clock.ts';

/**
 * One watched action: a node of the watchdog's list. The caller's own per-action object carries
 * these fields, so watching allocates nothing.
 */
export interface Watched {
  deadline: number;
  prev: Watched | null;
  next: Watched | null;
  /** Called once the deadline passed (after the entry left the list). */
  expire(): void;
  /** Called by `stop()` for an entry still watched: the run ended without it. */
  drop(): void;
}

/**
 * Times out actions with one shared interval instead of a timer per action (a timer per action
 * costs more than an offline replay's whole action). In-flight actions sit in an intrusive linked
 * list: O(1) in and out, and no hash table that reallocates as it grows to one entry and shrinks
 * back on every action. Checks a few times per timeout, so an action times out at most ~25% late.
 *
 * The interval lives until `stop()` (the end of the run). It holds the process open while an action
 * is watched: an action awaiting a promise that never settles leaves nothing else pending, and with
 * an unref'd timer the event loop would empty and the process exit before the timeout. It is
 * ref'd by `watch` and unref'd by a check that finds nothing watched, so a run pays for at most one
 * ref and one unref per tick, not per action; and code awaiting forever outside any action (a
 * behavior, target.start) still lets the process end (bin/beamulator.js reports it).
 */
export class ActionWatchdog {
  #head: Watched | null = null;
  #timer: NodeJS.Timeout | undefined;
  #tickMs = 250;
  #refed = false;

  /**
   * Calls `entry.expire()` once `timeoutMs` of wall time passed since `nowMs` (a monotonicMs
   * reading the caller already has), unless released first.
   */
  watch(entry: Watched, timeoutMs: number, nowMs: number): void {
    entry.deadline = nowMs + timeoutMs;
    entry.prev = null;
    entry.next = this.#head;
    if (this.#head) this.#head.prev = entry;
    this.#head = entry;
    const tick = Math.max(5, Math.min(250, Math.floor(timeoutMs / 4)));
    if (!this.#timer || tick < this.#tickMs) {
      clearInterval(this.#timer);
      this.#tickMs = tick;
      this.#timer = setInterval(() => this.#check(), tick);
      this.#refed = true;
    } else if (!this.#refed) {
      this.#timer.ref();
      this.#refed = true;
    }
  }

  release(entry: Watched): void {
    if (entry.prev) entry.prev.next = entry.next;
    else if (this.#head === entry) this.#head = entry.next;
    if (entry.next) entry.next.prev = entry.prev;
    entry.prev = entry.next = null;
  }

  /**
   * The end of the run: actions still in flight (released by a stop) are dropped, so their requests
   * are aborted and no socket keeps the process alive until a timeout nobody watches any more.
   */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#refed = false;
    for (let entry: Watched | null = this.#head; entry; ) {
      const next: Watched | null = entry.next;
      this.release(entry);
      entry.drop();
      entry = next;
    }
  }

  #check(): void {
    if (!this.#head) {
      this.#timer?.unref();
      this.#refed = false;
      return;
    }
    const now = monotonicMs();
    for (let entry: Watched | null = this.#head; entry; ) {
      const next: Watched | null = entry.next;
      if (entry.deadline <= now) {
        this.release(entry);
        entry.expire();
      }
      entry = next;
    }
  }
}
