import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { VirtualClock } from '../clock/virtual-clock.ts';
import { monotonicMs } from '../clock/wall-clock.ts';
import type { HttpClientFactory } from '../connectors/http-client.ts';
import { originOf, relativeUrl } from '../connectors/relative-url.ts';
import type { Rng } from '../rng/rng.ts';
import type { Json, RunSummary } from '../store/records.ts';
import type { RunWriter } from '../store/run-store.ts';
import { parseDuration } from '../util/duration.ts';
import { callUser, describeThrown, isUserCodeError, userFrame, type UserCodeError } from '../util/user-code.ts';
import type { ParamValues } from '../util/params.ts';
import { toJson } from '../util/to-json.ts';
import { ActionWatchdog } from './action-watchdog.ts';
import { Actor } from './actor.ts';
import type { ActorContext } from './actor-context.ts';
import { ActorContextImpl, type TurnRun } from './actor-context-impl.ts';
import type { Behavior } from './behavior.ts';
import type { EngineHooks } from './engine-hooks.ts';
import { EventQueue } from './event-queue.ts';
import type { ActionRunContext } from './execute-action.ts';
import { InvariantChecks, type InvariantRun } from './invariant-checks.ts';
import { buildPopulation, type Spawn } from './population.ts';
import { RunRecorder } from './run-recorder.ts';
import {
  START_TURN, WAKE_FROM_SLEEP, schedulerFor, type QueuedEventKind, type ScheduledRun, type Scheduler,
} from './scheduler.ts';
import type { Simulation } from './simulation.ts';
import { inShard, type ResolvedShard } from './shard.ts';
import { isStop } from './stop.ts';

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
  /** Run only this shard's actors (see inShard); ids stay those of the whole population. */
  shard?: ResolvedShard;
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
 * The scheduler chooses which events run together; the recorder writes down what happened.
 */
export class Engine implements ScheduledRun, TurnRun, InvariantRun {
  readonly clock: VirtualClock;
  /** Actors by id; a sharded run has only its shard's ids, so this array has gaps. */
  readonly actors: Actor[] = [];
  /** The actors in spawn order, without gaps. */
  readonly spawned: Actor[] = [];
  readonly queue = new EventQueue();
  readonly options: EngineOptions;
  readonly recorder: RunRecorder;
  /** What each action of the run is executed with (see executeAction). */
  readonly actionRun: ActionRunContext;
  readonly wallStartMs = monotonicMs();

  step = 0;
  #crashes = 0;
  #stopRequested: string | null = null;
  readonly #scheduler: Scheduler;
  /** One event per step (concurrency 1, no drawn overlap): the running actor is #current, not in #inFlight. */
  readonly #serial: boolean;
  /** Actors between two of their own awaits (released at once when a stop is requested): the serial one, or a batch. */
  #current: Actor | null = null;
  readonly #inFlight: Actor[] = [];
  /** The simulation's invariants; null when none are declared. */
  readonly #invariants: InvariantChecks | null = null;
  /** Checkers or invariants to finish when the run ends. */
  readonly #checks: boolean;
  /** What stopped the run: the user's code threw where the run cannot go on (a checker, an invariant...). */
  #fatal: UserCodeError | null = null;

  constructor(options: EngineOptions) {
    this.options = options;
    this.clock = new VirtualClock(options.simEpoch);
    const { checkers, invariants } = options.sim;
    this.recorder = new RunRecorder(options.runId, options.writer, options.hooks ?? {}, this.clock, this.actors, checkers, Boolean(invariants?.length), (error) => this.fail(error));
    // The recorder keeps the run's log in memory exactly when there are invariants to read it.
    if (invariants?.length && this.recorder.log) this.#invariants = new InvariantChecks(this, this.recorder.log, invariants);
    this.#checks = Boolean(checkers?.length || invariants?.length);
    this.#scheduler = schedulerFor(options, this);
    this.#serial = options.concurrency === 1 && !options.overlap;
    const targetOrigin = originOf(options.targetUrl);
    this.actionRun = {
      runId: options.runId, writer: options.writer, http: options.http, targetUrl: options.targetUrl,
      actionTimeoutMs: options.actionTimeoutMs, watchdog: new ActionWatchdog(),
      // The same instant as wallStartMs, in µs: wall columns of the log count from it.
      wallStartUs: Math.round(this.wallStartMs * 1000),
      relativeUrl: (url) => relativeUrl(targetOrigin, url),
      foreignHttp: Boolean(options.sim.foreignHttp), params: options.params,
    };
  }

