import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { VirtualClock } from '../clock/virtual-clock.ts';
import { monotonicMs } from '../clock/wall-clock.ts';
import type { HttpClientFactory } from '../connectors/http-client.ts';
import { originOf, relativeUrl } from '../connectors/relative-url.ts';
import type { Rng } from '../rng/rng.ts';
import type {
  ActionRecord, ComplaintRecord, EventKind, Json, RunSummary, Severity,
} from '../store/records.ts';
import type { RunWriter } from '../store/run-store.ts';
import type { Checker, StartedChecker, Violation, Violations } from '../checkers/types.ts';
import { parseDuration } from '../util/duration.ts';
import { errorMessage } from '../util/errors.ts';
import { toJson } from '../util/to-json.ts';
import { ActionWatchdog } from './action-watchdog.ts';
import { Actor } from './actor.ts';
import { ActorContextImpl } from './actor-context-impl.ts';
import { isStop, type Behavior } from './behavior.ts';
import type { EngineHooks } from './engine-hooks.ts';
import { EventQueue } from './event-queue.ts';
import { InvariantChecks } from './invariant-checks.ts';
import type { ParamValues } from '../util/params.ts';
import { buildPopulation } from './population.ts';
import type { Simulation } from './simulation.ts';

/** What a queued event does for its actor (stored as a byte in the EventQueue): start its next turn... */
const START_TURN = 0;
/** ...or resume a turn paused in ctx.sleep. */
const WAKE_FROM_SLEEP = 1;
type QueuedEventKind = typeof START_TURN | typeof WAKE_FROM_SLEEP;

/** Everything the engine needs for one run; `runSimulation` fills it from a simulation + options. */
export interface EngineOptions {
  sim: Simulation;
  runId: string;
  seed: string;
  writer: RunWriter;
  http: HttpClientFactory | null;
  targetUrl: string;
  simEpoch: number;
  durationMs: number;
  maxActions: number;
  maxWallMs: number;
  concurrency: number;
  overlapWindowMs: number;
  actionTimeoutMs: number;
  restartDelayMs: number;
  maxCrashesInARow: number;
  /** The run's resolved parameters (ctx.params, io.params, population functions). */
  params: ParamValues;
  /** Override actor counts by behavior name. */
  counts?: Record<string, number>;
  /** Replace the population (fuzzing generates one). */
  population?: Simulation['population'];
  /** Each actor's random stream (default: seeded from `(seed, actorId)`; fuzzing uses tapes). */
  rngFor?: (actorId: number) => Rng;
  /**
   * Overlap drawn from the actors' own streams: after popping an event, its actor draws how many
   * of the next events (0..maxSpan, 0 = none) run concurrently with it, among those due within
   * `maxLatencyMs`. Used by fuzzing, where the draws come from the actor's tape and shrink to serial.
   */
  overlap?: { maxSpan: number; maxLatencyMs: number };
  signal?: AbortSignal;
  hooks?: EngineHooks;
  /** How often progress is reported, wall ms (default 500). */
  progressEveryMs?: number;
}

export interface EngineResult {
  stopReason: string;
  simDurationMs: number;
  summary: RunSummary;
  crashes: number;
}

/**
 * The deterministic core: a virtual clock and a min-heap of (simTime, seq) events. Each actor's
 * turn is a coroutine; time moves only when no actor is running, so results never depend on I/O speed.
 */
export class Engine {
  readonly clock: VirtualClock;
  readonly actors: Actor[] = [];
  readonly queue = new EventQueue();
  readonly options: EngineOptions;
  readonly hooks: EngineHooks;
  readonly wallStartMs = monotonicMs();
  /** The same instant in µs: wall columns of the log count from it. */
  readonly wallStartUs = Math.round(this.wallStartMs * 1000);

  nextActionSeq = 0;
  step = 0;
  #complaintSeq = 0;
  #eventSeq = 0;
  #crashes = 0;
  #stopRequested: string | null = null;
  /** Actors between two of their own awaits (released at once when a stop is requested): the serial one, or a batch. */
  #current: Actor | null = null;
  readonly #inFlight: Actor[] = [];
  readonly summary: RunSummary;
  readonly #targetOrigin: string;
  /** Checkers and invariants (sim.checkers, sim.invariants); all null when none are declared. */
  readonly #checks: Array<{ checker: Checker; run: StartedChecker }> | null = null;
  readonly #invariants: InvariantChecks | null = null;

