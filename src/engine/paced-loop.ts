import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { VirtualClock } from '../clock/virtual-clock.ts';
import { afterWallMs, monotonicMs } from '../clock/wall-clock.ts';
import { BeamulatorError } from '../util/errors.ts';
import type { Actor } from './actor.ts';
import type { EventQueue } from './event-queue.ts';
import { LagStats } from './lag-stats.ts';
import type { PaceControl, PaceStatus } from './pace-control.ts';
import type { QueuedEventKind } from './scheduler.ts';
import type { ControlSource } from './run-control.ts';

/** What the paced loop works on: the engine's queue, clock and actors, and the engine's dispatch and stop. */
export interface PacedRun {
  readonly queue: EventQueue;
  readonly clock: VirtualClock;
  readonly actors: readonly Actor[];
  /** Runs `actor` until it pauses or its turn ends; a promise while it still runs (see ScheduledRun.dispatch). */
  dispatch(actor: Actor, kind: QueuedEventKind, time: number, turnBegun: boolean): Promise<void> | undefined;
  /** The reason a stop was requested for, or null. */
  stopReason(): string | null;
  /** Asks the run to stop (releases the actors in flight). */
  requestStop(reason: string): void;
  /** The action cap is reached. */
  actionsDone(): boolean;
  /** A pause, resume or speed change, to record (the run's log says when the pace changed). */
  paceChanged(what: 'pause' | 'resume' | 'speed', status: PaceStatus, by?: ControlSource): void;
  /**
   * Called before each dispatch, after the loop chose to dispatch: what the engine does between
   * turns in a paced run (where a virtual run does it between steps). A promise (only when it had
   * something to do) is awaited, and the loop looks again.
   */
  betweenTurns?(): Promise<void> | undefined;
  /** A given start instant (`--start-at`) came: `lateMs` after it (0 when the run was ready in time). */
  startedAt(lateMs: number): void;
}

export interface PacedLoopOptions {
  /** Sim ms per wall ms. */
  speed: number;
  /** Actor turns in flight at once (Infinity: unbounded). */
  concurrency: number;
  durationMs: number;
  /** Monotonic wall ms at which sim time `clock.now()` is due (default: when the loop starts). */
  wallOriginMs?: number;
  /** Told of every dispatch: its sim time, intended and actual wall ms (tests check the pacing with it). */
  onDispatch?: (simTime: number, dueMs: number, actualMs: number) => void;
}

/**
 * Runs the events of a run at a pace: an event at sim time t is dispatched at wall time
 * `wallOrigin + (t - simOrigin) / speed`, computed from t itself each time (never by adding up
 * waits), so lateness never accumulates into drift. Actors are independent: there are no steps,
 * and a slow turn delays only its own actor; up to `concurrency` turns are in flight at once.
 * Pause, resume and speed changes re-anchor (wallOrigin, simOrigin) at the paced sim time of the
 * change, so sim time is continuous.
 */