  get runId(): string {
    return this.options.runId;
  }

  get params(): ParamValues {
    return this.options.params;
  }

  /** Spawns the population and runs until a limit, an interrupt, or no actor is left. */
  async run(): Promise<EngineResult> {
    const { options, recorder } = this;
    const onAbort = () => this.requestStop('interrupted');
    try {
      // The user's code runs from here on (checkers' start, population functions, initialState).
      recorder.startCheckers();
      const { shard } = options;
      for (const spawn of buildPopulation(options.sim, options.seed, options.params, options.counts, options.rngFor, options.population)) {
        if (!shard || inShard(spawn.id, shard)) this.#spawn(spawn);
      }
      recorder.runStart({
        runId: this.runId, seed: options.seed, targetUrl: options.targetUrl || null, actors: this.spawned.length, simLimit: options.durationMs, shard: options.shard ?? null,
      });
      options.signal?.addEventListener('abort', onAbort, { once: true });
      if (options.signal?.aborted) onAbort();
      const reason = await this.#loop();
      if (!this.#fatal && this.#checks) await this.#finishChecks();
      if (this.#fatal) throw this.#fatal;
      recorder.summary.simDurationMs = this.clock.now();
      return { stopReason: reason, simDurationMs: this.clock.now(), summary: recorder.summary, crashes: this.#crashes };
    } catch (error) {
      if (isUserCodeError(error)) this.fail(error);
      throw this.#fatal ?? error;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      this.actionRun.watchdog.stop();
    }
  }

  /**
   * The user's code threw where the run cannot go on (a checker, an invariant, a complaint
   * predicate, initialState): recorded as a crash of the run, which stops; `run()` then throws it.
   */
  fail(error: UserCodeError): void {
    if (this.#fatal) return;
    this.#fatal = error;
    this.recorder.event(null, 'crash', { error: describeThrown(error.thrown), what: error.what, at: error.at, fatal: true });
    this.requestStop('error');
  }

  /** Stops at the next step boundary; actors in flight are released (their coroutines are dropped). */
  requestStop(reason: string): void {
    if (this.#stopRequested) return;
    this.#stopRequested = reason;
    if (this.#current) this.#returnControl(this.#current);
    for (const actor of [...this.#inFlight]) this.#returnControl(actor);
  }

  async #loop(): Promise<string> {
    const { queue, options, recorder } = this;
    const { durationMs, maxActions } = options;
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
      if (recorder.summary.actions >= maxActions) return this.#limit('max-actions');
      this.step++;
      const pending = this.#scheduler.step(t);
      if (pending) await pending;
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
          recorder.progress(durationMs, now - this.wallStartMs);
        }
      }
    }
  }

  /** Called by the scheduler: runs an actor until it pauses (ctx.sleep) or its turn ends (see ScheduledRun). */
  dispatch(actor: Actor, kind: QueuedEventKind, time: number, turnBegun: boolean): Promise<void> | undefined {
    actor.now = time;
    actor.resumeEngine = stoppedBeforeTheEngineAwaited;
    if (this.#serial) this.#current = actor;
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

  /** The actor's ctx (made on its first turn). */
  contextOf(actor: Actor): ActorContext {
    return (actor.ctx ??= new ActorContextImpl(this, actor));
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
      result = actor.behavior.act(this.contextOf(actor));
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
      this.recorder.event(actor, 'stop', { reason: wait.reason ?? null });
    } else if (actor.rng.retired) {
      // A tape-backed actor whose choices ran out: retiring it (instead of zero-filling) lets shrinking reach true minima.
      actor.stopped = true;
      this.recorder.event(actor, 'retire', { turn: actor.turns });
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
    let checking: Promise<void> | undefined;
    try {
      checking = this.#invariants?.afterTurn(actor);
    } catch (error) {
      this.#checkFailed(actor, error);
      return;
    }
    if (checking) {
      // The actor's next event is queued: an invariant that throws stops the run (it is the user's
      // code, see fail), and anything else is recorded without the restart a crash of act() would schedule.
      checking.then(() => this.#returnControl(actor), (error: unknown) => this.#checkFailed(actor, error));
    } else {
      this.#returnControl(actor);
    }
  }

  #checkFailed(actor: Actor, error: unknown): void {
    if (isUserCodeError(error)) this.fail(error);
    else this.recorder.event(actor, 'crash', { error: describeThrown(error), stack: [], turn: actor.turns });
    this.#returnControl(actor);
  }

  #crash(actor: Actor, error: unknown): void {
    // Thrown out of ctx.execute by a complaint predicate or a checker: the run stops (fail was called).
    if (isUserCodeError(error)) this.fail(error);
    if (!actor.resumeEngine) return;
    this.#crashes++;
    actor.crashesInARow++;
    const message = error instanceof Error ? error.message : String(error);
    const stack = error instanceof Error ? (error.stack ?? '').split('\n').slice(1, 4).map((l) => l.trim()) : [];
    const what = `behavior ${actor.behavior.name}'s act()`;
    const at = userFrame(error);
    this.recorder.event(actor, 'crash', { error: message, stack, turn: actor.turns, what, at });
    this.recorder.crash({ actorId: actor.id, what: `${what} (turn ${actor.turns})`, error: describeThrown(error), at });
    if (actor.crashesInARow >= this.options.maxCrashesInARow) {
      actor.stopped = true;
      this.recorder.event(actor, 'give-up', { crashesInARow: actor.crashesInARow });
    } else {
      // A fresh start: the state is rebuilt, the rng stream continues (so the run stays reproducible).
      try {
        actor.state = freshState(actor.behavior, actor, this.options.params);
      } catch (thrown) {
        this.fail(thrown as UserCodeError);
        this.#returnControl(actor);
        return;
      }
      actor.tagSet = null;
      this.recorder.event(actor, 'restart', { after: this.options.restartDelayMs });
      this.queue.push(actor.now + this.options.restartDelayMs, actor.id, START_TURN);
    }
    this.#returnControl(actor);
  }

  /** When the run ends: checks the end invariants, then flushes the checkers. */
  async #finishChecks(): Promise<void> {
    // End invariants first: the actions they probe with are fed to the checkers before those flush.
    await this.#invariants?.atEnd();
    this.recorder.finishCheckers();
  }

  #limit(reason: string): string {
    this.recorder.event(null, reason === 'interrupted' ? 'interrupt' : 'limit', { reason });
    return reason;
  }

  #spawn({ id, behavior, name, config, tags, arrival, rngFor }: Spawn): void {
    const rng = rngFor(id);
    const rngState = rng.getState();
    // The engine's own randomness (arrival jitter) is drawn from the actor's stream too.
    const at = typeof arrival === 'number' ? arrival : arrival(rng);
    const actor = new Actor(id, behavior, name, config, undefined, rng, tags);
    actor.now = at;
    actor.state = freshState(behavior, actor, this.options.params);
    this.actors[id] = actor;
    this.spawned.push(actor);
    this.recorder.actor({
      runId: this.runId, actorId: id, behavior: behavior.name, name, config: toJson(config), initialState: toJson(actor.state),
      tags: [...tags], rngState: rngState as unknown as Json, origin: 'config', spawnAt: at,
    });
    this.recorder.event(actor, 'spawn', { behavior: behavior.name, name });
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

/** The actor's state at its start or restart; throws a UserCodeError when `initialState` does. */
function freshState(behavior: Behavior, actor: Actor, params: ParamValues): unknown {
  const init = behavior.initialState;
  if (typeof init === 'function') {
    const input = { actorId: actor.id, name: actor.name, config: actor.config, rng: actor.rng, params };
    return callUser(`behavior ${behavior.name}'s initialState() for ${actor.name}`, () => (init as (i: object) => unknown)(input));
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

