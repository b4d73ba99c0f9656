import type { VirtualClock } from '../clock/virtual-clock.ts';
import type { Actor } from './actor.ts';
import type { EventQueue } from './event-queue.ts';
import type { OverlapGate } from './overlap-gate.ts';

/** What a queued event does for its actor (stored as a byte in the EventQueue): start its next turn... */
export const START_TURN = 0;
/** ...or resume a turn paused in ctx.sleep. */
export const WAKE_FROM_SLEEP = 1;
/** ...or resume a turn waiting in ctx.nextMessage (a message came, or its timeout). */
export const WAKE_ON_MESSAGE = 2;
export type QueuedEventKind = typeof START_TURN | typeof WAKE_FROM_SLEEP | typeof WAKE_ON_MESSAGE;

/** What a scheduler works on: the run's queue, clock and actors, and the engine, which runs a popped event's actor. */
export interface ScheduledRun {
  readonly queue: EventQueue;
  readonly clock: VirtualClock;
  readonly actors: readonly Actor[];
  /**
   * Runs `actor` until it pauses (ctx.sleep) or its turn ends. Returns undefined when that already
   * happened synchronously, else a promise that resolves when it happens. `turnBegun`: the
   * scheduler already began the turn on the actor's stream (see DrawnOverlapScheduler).
   */
  dispatch(actor: Actor, kind: QueuedEventKind, time: number, turnBegun: boolean): Promise<void> | undefined;
  /** Orders the requests of an overlapping step (drawn overlap with `ordered` only; see OverlapGate). */
  readonly gate: OverlapGate | null;
}

/**
 * Chooses which due events run together in one step of the engine's loop, pops them, moves the
 * clock to each, and dispatches their actors.
 */
export interface Scheduler {
  /** One step; the next event is due at `time` (within the run). Returns a promise while an actor of the step runs. */
  step(time: number): Promise<void> | undefined;
}

/** How the engine's scheduler is chosen (see EngineOptions). */
export interface SchedulerOptions {
  durationMs: number;
  concurrency: number;
  overlapWindowMs: number;
  overlap?: { maxSpan: number; maxLatencyMs: number; ordered?: boolean } | undefined;
}

/**
 * The scheduler a run's options ask for: drawn overlap (fuzzing), else one event at a time
 * (concurrency 1), else batches of up to `concurrency` events.
 */
export function schedulerFor(options: SchedulerOptions, run: ScheduledRun): Scheduler {
  const { overlap, durationMs } = options;
  if (overlap) {
    return run.gate ? new OrderedOverlapScheduler(run, run.gate, overlap.maxSpan, overlap.maxLatencyMs, durationMs) : new DrawnOverlapScheduler(run, overlap.maxSpan, overlap.maxLatencyMs, durationMs);
  }
  if (options.concurrency === 1) return new SerialScheduler(run);
  return new ConcurrencyScheduler(run, options.concurrency, options.overlapWindowMs, durationMs);
}

/** What every scheduler pops from, moves and dispatches to (held in its own fields: one load less per event). */
abstract class QueueScheduler implements Scheduler {
  readonly queue: EventQueue;
  readonly clock: VirtualClock;
  readonly actors: readonly Actor[];
  readonly dispatcher: ScheduledRun;

  constructor(run: ScheduledRun) {
    this.queue = run.queue;
    this.clock = run.clock;
    this.actors = run.actors;
    this.dispatcher = run;
  }

  abstract step(time: number): Promise<void> | undefined;
}

/** One event per step: actors due at the same instant run one after the other, in queue order. */
class SerialScheduler extends QueueScheduler {
  step(time: number): Promise<void> | undefined {
    const { queue } = this;
    queue.pop();
    this.clock.advanceTo(time);
    // A turn that finished synchronously gives no promise, so the loop needs no await (no microtask hop per turn).
    return this.dispatcher.dispatch(this.actors[queue.poppedActor]!, queue.poppedKind as QueuedEventKind, time, false);
  }
}

/** A scheduler that runs the events due within `windowMs` of a step's first one together. */
abstract class BatchScheduler extends QueueScheduler {
  constructor(run: ScheduledRun, readonly windowMs: number, readonly durationMs: number) {
    super(run);
  }

  /** The end of the window of a step whose first event is due at `time`. */
  until(time: number): number {
    return Math.min(time + this.windowMs, this.durationMs);
  }

  /**
   * Whether the next event may join the batch: it is due by `until`, and its actor is not still
   * running in this step. Only a turn that ended synchronously while an asynchronous per-turn
   * invariant holds it open can be: its next event is queued already. Running the actor twice at
   * once would lose the engine's hold on its first run; the next step runs it.
   */
  nextJoins(until: number): boolean {
    const { queue } = this;
    if (queue.size === 0 || queue.peekTime() > until) return false;
    const actor = this.actors[queue.peekActor()]!;
    // An actor whose per-turn invariants wait for the end of this step (see Engine) does not run again in it.
    return actor.resumeEngine === null && !actor.checkPending;
  }
}