export class PacedLoop implements PaceControl {
  readonly #run: PacedRun;
  readonly #concurrency: number;
  readonly #durationMs: number;
  readonly #onDispatch: PacedLoopOptions['onDispatch'];
  readonly lag = new LagStats();
  #speed: number;
  /** The anchor: sim time #simOrigin is due at monotonic wall ms #wallOrigin. */
  #wallOrigin: number;
  #simOrigin: number;
  /** The anchor was given (`--start-at`); else it is set when the loop starts. */
  readonly #fixedOrigin: boolean;
  #paused = false;
  /** Turn segments running (dispatched, not yet paused or ended). */
  #inFlight = 0;
  /** Resolves the loop's current wait (a timer, a turn ending, a control call or a stop). */
  #wake: (() => void) | null = null;
  readonly #onTurnDone = () => {
    this.#inFlight--;
    this.notify();
  };

  constructor(run: PacedRun, options: PacedLoopOptions) {
    checkSpeed(options.speed);
    this.#run = run;
    this.#speed = options.speed;
    this.#concurrency = options.concurrency;
    this.#durationMs = options.durationMs;
    this.#onDispatch = options.onDispatch;
    this.#simOrigin = run.clock.now();
    this.#fixedOrigin = options.wallOriginMs !== undefined;
    this.#wallOrigin = options.wallOriginMs ?? monotonicMs();
  }

  /** Wakes the loop to look again (a stop was requested, or something it waits on changed). */
  notify(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  /** Monotonic wall ms at which sim time `t` is due. */
  dueAt(t: number): number {
    return this.#wallOrigin + (t - this.#simOrigin) / this.#speed;
  }

  /** Sim time due at wall instant `wall` (frozen at the anchor while paused; never before the sim clock). */
  simTimeAt(wall: number): number {
    const paced = this.#paused ? this.#simOrigin : this.#simOrigin + (wall - this.#wallOrigin) * this.#speed;
    return Math.min(this.#durationMs, Math.max(this.#run.clock.now(), paced));
  }

  pause(by?: ControlSource): void {
    if (this.#paused) return;
    this.#reanchor();
    this.#paused = true;
    this.#run.paceChanged('pause', this.#statusAtAnchor(), by);
    this.notify();
  }

  resume(by?: ControlSource): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#wallOrigin = monotonicMs();
    this.#run.paceChanged('resume', this.#statusAtAnchor(), by);
    this.notify();
  }

  setSpeed(speed: number, by?: ControlSource): void {
    checkSpeed(speed);
    if (speed === this.#speed) return;
    this.#reanchor();
    this.#speed = speed;
    this.#run.paceChanged('speed', this.#statusAtAnchor(), by);
    this.notify();
  }

  status(): PaceStatus {
    return { speed: this.#speed, paused: this.#paused, simTime: this.simTimeAt(monotonicMs()), turns: this.lag.count, lag: this.lag.recentSummary() };
  }

  /** The status at the anchor just set: the sim time of the change itself, not of a moment later. */
  #statusAtAnchor(): PaceStatus {
    return { ...this.status(), simTime: this.#simOrigin };
  }

  /** For the progress line: speed, pause, and the largest lag since the last call (cheap: no sort). */
  progress(): { speed: number; paused: boolean; recentMaxLagMs: number } {
    // The run's clock shows the paced sim time between events too (it only moves forward).
    this.#run.clock.advanceTo(this.simTimeAt(monotonicMs()));
    return { speed: this.#speed, paused: this.#paused, recentMaxLagMs: this.lag.takeRecentMax() };
  }

  get speed(): number {
    return this.#speed;
  }

  /** Runs until a limit, a stop, or no actor is left; returns why (the engine records the limit). */
  async run(): Promise<string> {
    const run = this.#run;
    const { queue, actors } = run;
    let lastYield = monotonicMs();
    let dispatched = 0;
    // Sim time starts now (the population is spawned), or at the given instant: every shard
    // started with the same `--start-at` waits for it. One in the past: everything is late at once.
    if (!this.#fixedOrigin) this.#wallOrigin = monotonicMs();
    // A resumed run's sim time starts where its snapshots left it.
    this.#simOrigin = run.clock.now();
    // Late only when it was ready after the instant (a wait's own timer jitter is not lateness).
    const lateMs = Math.max(0, monotonicMs() - this.#wallOrigin);
    while (monotonicMs() < this.#wallOrigin && !run.stopReason()) await this.#waitUntil(this.#wallOrigin);
    if (this.#fixedOrigin && !run.stopReason()) run.startedAt(lateMs);
    for (;;) {
      const stop = run.stopReason();
      if (stop) {
        // Stopped between events: sim time reached where the pace had brought it.
        run.clock.advanceTo(this.simTimeAt(monotonicMs()));
        return stop;
      }
      if (run.actionsDone()) {
        // Like a stop: the turns in flight are released, not waited for (they would add actions).
        run.requestStop('max-actions');
        continue;
      }
      if (this.#paused) {
        await this.#wait();
        continue;
      }
      if (queue.size === 0 && this.#inFlight === 0) return 'all-actors-stopped';
      const t = queue.peekTime();
      if (t > this.#durationMs) {
        // A turn in flight may still queue an event within the run: wait for them first.
        if (this.#inFlight > 0) {
          await this.#wait();
          continue;
        }
        // The run lasts its sim duration in wall time too.
        const end = this.dueAt(this.#durationMs);
        if (monotonicMs() < end) {
          await this.#waitUntil(end);
          continue;
        }
        run.clock.advanceTo(this.#durationMs);
        return 'duration';
      }
      const due = this.dueAt(t);
      let now = monotonicMs();
      if (now < due) {
        await this.#waitUntil(due);
        continue;
      }
      if (run.betweenTurns) {
        const between = run.betweenTurns();
        if (between) {
          await between;
          continue;
        }
      }
      const actor = actors[queue.peekActor()]!;
      // Bounded: a due turn waits for a slot (its lag shows the wait). An actor still running
      // (its async per-turn invariants hold its turn open) is not run twice at once.
      if (this.#inFlight >= this.#concurrency || actor.resumeEngine !== null) {
        await this.#wait();
        continue;
      }
      queue.pop();
      run.clock.advanceTo(t);
      this.lag.add(now - due);
      this.#onDispatch?.(t, due, now);
      const pending = run.dispatch(actor, queue.poppedKind as QueuedEventKind, t, false);
      if (pending) {
        this.#inFlight++;
        pending.then(this.#onTurnDone);
      }
      // Turns that never wait on I/O (an overrun: many due at once) would starve the event loop.
      if ((++dispatched & 255) === 0) {
        now = monotonicMs();
        if (now - lastYield > 20) {
          lastYield = now;
          await yieldToEventLoop();
        }
      }
    }
  }

  /** The anchor moves to now, at the paced sim time of now: nothing jumps when speed or pause changes. */
  #reanchor(): void {
    const now = monotonicMs();
    this.#simOrigin = this.simTimeAt(now);
    this.#wallOrigin = now;
  }

  /** Until something notifies the loop. */
  #wait(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#wake = resolve;
    });
  }

  /**
   * Until wall time `due` (or a notify). Timers count whole ms from the event loop's cached time,
   * so one may fire a fraction of a ms early: the loop then looks again and waits another ms.
   * (Spinning on the event loop's turns instead would be closer, but burns a core while it waits.)
   */
  async #waitUntil(due: number): Promise<void> {
    const left = due - monotonicMs();
    if (left <= 0) return;
    let cancel: (() => void) | null = null;
    await new Promise<void>((resolve) => {
      this.#wake = resolve;
      cancel = afterWallMs(Math.max(1, Math.floor(left)), () => this.notify());
    });
    (cancel as (() => void) | null)?.();
  }
}

/** A speed is sim ms per wall ms: a finite number > 0. */
export function checkSpeed(speed: unknown): asserts speed is number {
  if (typeof speed !== 'number' || !Number.isFinite(speed) || speed <= 0) {
    throw new BeamulatorError('BEAM_USAGE', `cannot pace a run at speed ${String(speed)}: a speed is sim ms per wall ms, a number > 0`, 'Use e.g. --speed 1 (real time), --speed 60 (a sim minute per wall second) or --speed 0.5');
  }
}