  constructor(options: EngineOptions) {
    this.options = options;
    this.hooks = options.hooks ?? {};
    this.clock = new VirtualClock(options.simEpoch);
    this.watchdog = new ActionWatchdog();
    this.#targetOrigin = originOf(options.targetUrl);
    this.summary = {
      actions: 0,
      byOutcome: { ok: 0, error: 0, crash: 0 },
      complaints: 0,
      bySeverity: { urgent: 0, annoying: 0, justsayin: 0 },
      actors: 0,
      simDurationMs: 0,
    };
    const { checkers, invariants } = options.sim;
    if (checkers?.length) this.#checks = checkers.map((checker) => ({ checker, run: checker.start() }));
    if (invariants?.length) this.#invariants = new InvariantChecks(this, invariants);
  }

  get runId(): string {
    return this.options.runId;
  }

  // What executeAction needs (ActionRunContext).
  get writer(): RunWriter { return this.options.writer; }
  get http(): HttpClientFactory | null { return this.options.http; }
  get targetUrl(): string { return this.options.targetUrl; }
  get actionTimeoutMs(): number { return this.options.actionTimeoutMs; }
  get foreignHttp(): boolean { return Boolean(this.options.sim.foreignHttp); }
  get params(): ParamValues { return this.options.params; }
  readonly watchdog: ActionWatchdog;

