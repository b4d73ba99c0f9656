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
   * @param busyAbove utilization above which an idle loop counts as busy
   * @param idleBelow utilization below which a busy loop counts as idle again (lower: a dip of a
   *   moment does not flip it)
   * @param windowMs the shortest window measured: asked sooner, the last answer stands (a few
   *   ms of utilization say little)
   */
  constructor(readonly busyAbove = 0.8, readonly idleBelow = 0.5, readonly windowMs = 100) {}

  /** True when the event loop has been busy (see the constructor) over the last window. */
  busy(): boolean {
    const at = performance.now();
    if (at - this.#sampledAt >= this.windowMs) {
      const now = performance.eventLoopUtilization();
      const utilization = performance.eventLoopUtilization(now, this.#since).utilization;
      this.#busy = utilization > (this.#busy ? this.idleBelow : this.busyAbove);
      this.#since = now;
      this.#sampledAt = at;
    }
    return this.#busy;
  }
}
