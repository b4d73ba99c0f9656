/**
 * Whether the event loop is saturated, from Node's event-loop utilization (the share of wall
 * time spent running callbacks rather than waiting for I/O or timers). Wall-clock data: it may
 * steer when work is done (the run store's journal), never what a run records.
 */
import { performance, type EventLoopUtilization } from 'node:perf_hooks';

export class EventLoopLoad {
  #since: EventLoopUtilization = performance.eventLoopUtilization();
  #sampledAt = performance.now();
  #busy = false;

  /**
   * @param busyShare utilization above which the loop counts as busy
   * @param windowMs the shortest window measured: asked sooner, the last answer stands (a few
   *   ms of utilization say little)
   */
  constructor(readonly busyShare = 0.8, readonly windowMs = 100) {}

  /** True when the event loop was busier than `busyShare` over the last window. */
  busy(): boolean {
    const at = performance.now();
    if (at - this.#sampledAt >= this.windowMs) {
      const now = performance.eventLoopUtilization();
      this.#busy = performance.eventLoopUtilization(now, this.#since).utilization > this.busyShare;
      this.#since = now;
      this.#sampledAt = at;
    }
    return this.#busy;
  }
}