  /** Spawns the population and runs until a limit, an interrupt, or no actor is left. */
  async run(): Promise<EngineResult> {
    const { options } = this;
    for (const spawn of buildPopulation(options.sim, options.seed, options.params, options.counts, options.rngFor, options.population)) {
      this.#spawn(spawn.behavior, spawn.name, spawn.config, spawn.tags, spawn.arrival, spawn.rngFor);
    }
    this.hooks.onRunStart?.({
      runId: this.runId, seed: options.seed, targetUrl: options.targetUrl || null, actors: this.actors.length, simLimit: options.durationMs,
    });
    const onAbort = () => this.requestStop('interrupted');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) onAbort();
    try {
      const reason = await this.#loop();
      if (this.#checks || this.#invariants) await this.#finishChecks();
      this.summary.simDurationMs = this.clock.now();
      return { stopReason: reason, simDurationMs: this.clock.now(), summary: this.summary, crashes: this.#crashes };
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      this.watchdog.stop();
    }
  }

  /** Stops at the next step boundary; actors in flight are released (their coroutines are dropped). */
  requestStop(reason: string): void {
    if (this.#stopRequested) return;
    this.#stopRequested = reason;
    if (this.#current) this.#returnControl(this.#current);
    for (const actor of [...this.#inFlight]) this.#returnControl(actor);
  }

  async #loop(): Promise<string> {
    const { queue, options } = this;
    const { durationMs, maxActions, concurrency, overlapWindowMs } = options;
    const progressEvery = options.progressEveryMs ?? 500;
    let lastYield = monotonicMs();
    let lastProgress = lastYield;
    for (;;) {
      if (this.#stopRequested) return this.#limit(this.#stopRequested);
      if (queue.size === 0) return 'all-actors-stopped';
      const t = queue.peekTime();
      if (t > durationMs) {
        this.clock.advanceTo(durationMs);
        return this.#limit('duration');
      }
      if (this.summary.actions >= maxActions) return this.#limit('max-actions');
      this.step++;
      if (options.overlap) {
        await this.#dispatchDrawnOverlap(options.overlap.maxSpan, Math.min(t + options.overlap.maxLatencyMs, durationMs));
      } else if (concurrency === 1) {
        queue.pop();
        this.clock.advanceTo(t);
        const pending = this.#dispatch(this.actors[queue.poppedActor]!, queue.poppedKind as QueuedEventKind, t);
        // A turn that finished synchronously needs no await (no microtask hop per turn).
        if (pending) await pending;
      } else {
        await this.#dispatchBatch(Math.min(t + overlapWindowMs, durationMs), concurrency);
      }
      // Housekeeping off the hot path: yield to the event loop (signals, timers), flush, report.
      if ((this.step & 255) === 0) {
        const now = monotonicMs();
        if (now - this.wallStartMs > options.maxWallMs) return this.#limit('max-wall-time');
        if (now - lastYield > 50) {
          lastYield = now;
          await yieldToEventLoop();
          await options.writer.flush();
        }
        if (now - lastProgress > progressEvery) {
          lastProgress = now;
          this.#progress(now);
        }
      }
    }
  }

  async #dispatchBatch(until: number, concurrency: number): Promise<void> {
    const { queue } = this;
    const batch: Promise<void>[] = [];
    let started = 0;
    while (started++ < concurrency && queue.size > 0 && queue.peekTime() <= until) {
      queue.pop();
      this.clock.advanceTo(queue.poppedTime);
      const pending = this.#dispatch(this.actors[queue.poppedActor]!, queue.poppedKind as QueuedEventKind, queue.poppedTime);
      if (pending) batch.push(pending);
    }
    if (batch.length > 0) await Promise.all(batch);
  }

  /**
   * Each popped event's actor draws how many of the following events (0..maxSpan) join the batch.
   * The draw comes from the actor's own stream (its tape, when fuzzing), so shrinking a tape
   * shrinks the overlap too, down to 0: serial.
   */
  async #dispatchDrawnOverlap(maxSpan: number, until: number): Promise<void> {
    const { queue } = this;
    const batch: Promise<void>[] = [];
    // Events still to pop into this batch, the next one included; each popped event's draw may extend it.
    for (let stillToPop = 1; stillToPop > 0 && queue.size > 0 && queue.peekTime() <= until; stillToPop--) {
      queue.pop();
      const actor = this.actors[queue.poppedActor]!;
      this.clock.advanceTo(queue.poppedTime);
      // A turn's span is the first draw of its own tape segment: a shrink that deletes a turn then
      // deletes its span too, instead of handing it to the turn after (whose own span it was not).
      const kind = queue.poppedKind as QueuedEventKind;
      const turn = kind === START_TURN;
      if (turn) actor.rng.beginTurn();
      stillToPop = Math.max(stillToPop, 1 + actor.rng.int(0, maxSpan));
      const pending = this.#dispatch(actor, kind, queue.poppedTime, turn);
      if (pending) batch.push(pending);
    }
    if (batch.length > 0) await Promise.all(batch);
  }

  /**
   * Runs an actor until it pauses (ctx.sleep) or its turn ends. Returns undefined when that
   * already happened synchronously, else a promise that resolves when it happens.
   */
  #dispatch(actor: Actor, kind: QueuedEventKind, time: number, turnBegun = false): Promise<void> | undefined {
    actor.now = time;
    actor.resumeEngine = stoppedBeforeTheEngineAwaited;
    if (this.options.concurrency === 1 && !this.options.overlap) this.#current = actor;
    else this.#inFlight.push(actor);
    if (kind === WAKE_FROM_SLEEP) {
      const wake = actor.wake!;
      actor.wake = null;
      wake();
    } else {
      this.#startTurn(actor, turnBegun);
    }
    if (actor.resumeEngine === null) return undefined;
    return untilControlReturns(actor);
  }

  /** The actor stops running (it paused, its turn ended, it crashed, or a stop dropped it): the engine, awaiting it, goes on. */
  #returnControl(actor: Actor): void {
    const resumeEngine = actor.resumeEngine;
    actor.resumeEngine = null;
    if (this.#current === actor) this.#current = null;
    else {
      const i = this.#inFlight.indexOf(actor);
      if (i >= 0) this.#inFlight.splice(i, 1);
    }
    resumeEngine?.();
  }

  #startTurn(actor: Actor, turnBegun: boolean): void {
    actor.turns++;
    if (!turnBegun) actor.rng.beginTurn();
    let result: unknown;
    try {
      result = actor.behavior.act((actor.ctx ??= new ActorContextImpl(this, actor)));
    } catch (error) {
      this.#crash(actor, error);
      return;
    }
    if (result !== null && typeof (result as Promise<unknown>)?.then === 'function') {
      (result as Promise<unknown>).then((wait) => this.#endTurn(actor, wait), (error) => this.#crash(actor, error));
    } else {
      this.#endTurn(actor, result);
    }
  }

  #endTurn(actor: Actor, wait: unknown): void {
    if (!actor.resumeEngine) return; // released by a stop request meanwhile
    actor.crashesInARow = 0;
    if (isStop(wait)) {
      actor.stopped = true;
      this.recordEvent(actor, 'stop', { reason: wait.reason ?? null });
    } else if (actor.rng.retired) {
      // A tape-backed actor whose choices ran out: retiring it (instead of zero-filling) lets shrinking reach true minima.
      actor.stopped = true;
      this.recordEvent(actor, 'retire', { turn: actor.turns });
    } else {
      let ms: number;
      try {
        ms = waitMs(wait);
      } catch (error) {
        this.#crash(actor, error);
        return;
      }
      this.queue.push(actor.now + ms, actor.id, START_TURN);
    }
    const checking = this.#invariants?.afterTurn(actor);
    if (checking) {
      // A check's own errors are verdicts already; anything else is ours. The actor's next event is
      // queued, so it is recorded without the restart a crash of act() would schedule.
      checking.then(() => this.#returnControl(actor), (error: unknown) => {
        this.recordEvent(actor, 'crash', { error: errorMessage(error), stack: [], turn: actor.turns });
        this.#returnControl(actor);
      });
    } else {
      this.#returnControl(actor);
    }
  }