/** Up to `concurrency` events due within `overlapWindowMs` of the first run together. */
class ConcurrencyScheduler extends BatchScheduler {
  constructor(run: ScheduledRun, readonly concurrency: number, overlapWindowMs: number, durationMs: number) {
    super(run, overlapWindowMs, durationMs);
  }

  async step(time: number): Promise<void> {
    const { queue } = this;
    const until = this.until(time);
    const batch: Promise<void>[] = [];
    let started = 0;
    while (started++ < this.concurrency && this.nextJoins(until)) {
      queue.pop();
      this.clock.advanceTo(queue.poppedTime);
      const pending = this.dispatcher.dispatch(this.actors[queue.poppedActor]!, queue.poppedKind as QueuedEventKind, queue.poppedTime, false);
      if (pending) batch.push(pending);
    }
    if (batch.length > 0) await Promise.all(batch);
  }
}

/**
 * Each popped event's actor draws how many of the following events (0..maxSpan) join the batch,
 * among those due within `maxLatencyMs` of the first. The draw comes from the actor's own stream
 * (its tape, when fuzzing), so shrinking a tape shrinks the overlap too, down to 0: serial.
 */
class DrawnOverlapScheduler extends BatchScheduler {
  constructor(run: ScheduledRun, readonly maxSpan: number, maxLatencyMs: number, durationMs: number) {
    super(run, maxLatencyMs, durationMs);
  }

  async step(time: number): Promise<void> {
    const { queue, maxSpan } = this;
    const until = this.until(time);
    const batch: Promise<void>[] = [];
    // Events still to pop into this batch, the next one included; each popped event's draw may extend it.
    for (let stillToPop = 1; stillToPop > 0 && this.nextJoins(until); stillToPop--) {
      queue.pop();
      const actor = this.actors[queue.poppedActor]!;
      this.clock.advanceTo(queue.poppedTime);
      // A turn's span is the first draw of its own tape segment: a shrink that deletes a turn then
      // deletes its span too, instead of handing it to the turn after (whose own span it was not).
      const kind = queue.poppedKind as QueuedEventKind;
      const turn = kind === START_TURN;
      if (turn) actor.rng.beginTurn(queue.poppedTime);
      stillToPop = Math.max(stillToPop, 1 + actor.rng.int(0, maxSpan));
      const pending = this.dispatcher.dispatch(actor, kind, queue.poppedTime, turn);
      if (pending) batch.push(pending);
    }
    if (batch.length > 0) await Promise.all(batch);
  }
}

/**
 * Drawn overlap whose requests the engine orders (see OverlapGate): the batch is drawn as by
 * DrawnOverlapScheduler, but popped whole before any of it is dispatched, so the gate knows the
 * step's members before the first of them sends (and a turn that ends at once cannot queue its
 * next event into the same batch); then dispatched in pop order.
 */
class OrderedOverlapScheduler extends BatchScheduler {
  readonly #popped: Array<{ actor: Actor; kind: QueuedEventKind; time: number }> = [];

  constructor(run: ScheduledRun, readonly gate: OverlapGate, readonly maxSpan: number, maxLatencyMs: number, durationMs: number) {
    super(run, maxLatencyMs, durationMs);
  }

  async step(time: number): Promise<void> {
    const { queue, maxSpan, gate } = this;
    const until = this.until(time);
    const popped = this.#popped;
    popped.length = 0;
    // An actor with two events due (a message's wake and its turn) runs once per step: nothing of it is dispatched yet to say so.
    for (let stillToPop = 1; stillToPop > 0 && this.nextJoins(until) && !popped.some((p) => p.actor.id === queue.peekActor()); stillToPop--) {
      queue.pop();
      const actor = this.actors[queue.poppedActor]!;
      const kind = queue.poppedKind as QueuedEventKind;
      if (kind === START_TURN) actor.rng.beginTurn(queue.poppedTime);
      stillToPop = Math.max(stillToPop, 1 + actor.rng.int(0, maxSpan));
      popped.push({ actor, kind, time: queue.poppedTime });
    }
    const members = popped.map((p) => p.actor);
    gate.begin(members);
    const batch: Promise<void>[] = [];
    for (const { actor, kind, time: due } of popped) {
      this.clock.advanceTo(due);
      const pending = this.dispatcher.dispatch(actor, kind, due, kind === START_TURN);
      if (pending) batch.push(pending.then(() => gate.done(actor)));
      else gate.done(actor);
    }
    try {
      if (batch.length > 0) await Promise.all(batch);
    } finally {
      gate.end();
    }
  }
}
