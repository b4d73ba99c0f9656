import type { VirtualClock } from '../clock/virtual-clock.ts';
import type { Actor } from './actor.ts';
import type { EventQueue } from './event-queue.ts';

/** What a queued event does for its actor (stored as a byte in the EventQueue): start its next turn... */
export const START_TURN = 0;
/** ...or resume a turn paused in ctx.sleep. */
export const WAKE_FROM_SLEEP = 1;
export type QueuedEventKind = typeof START_TURN | typeof WAKE_FROM_SLEEP;

/** Runs the actor of a popped event: the engine. */
export interface Dispatcher {
  /**
   * Runs `actor` until it pauses (ctx.sleep) or its turn ends. Returns undefined when that already
   * happened synchronously, else a promise that resolves when it happens. `turnBegun`: the
   * scheduler already began the turn on the actor's stream (see DrawnOverlapScheduler).
   */
  dispatch(actor: Actor, kind: QueuedEventKind, time: number, turnBegun: boolean): Promise<void> | undefined;
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
  overlap?: { maxSpan: number; maxLatencyMs: number } | undefined;
}

/**
 * The scheduler a run's options ask for: drawn overlap (fuzzing), else one event at a time
 * (concurrency 1), else batches of up to `concurrency` events.
 */
export function schedulerFor(
  options: SchedulerOptions, queue: EventQueue, clock: VirtualClock, actors: readonly Actor[], dispatcher: Dispatcher,
): Scheduler {
  if (options.overlap) return new DrawnOverlapScheduler(queue, clock, actors, dispatcher, options.overlap.maxSpan, options.overlap.maxLatencyMs, options.durationMs);
  if (options.concurrency === 1) return new SerialScheduler(queue, clock, actors, dispatcher);
  return new BatchScheduler(queue, clock, actors, dispatcher, options.concurrency, options.overlapWindowMs, options.durationMs);
}

/** What every scheduler pops from, moves and dispatches to. */
abstract class QueueScheduler implements Scheduler {
  constructor(
    readonly queue: EventQueue, readonly clock: VirtualClock, readonly actors: readonly Actor[], readonly dispatcher: Dispatcher,
  ) {}

  abstract step(time: number): Promise<void> | undefined;

  /**
   * Whether the next event's actor is still running in this step. Only a turn that ended
   * synchronously while an asynchronous per-turn invariant holds it open can be: its next event is
   * queued already. A batch ends before such an event (running the actor twice at once would lose
   * the engine's hold on its first run); the next step runs it.
   */
  nextActorIsRunning(): boolean {
    return this.actors[this.queue.peekActor()]!.resumeEngine !== null;
  }
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

/** Up to `concurrency` events due within `overlapWindowMs` of the first run together. */
class BatchScheduler extends QueueScheduler {
  constructor(
    queue: EventQueue, clock: VirtualClock, actors: readonly Actor[], dispatcher: Dispatcher,
    readonly concurrency: number, readonly overlapWindowMs: number, readonly durationMs: number,
  ) {
    super(queue, clock, actors, dispatcher);
  }

  async step(time: number): Promise<void> {
    const { queue } = this;
    const until = Math.min(time + this.overlapWindowMs, this.durationMs);
    const batch: Promise<void>[] = [];
    let started = 0;
    while (started++ < this.concurrency && queue.size > 0 && queue.peekTime() <= until && !this.nextActorIsRunning()) {
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
class DrawnOverlapScheduler extends QueueScheduler {
  constructor(
    queue: EventQueue, clock: VirtualClock, actors: readonly Actor[], dispatcher: Dispatcher,
    readonly maxSpan: number, readonly maxLatencyMs: number, readonly durationMs: number,
  ) {
    super(queue, clock, actors, dispatcher);
  }

  async step(time: number): Promise<void> {
    const { queue, maxSpan } = this;
    const until = Math.min(time + this.maxLatencyMs, this.durationMs);
    const batch: Promise<void>[] = [];
    // Events still to pop into this batch, the next one included; each popped event's draw may extend it.
    for (let stillToPop = 1; stillToPop > 0 && queue.size > 0 && queue.peekTime() <= until && !this.nextActorIsRunning(); stillToPop--) {
      queue.pop();
      const actor = this.actors[queue.poppedActor]!;
      this.clock.advanceTo(queue.poppedTime);
      // A turn's span is the first draw of its own tape segment: a shrink that deletes a turn then
      // deletes its span too, instead of handing it to the turn after (whose own span it was not).
      const kind = queue.poppedKind as QueuedEventKind;
      const turn = kind === START_TURN;
      if (turn) actor.rng.beginTurn();
      stillToPop = Math.max(stillToPop, 1 + actor.rng.int(0, maxSpan));
      const pending = this.dispatcher.dispatch(actor, kind, queue.poppedTime, turn);
      if (pending) batch.push(pending);
    }
    if (batch.length > 0) await Promise.all(batch);
  }
}