  #crash(actor: Actor, error: unknown): void {
    if (!actor.resumeEngine) return;
    this.#crashes++;
    actor.crashesInARow++;
    const message = error instanceof Error ? error.message : String(error);
    const stack = error instanceof Error ? (error.stack ?? '').split('\n').slice(1, 4).map((l) => l.trim()) : [];
    this.recordEvent(actor, 'crash', { error: message, stack, turn: actor.turns });
    if (actor.crashesInARow >= this.options.maxCrashesInARow) {
      actor.stopped = true;
      this.recordEvent(actor, 'give-up', { crashesInARow: actor.crashesInARow });
    } else {
      // A fresh start: the state is rebuilt, the rng stream continues (so the run stays reproducible).
      actor.state = freshState(actor.behavior, actor, this.options.params);
      actor.tagSet = null;
      this.recordEvent(actor, 'restart', { after: this.options.restartDelayMs });
      this.queue.push(actor.now + this.options.restartDelayMs, actor.id, START_TURN);
    }
    this.#returnControl(actor);
  }

  /** Target urls are stored by path (see relativeUrl). */
  relativeUrl(url: string): string {
    return relativeUrl(this.#targetOrigin, url);
  }

  /** Called by ctx.sleep: pauses the coroutine until its wake-up event is popped. */
  sleep(actor: Actor, ms: number): Promise<void> {
    if (!actor.resumeEngine) throw new Error(`ctx.sleep was called outside ${actor.name}'s turn (a missing await?)`);
    this.queue.push(actor.now + ms, actor.id, WAKE_FROM_SLEEP);
    return new Promise<void>((resolve) => {
      actor.wake = resolve;
      this.#returnControl(actor);
    });
  }

  recordAction(row: ActionRecord): void {
    this.summary.actions++;
    this.summary.byOutcome[row.outcome]++;
    this.options.writer.addAction(row);
    this.hooks.onAction?.(row);
    if (this.#checks || this.#invariants) this.#observe(row);
  }

  recordComplaint(actor: Actor, actionSeq: number | null, severity: Severity, message: string, trigger: string, detail: Json, simTime = actor.now): void {
    this.summary.complaints++;
    this.summary.bySeverity[severity]++;
    const row: ComplaintRecord = {
      runId: this.runId, seq: this.#complaintSeq++, actionSeq, actorId: actor.id, severity, message, trigger, detail, simTime,
    };
    this.options.writer.addComplaint(row);
    this.hooks.onComplaint?.(row);
    this.#invariants?.complaints.push(row);
  }

  /** Feeds an action to the checkers (and the invariants' log). */
  #observe(row: ActionRecord): void {
    this.#invariants?.actions.push(row);
    for (const { checker, run } of this.#checks ?? []) this.#recordViolations(checker, run.onAction(row));
  }

  #recordViolations(checker: Checker, found: Violations): void {
    if (found === null) return;
    for (const v of Array.isArray(found) ? (found as readonly Violation[]) : [found as Violation]) {
      const actor = this.actors[v.actorId];
      if (!actor) throw new Error(`checker '${checker.name}' reported a violation for unknown actor ${v.actorId}`);
      this.recordComplaint(actor, v.actionSeq, checker.severity ?? 'urgent', v.message, `checker:${checker.name}`,
        toJson({ checker: checker.name, actions: v.actions, ...v.detail }), v.simTime);
    }
  }

  /** When the run ends: flushes the checkers and checks the end invariants. */
  async #finishChecks(): Promise<void> {
    // End invariants first: the actions they probe with are fed to the checkers before those flush.
    await this.#invariants?.atEnd();
    for (const { checker, run } of this.#checks ?? []) if (run.atEnd) this.#recordViolations(checker, run.atEnd());
  }

  recordEvent(actor: Actor | null, kind: EventKind, detail: Json): void {
    const row = { runId: this.runId, seq: this.#eventSeq++, simTime: actor?.now ?? this.clock.now(), actorId: actor?.id ?? null, kind, detail };
    this.options.writer.addEvent(row);
    this.hooks.onEvent?.(row);
  }

  #limit(reason: string): string {
    this.recordEvent(null, reason === 'interrupted' ? 'interrupt' : 'limit', { reason });
    return reason;
  }

  #progress(now: number): void {
    this.hooks.onProgress?.({
      simTime: this.clock.now(), simLimit: this.options.durationMs, actions: this.summary.actions,
      complaints: this.summary.complaints, actors: this.summary.actors, wallMs: now - this.wallStartMs,
    });
  }

  #spawn(behavior: Behavior, name: string, config: unknown, tags: readonly string[], arrival: number | ((rng: Rng) => number), rngFor: (id: number) => Rng): void {
    const id = this.actors.length;
    const rng = rngFor(id);
    const rngState = rng.getState();
    // The engine's own randomness (arrival jitter) is drawn from the actor's stream too.
    const at = typeof arrival === 'number' ? arrival : arrival(rng);
    const actor = new Actor(id, behavior, name, config, undefined, rng, tags);
    actor.now = at;
    actor.state = freshState(behavior, actor, this.options.params);
    this.actors.push(actor);
    this.summary.actors++;
    this.options.writer.addActor({
      runId: this.runId, actorId: id, behavior: behavior.name, name, config: toJson(config), initialState: toJson(actor.state),
      tags: [...tags], rngState: rngState as unknown as Json, origin: 'config', spawnAt: at,
    });
    this.recordEvent(actor, 'spawn', { behavior: behavior.name, name });
    this.queue.push(at, id, START_TURN);
  }
}

/**
 * The actor's resumeEngine from dispatch until the engine awaits it: called then, the actor
 * stopped running synchronously, and the engine needs no promise (no microtask hop per turn).
 */
function stoppedBeforeTheEngineAwaited(): void {}

/** The promise the engine awaits while `actor` runs, resolved by `actor.resumeEngine()`; its executor is no closure (and no context) per turn. */
function untilControlReturns(actor: Actor): Promise<void> {
  awaitedActor = actor;
  try {
    return new Promise<void>(captureResolve);
  } finally {
    awaitedActor = null;
  }
}
// The executor runs synchronously, inside untilControlReturns.
let awaitedActor: Actor | null = null;
function captureResolve(resolve: () => void): void {
  awaitedActor!.resumeEngine = resolve;
}

function freshState(behavior: Behavior, actor: Actor, params: ParamValues): unknown {
  const init = behavior.initialState;
  if (typeof init === 'function') {
    return (init as (i: object) => unknown)({ actorId: actor.id, name: actor.name, config: actor.config, rng: actor.rng, params });
  }
  return init === undefined ? {} : structuredClone(init);
}

const parsedWaits = new Map<string, number>();

function waitMs(wait: unknown): number {
  if (typeof wait === 'number' && wait >= 0 && Number.isFinite(wait)) return wait;
  if (typeof wait === 'string') {
    let ms = parsedWaits.get(wait);
    if (ms === undefined) {
      ms = parseDuration(wait, 'the wait returned by act()');
      if (parsedWaits.size < 1000) parsedWaits.set(wait, ms);
    }
    return ms;
  }
  throw new TypeError(`act() returned ${wait === undefined ? 'nothing' : JSON.stringify(wait)}: return the wait until the next turn (e.g. '5m' or 300000) or ctx.stop()`);
}

