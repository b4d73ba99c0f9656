import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { VirtualClock } from '../clock/virtual-clock.ts';
import { monotonicMs } from '../clock/wall-clock.ts';
import type { BrowserConnector } from '../connectors/browser-connector.ts';
import { BrowserSession } from '../connectors/browser-session.ts';
import type { ExchangeSource } from '../connectors/exchange-source.ts';
import { RecordedPages } from '../connectors/recorded-pages.ts';
import type { RequestMismatch } from '../connectors/request-mismatch.ts';
import type { HttpClientFactory } from '../connectors/http-client.ts';
import { originOf, relativeUrl } from '../connectors/relative-url.ts';
import type { Rng } from '../rng/rng.ts';
import type { Json, RunSummary } from '../store/records.ts';
import type { RunWriter } from '../store/run-store.ts';
import { parseDuration } from '../util/duration.ts';
import { isBeamulatorError } from '../util/errors.ts';
import { callUser, describeThrown, isUserCodeError, userFrame, type UserCodeError } from '../util/user-code.ts';
import type { ParamValues } from '../util/params.ts';
import { toJson } from '../util/to-json.ts';
import { ActionWatchdog } from './action-watchdog.ts';
import { Actor, type ActorSnapshot } from './actor.ts';
import type { ActorContext } from './actor-context.ts';
import { ActorContextImpl, type TurnRun } from './actor-context-impl.ts';
import type { Behavior } from './behavior.ts';
import type { EngineHooks } from './engine-hooks.ts';
import { EventQueue } from './event-queue.ts';
import type { ActionRunContext } from './execute-action.ts';
import { InvariantChecks, type InvariantRun } from './invariant-checks.ts';
import { buildPopulation, type Spawn } from './population.ts';
import type { SeededActor } from './seed-from-target.ts';
import { SEEDER_ID, rerecordSeed, seedPopulation, seederConfig, seedsFromTarget } from './seed-population.ts';
import type { StoredSeed } from './stored-seed.ts';
import { SeededRng } from '../rng/seeded-rng.ts';
import type { RngState } from '../rng/rng.ts';
import { formatDuration, toSeconds } from '../util/duration.ts';
import { restoreSnapshot, runSnapshotRow, snapshotOf, snapshotRow, unredacted, type StoredActorDetail } from './actor-snapshots.ts';
import type { ResumePoint } from './resume-point.ts';
import { PopulationControl, type RecordedControl } from './population-control.ts';
import type { RunControl } from './run-control.ts';
import { OverlapGate } from './overlap-gate.ts';
import { RunRecorder } from './run-recorder.ts';
import {
  START_TURN, WAKE_FROM_SLEEP, WAKE_ON_MESSAGE, schedulerFor, type QueuedEventKind, type ScheduledRun, type Scheduler,
} from './scheduler.ts';
import type { Simulation } from './simulation.ts';
import { inShard, type ResolvedShard } from './shard.ts';
import { STOP, isStop } from './stop.ts';
import { PacedLoop, type PacedLoopOptions, type PacedRun } from './paced-loop.ts';
import type { LagSummary, PaceControl } from './pace-control.ts';

/** Everything the engine needs for one run; `runSimulation` fills it from a simulation + options. */
export interface EngineOptions {
  sim: Simulation;
  runId: string;
  seed: string;
  writer: RunWriter;
  http: HttpClientFactory | null;
  /** The browser for actions that ask for a page (null: none; such actions then fail). */
  browser?: BrowserConnector | null;
  /** Where screenshots of failed or complained-about browser actions go: the run store's folder (null: not taken). */
  screenshotRoot?: string | null;
  /** Offline replay of a paced run: the seq the original recorded an action under (see ActionRunContext.recordedSeq). */
  recordedSeq?: (seq: number, actorId: number) => number;
  /** Offline replay: browser pages are answered from these recorded exchanges. */
  recordedPages?: { exchanges: ExchangeSource; onMismatch?: (mismatch: RequestMismatch) => void };
  /** Record a Playwright trace of each actor's browser context into `<screenshotRoot>/traces/<run id>/` (needs screenshotRoot). */
  trace?: boolean;
  /** Given the run's browser session once made (a replay inspects the page of its first divergence). */
  onBrowserSession?: (session: BrowserSession) => void;
  targetUrl: string;
  simEpoch: number;
  durationMs: number;
  maxActions: number;
  maxWallMs: number;
  /** Turns in flight at once; Infinity (paced runs only): unbounded. */
  concurrency: number;
  /**
   * Paced mode (see PacedLoop): events dispatched at `speed` sim ms per wall ms from the wall
   * origin (default: when the loop starts), actors independent. Absent: virtual time.
   */
  pace?: { speed: number; wallOriginMs?: number; onControl?: (control: PaceControl) => void; onDispatch?: PacedLoopOptions['onDispatch'] };
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
  /** A replay's seed: the actors the original's fromTarget entries gave, and its reads (recorded again, not made). */
  storedSeed?: StoredSeed;
  /** Sim ms between snapshots of every actor (also taken at the stop); Infinity or absent: none. */
  snapshotEveryMs?: number;
  /**
   * The simulation did not ask for snapshots (they are on by default): a state that cannot be
   * snapshotted then turns them off with a `snapshots-off` event instead of failing the run.
   */
  snapshotsByDefault?: boolean;
  /** Restart policy beyond delay and maxCrashesInARow: the delay grows by `backoff` per crash in a row, up to `maxDelayMs`; over `max` restarts within `windowMs` the actor gives up. */
  restartPolicy?: { backoff: number; maxDelayMs: number; max: number; windowMs: number };
  /** Continue a stopped run from its snapshots (`run --resume`). */
  resume?: ResumePoint;
  /**
   * Overlap drawn from the actors' own streams: after popping an event, its actor draws how many
   * of the next events (0..maxSpan, 0 = none) run concurrently with it, among those due within
   * `maxLatencyMs`. Used by fuzzing, where the draws come from the actor's tape and shrink to serial.
   * `ordered`: the engine also orders the requests and responses of an overlapping step (see OverlapGate).
   */
  overlap?: { maxSpan: number; maxLatencyMs: number; ordered?: boolean };
  /** Run only this shard's actors (see inShard); ids stay those of the whole population. */
  shard?: ResolvedShard;
  signal?: AbortSignal;
  hooks?: EngineHooks;
  /** Handed the run's RunControl when the actors are about to start (see RunOptions.onControl). */
  onControl?: (control: RunControl) => void;
  /** A replay's control calls: each applied again at the step it was recorded at. */
  controls?: readonly RecordedControl[];
  /** How often progress is reported, wall ms (default 500). */
  progressEveryMs?: number;
}

export interface EngineResult {
  stopReason: string;
  simDurationMs: number;
  summary: RunSummary;
  crashes: number;
  /** A paced run's speed at its end and its turns' lag; null in virtual time. */
  pace: { speed: number; lag: LagSummary | null } | null;
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
  /** The population API: control calls (applied between steps), queries and messages. */
  readonly control: PopulationControl;
  /** Orders an overlapping step's requests (drawn overlap with `ordered`); null otherwise: nothing in the way. */
  readonly gate: OverlapGate | null;

  step = 0;
  #crashes = 0;
  #stopRequested: string | null = null;
  readonly #scheduler: Scheduler;
  /** One event per step (concurrency 1, no drawn overlap): the running actor is #current, not in #inFlight. */
  readonly #serial: boolean;
  /** Actors between two of their own awaits (released at once when a stop is requested): the serial one, or a batch. */
  #current: Actor | null = null;
  readonly #inFlight = new Set<Actor>();
  /** The paced loop (paced runs), which replaces the steps of #loop; null in virtual time. */
  readonly #paced: PacedLoop | null;
  /** The simulation's invariants; null when none are declared. */
  readonly #invariants: InvariantChecks | null = null;
  /** Checkers or invariants to finish when the run ends. */
  readonly #checks: boolean;
  /** Sim time of the next interval snapshot (Infinity: snapshots off). */
  #nextSnapshotAt = Infinity;
  /** Snapshots turned off for the rest of the run (see EngineOptions.snapshotsByDefault). */
  #snapshotsOff = false;
  /** Actors a stop request released mid-turn: their snapshot at the stop says where they were. */
  readonly #released = new Set<Actor>();
  /** What stopped the run: the user's code threw where the run cannot go on (a checker, an invariant...). */
  #fatal: UserCodeError | null = null;
  /**
   * Per-turn invariants wait for the end of an overlapping step (batch): turns of a batch end in
   * wall-clock order, which changes from run to run, and probes run then would land at other
   * places in the log (and a replay diverge). After the batch they run in dispatch order.
   */
  readonly #deferChecks: boolean;
  #deferred: Actor[] = [];
  #dispatches = 0;

  constructor(options: EngineOptions) {
    this.options = options;
    this.clock = new VirtualClock(options.simEpoch);
    const { checkers, invariants } = options.sim;
    this.recorder = new RunRecorder(options.runId, options.writer, options.hooks ?? {}, this.clock, this.actors, checkers, Boolean(invariants?.length), (error) => this.fail(error));
    // The recorder keeps the run's log in memory exactly when there are invariants to read it.
    if (invariants?.length && this.recorder.log) this.#invariants = new InvariantChecks(this, this.recorder.log, invariants);
    this.#checks = Boolean(checkers?.length || invariants?.length);
    this.gate = options.overlap?.ordered && options.http ? new OverlapGate((detail) => this.recorder.event(null, 'overlap-order', detail)) : null;
    this.#scheduler = schedulerFor(options, this);
    this.control = new PopulationControl(this, options.controls);
    this.#paced = options.pace ? new PacedLoop(this.#pacedRun(), { ...options.pace, concurrency: options.concurrency, durationMs: options.durationMs }) : null;
    this.#serial = options.concurrency === 1 && !options.overlap && !options.pace;
    // A paced run has no steps to defer to: its turns' checks run as each ends (replay compares per actor).
    this.#deferChecks = !this.#serial && !options.pace && Boolean(this.#invariants?.perTurn);
    const targetOrigin = originOf(options.targetUrl);
    this.actionRun = {
      runId: options.runId, writer: options.writer, http: this.gate ? this.gate.wrap(options.http!) : options.http, targetUrl: options.targetUrl,
      actionTimeoutMs: options.actionTimeoutMs, watchdog: new ActionWatchdog(),
      // The same instant as wallStartMs, in µs: wall columns of the log count from it.
      wallStartUs: Math.round(this.wallStartMs * 1000),
      relativeUrl: (url) => relativeUrl(targetOrigin, url),
      foreignHttp: Boolean(options.sim.foreignHttp), params: options.params,
      browser: options.browser ? this.#browserSession(options.browser, options.screenshotRoot ?? null) : null,
      ...(options.recordedSeq ? { recordedSeq: options.recordedSeq } : {}),
    };
  }

  #browserSession(connector: BrowserConnector, root: string | null): BrowserSession {
    const session = new BrowserSession({
      connector, baseUrl: this.options.targetUrl || undefined, simEpoch: this.options.simEpoch,
      // Drawn from the actor's own stream on its first browser action: a replay draws the same.
      seedFor: (actorId) => this.actors[actorId]!.rng.int(0, 0xffffffff),
      screenshots: root === null ? null : { root, dir: `${root}/screenshots/${this.options.runId}` },
      onScreenshot: (actorId, shot) => this.recorder.event(this.actors[actorId] ?? null, 'screenshot', { ...shot }),
      traces: root !== null && this.options.trace ? { root, dir: `${root}/traces/${this.options.runId}` } : null,
      onTrace: (actorId, file) => this.recorder.event(this.actors[actorId] ?? null, 'trace', { file }),
      recorded: this.options.recordedPages ? new RecordedPages({ ...this.options.recordedPages, relativeUrl: (url) => this.actionRun.relativeUrl(url) }) : null,
    });
    this.recorder.onComplaint = (row) => session.complaint(row.actorId, row.actionSeq, row.seq);
    this.options.onBrowserSession?.(session);
    return session;
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
    const every = options.snapshotEveryMs ?? Infinity;
    const timers = this.#startTimers();
    try {
      // The user's code runs from here on (checkers' start, population functions, initialState).
      recorder.startCheckers();
      const { shard } = options;
      const population = options.population ?? options.sim.population;
      const seeds = seedsFromTarget(population) ? await this.#seed(population) : undefined;
      const spawns = buildPopulation(options.sim, options.seed, options.params, options.counts, options.rngFor, options.population, seeds, options.durationMs);
      // A sharded run knows the names other shards run: a message or query naming one is refused, not silently unmatched.
      const elsewhere = new Map<string, number>();
      for (const spawn of spawns) {
        if (!shard || inShard(spawn.id, shard)) this.spawnActor(spawn);
        else if (shard.count > 1) elsewhere.set(spawn.name, spawn.id);
      }
      this.control.populated(spawns.length > 0 ? spawns.at(-1)!.id + 1 : seeds ? SEEDER_ID + 1 : 0, elsewhere);
      if (options.resume) this.#resumeFrom(options.resume);
      // A paced run has no instant when no actor runs: snapshots only at its stop.
      this.#nextSnapshotAt = every > 0 && Number.isFinite(every) && !this.#paced ? (Math.floor(this.clock.now() / every) + 1) * every : Infinity;
      recorder.runStart({
        runId: this.runId, seed: options.seed, targetUrl: options.targetUrl || null, actors: this.spawned.length, simLimit: options.durationMs, shard: options.shard ?? null,
      });
      options.signal?.addEventListener('abort', onAbort, { once: true });
      if (options.signal?.aborted) onAbort();
      if (options.onControl) callUser('RunOptions.onControl()', () => options.onControl!(this.control));
      if (this.#paced) options.pace?.onControl?.(this.#paced);
      const reason = await this.#loop();
      const pace = this.#paced ? { speed: this.#paced.speed, lag: this.#paced.lag.summary() } : null;
      if (pace) recorder.event(null, 'pace', { what: 'end', speed: pace.speed, ...(pace.lag ?? { turns: 0 }) });
      if (!this.#fatal && Number.isFinite(every) && every > 0 && !this.#snapshotsOff) this.#snapshotAll(this.clock.now());
      if (!this.#fatal && this.#checks) await this.#finishChecks();
      if (this.#fatal) throw this.#fatal;
      recorder.summary.simDurationMs = this.clock.now();
      return { stopReason: reason, simDurationMs: this.clock.now(), summary: recorder.summary, crashes: this.#crashes, pace };
    } catch (error) {
      if (isUserCodeError(error)) this.fail(error);
      throw this.#fatal ?? error;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      clearTimeout(timers.wallLimit);
      clearInterval(timers.progress);
      this.control.end();
      this.actionRun.watchdog.stop();
      await this.actionRun.browser?.close();
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

  /**
   * The run's wall-clock duties, on timers rather than in the loop: a step can take any time (a
   * slow target, an action awaiting its timeout), and counting steps made a 200 ms target run
   * 256 of them (52 s) before --max-wall-time was looked at. A timer fires whenever the event loop
   * turns: at every I/O wait, and at the loop's own yields when steps are fast. Unref'd: they never
   * keep a process alive by themselves. (Rows are flushed on a timer by the store's writer.)
   */
  #startTimers(): { wallLimit?: NodeJS.Timeout; progress?: NodeJS.Timeout } {
    const { options, recorder } = this;
    const timers: { wallLimit?: NodeJS.Timeout; progress?: NodeJS.Timeout } = {};
    if (Number.isFinite(options.maxWallMs)) {
      // Stops mid-step like an interrupt: actors in flight are released, so an action stuck until
      // its timeout does not hold the run past the limit.
      timers.wallLimit = setTimeout(() => this.requestStop('max-wall-time'), Math.max(0, this.wallStartMs + options.maxWallMs - monotonicMs())).unref();
    }
    if (options.hooks?.onProgress) {
      timers.progress = setInterval(() => recorder.progress(options.durationMs, monotonicMs() - this.wallStartMs, this.#paced?.progress()), options.progressEveryMs ?? 500).unref();
    }
    return timers;
  }

  /** Stops at the next step boundary; actors in flight are released (their coroutines are dropped). */
  requestStop(reason: string): void {
    if (this.#stopRequested) return;
    this.#stopRequested = reason;
    if (this.#current) this.#release(this.#current);
    for (const actor of [...this.#inFlight]) this.#release(actor);
    this.#paced?.notify();
  }

  /** What the paced loop drives: dispatches count as steps (an action's `step` orders its turn). */
  #pacedRun(): PacedRun {
    return {
      queue: this.queue, clock: this.clock, actors: this.actors,
      dispatch: (actor, kind, time, turnBegun) => {
        this.step++;
        return this.dispatch(actor, kind, time, turnBegun);
      },
      stopReason: () => this.#stopRequested,
      requestStop: (reason) => this.requestStop(reason),
      actionsDone: () => this.recorder.summary.actions >= this.options.maxActions,
      paceChanged: (what, status, by) => this.recorder.event(null, 'pace', {
        what, speed: status.speed, simTime: status.simTime, paused: status.paused, source: by?.source ?? 'api', ...(by?.clientId ? { clientId: by.clientId } : {}),
      }),
      // The population API's step boundary, in a paced run: before a dispatch (other actors may be
      // mid-turn), never between two events of one sim time, so a replay in virtual time (other
      // steps) finds the same point again: after every event up to the call's sim time.
      betweenTurns: () => {
        this.control.deliver();
        const boundary = this.step === 0 || this.queue.peekTime() > this.clock.now();
        return boundary && this.control.due() ? this.control.applyDue() : undefined;
      },
      startedAt: (lateMs) => this.recorder.event(null, 'pace', { what: 'start', lateMs: Math.round(lateMs * 1000) / 1000 }),
    };
  }

  async #loop(): Promise<string> {
    const { queue, options, recorder } = this;
    const { durationMs, maxActions } = options;
    if (this.#paced) {
      const reason = await this.#paced.run();
      return reason === 'all-actors-stopped' ? reason : this.#limit(reason);
    }
    let lastYield = monotonicMs();
    for (;;) {
      // Between steps no actor runs: control calls apply here, at a point a replay finds again (the step).
      if (this.control.due()) await this.control.applyDue();
      if (this.#stopRequested) return this.#limit(this.#stopRequested);
      if (queue.size === 0) return 'all-actors-stopped';
      const t = queue.peekTime();
      if (t > durationMs) {
        this.clock.advanceTo(durationMs);
        return this.#limit('duration');
      }
      if (recorder.summary.actions >= maxActions) return this.#limit('max-actions');
      // Between steps no actor runs: every state is one a turn left (or one paused in ctx.sleep).
      if (t >= this.#nextSnapshotAt) this.#snapshotAll(this.#nextSnapshotAt);
      this.step++;
      const pending = this.#scheduler.step(t);
      if (pending) await pending;
      this.control.deliver();
      if (this.#deferred.length > 0) await this.#checkDeferred();
      // Steps that never wait on I/O would starve the event loop (signals, the timers above, the
      // writer's flushes): every 256 steps, let it turn if 50 ms went by.
      if ((this.step & 255) === 0) {
        const now = monotonicMs();
        if (now - lastYield > 50) {
          lastYield = now;
          await yieldToEventLoop();
          await options.writer.save();
        }
      }
    }
  }

  /** Called by the scheduler: runs an actor until it pauses (ctx.sleep) or its turn ends (see ScheduledRun). */
  dispatch(actor: Actor, kind: QueuedEventKind, time: number, turnBegun: boolean): Promise<void> | undefined {
    // Events left behind: a removed actor's, or a message wait's timeout after a message woke it.
    if (actor.removed || (kind === WAKE_ON_MESSAGE && actor.messageWaitAt !== time)) return undefined;
    actor.now = time;
    if (this.#deferChecks) actor.dispatchOrder = this.#dispatches++;
    actor.resumeEngine = stoppedBeforeTheEngineAwaited;
    if (this.#serial) this.#current = actor;
    else this.#inFlight.add(actor);
    if (kind !== START_TURN) {
      actor.messageWaitAt = -1;
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

  /** Called by ctx.nextMessage: pauses the coroutine until a message is delivered to it or `ms` pass (Infinity: no timeout). */
  waitForMessage(actor: Actor, ms: number): Promise<void> {
    if (!actor.resumeEngine) throw new Error(`ctx.nextMessage was called outside ${actor.name}'s turn (a missing await?)`);
    actor.messageWaitAt = actor.now + ms;
    if (Number.isFinite(ms)) this.queue.push(actor.now + ms, actor.id, WAKE_ON_MESSAGE);
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
    else this.#inFlight.delete(actor);
    resumeEngine?.();
  }

  #startTurn(actor: Actor, turnBegun: boolean): void {
    actor.turns++;
    if (!turnBegun) actor.rng.beginTurn(actor.now);
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
      this.actionRun.browser?.closeActor(actor.id);
    } else if (actor.rng.retired) {
      // A tape-backed actor whose choices ran out: retiring it (instead of zero-filling) lets shrinking reach true minima.
      actor.stopped = true;
      this.recorder.event(actor, 'retire', { turn: actor.turns });
      this.actionRun.browser?.closeActor(actor.id);
    } else {
      let ms: number;
      try {
        ms = waitMs(wait);
      } catch (error) {
        this.#crash(actor, error);
        return;
      }
      // A fuzz spec's pause keeps the turns after a deleted one at their sim times (see FuzzActorSpec.pauses).
      this.queue.push(actor.now + ms + (actor.rng.pauseMs?.() ?? 0), actor.id, START_TURN);
    }
    if (this.#deferChecks) {
      actor.checkPending = true;
      this.#deferred.push(actor);
      this.#returnControl(actor);
      return;
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
    const { options } = this;
    const policy = options.restartPolicy;
    const restarts = (actor.restarts ??= []);
    if (policy) while (restarts.length > 0 && restarts[0]! <= actor.now - policy.windowMs) restarts.shift();
    if (actor.crashesInARow >= options.maxCrashesInARow || (policy && restarts.length >= policy.max)) {
      actor.stopped = true;
      const why = actor.crashesInARow >= options.maxCrashesInARow
        ? `${actor.crashesInARow} crashes in a row`
        : `${restarts.length} restarts within ${formatDuration(toSeconds(policy!.windowMs))} of sim time`;
      this.recorder.event(actor, 'give-up', { crashesInARow: actor.crashesInARow, restartsInWindow: restarts.length });
      this.recorder.complaint(actor, actor.lastActionSeq, 'annoying', `${actor.name} gave up after ${why} (last: ${message})`, 'restart-policy',
        { crashesInARow: actor.crashesInARow, restartsInWindow: restarts.length, error: message });
      this.actionRun.browser?.closeActor(actor.id);
    } else {
      restarts.push(actor.now);
      const delay = policy ? Math.min(options.restartDelayMs * policy.backoff ** (actor.crashesInARow - 1), policy.maxDelayMs) : options.restartDelayMs;
      // From its last snapshot (state and rng) when it has one; else a fresh start: the state is
      // rebuilt and the rng stream continues. Either way the run stays reproducible.
      try {
        if (actor.snapshot) restoreSnapshot(actor, actor.snapshot);
        else actor.state = freshState(actor.behavior, actor, options.params);
      } catch (thrown) {
        this.fail(thrown as UserCodeError);
        this.#returnControl(actor);
        return;
      }
      actor.tagSet = null;
      this.recorder.event(actor, 'restart', { after: delay, from: actor.snapshot ? 'snapshot' : 'initial', ...(actor.snapshot ? { snapshotAt: actor.snapshot.simTime } : {}) });
      this.queue.push(actor.now + delay, actor.id, START_TURN);
    }
    this.#returnControl(actor);
  }

  /** A stop request drops a running actor: it is noted, so its snapshot at the stop starts it again where it was. */
  #release(actor: Actor): void {
    this.#released.add(actor);
    this.#returnControl(actor);
  }

  /**
   * Snapshots every actor that has not stopped for good: state, rng and next wake-up, in memory
   * (what a crash restarts from) and in the store (what a resume continues from).
   */
  #snapshotAll(simTime: number): void {
    const every = this.options.snapshotEveryMs ?? Infinity;
    if (this.#nextSnapshotAt <= simTime) this.#nextSnapshotAt = (Math.floor(simTime / every) + 1) * every;
    const { writer } = this.options;
    // Each actor's queued event (one at most: its next turn, or the end of its ctx.sleep) and its place in the queue.
    const wake = new Float64Array(this.actors.length).fill(NaN);
    const order = new Float64Array(this.actors.length);
    const midTurn = new Uint8Array(this.actors.length);
    this.queue.forEach((time, seq, actorId, kind) => {
      if (kind === WAKE_ON_MESSAGE && this.actors[actorId]!.messageWaitAt !== time) return; // stale (see dispatch)
      wake[actorId] = time;
      order[actorId] = seq;
      if (kind !== START_TURN) midTurn[actorId] = 1;
    });
    // The run's own actors (a shard's; not the seeder, which never takes a turn). All of them
    // are taken before any is stored or kept: a state that cannot be snapshotted leaves no half pass.
    const taken: Array<[Actor, ActorSnapshot]> = [];
    try {
      // One already snapshotted as stopped has nothing new to store.
      for (const actor of this.spawned) if (!(actor.stopped && actor.snapshot?.stopped)) taken.push([actor, snapshotOf(actor, simTime)]);
    } catch (error) {
      // Snapshots the user did not ask for do not fail the run: they stop, and the run says why.
      if (!this.options.snapshotsByDefault || !isBeamulatorError(error) || error.code !== 'BEAM_STATE') throw error;
      this.#nextSnapshotAt = Infinity;
      this.#snapshotsOff = true;
      this.recorder.event(null, 'snapshots-off', { reason: error.message });
      return;
    }
    for (const [actor, snapshot] of taken) {
      // One in ctx.nextMessage with no timeout has no queued event: like a released one, it starts a new turn on resume.
      const released = this.#released.has(actor) || actor.messageWaitAt === Infinity;
      const next = released ? actor.now : Number.isNaN(wake[actor.id]!) ? null : wake[actor.id]!;
      actor.snapshot = snapshot;
      writer.addSnapshot(snapshotRow(this.runId, actor, snapshot, actor.stopped ? null : next, released ? -1 : order[actor.id]!, released || midTurn[actor.id] === 1));
    }
    writer.addSnapshot(runSnapshotRow(this.runId, simTime, this.step, this.recorder.peekActionSeq()));
  }

  /** Puts each actor where the resumed run's last snapshot left it, and queues its next turn. */
  #resumeFrom(resume: ResumePoint): void {
    this.clock.advanceTo(resume.simTime);
    this.step = resume.step;
    this.recorder.continueActionSeq(resume.actionSeq);
    const due: Array<{ time: number; order: number; actor: Actor }> = [];
    for (const actor of this.spawned) {
      const stored = resume.snapshots.get(actor.id);
      if (!stored) {
        // Never snapshotted: it arrives as it would have.
        due.push({ time: Math.max(actor.now, resume.simTime), order: Infinity, actor });
        continue;
      }
      const detail = stored.detail as unknown as StoredActorDetail;
      actor.state = unredacted(stored.state, actor.state);
      const rng = stored.rngState as unknown as RngState | null;
      if (rng?.kind === 'xoroshiro128plus' && actor.rng.getState().kind === rng.kind) actor.rng = SeededRng.fromState(rng);
      actor.turns = detail.turns ?? 0;
      actor.crashesInARow = detail.crashesInARow ?? 0;
      if (detail.tags) actor.tagSet = new Set(detail.tags);
      actor.snapshot = snapshotOf(actor, stored.simTime);
      if (detail.stopped || stored.nextWake === null) {
        actor.stopped = true;
        continue;
      }
      // One paused in ctx.sleep (or cut short by the stop) starts a new turn: a turn's coroutine cannot be stored.
      due.push({ time: Math.max(stored.nextWake, resume.simTime), order: detail.order ?? Infinity, actor });
    }
    due.sort((a, b) => a.time - b.time || a.order - b.order);
    for (const { time, actor } of due) {
      actor.now = time;
      this.queue.push(time, actor.id, START_TURN);
    }
    this.recorder.event(null, 'resume', { from: resume.runId, simTime: resume.simTime, actors: due.length });
  }

  /**
   * After an overlapping step: the per-turn invariants of the turns that ended in it, in the order
   * the turns were dispatched, in a step of their own (their probes overlapped nothing). Skipped
   * once the run is stopping (a stop request, or the action cap reached).
   */
  async #checkDeferred(): Promise<void> {
    const actors = this.#deferred.sort((a, b) => a.dispatchOrder - b.dispatchOrder);
    this.#deferred = [];
    for (const actor of actors) actor.checkPending = false;
    if (this.#stopRequested || this.recorder.summary.actions >= this.options.maxActions) return;
    this.step++;
    for (const actor of actors) {
      try {
        await this.#invariants!.afterTurn(actor);
      } catch (error) {
        // A check that throws stops the run (it is the user's code, see fail): no check after it.
        if (isUserCodeError(error)) {
          this.fail(error);
          return;
        }
        this.recorder.event(actor, 'crash', { error: describeThrown(error), stack: [], turn: actor.turns });
      }
    }
  }

  /** When the run ends: checks the end invariants, then flushes the checkers. */
  async #finishChecks(): Promise<void> {
    // End invariants first: the actions they probe with are fed to the checkers before those flush.
    // Their probes run after the last step, in a step of their own: they overlapped nothing.
    if (this.#invariants) {
      this.step++;
      await this.#invariants.atEnd();
    }
    this.recorder.finishCheckers();
  }

  #limit(reason: string): string {
    // The CLI aborts with the signal's name (SIGINT, SIGTERM) as the reason: the event keeps it.
    const by = reason === 'interrupted' ? this.options.signal?.reason : undefined;
    this.recorder.event(null, reason === 'interrupted' ? 'interrupt' : 'limit', typeof by === 'string' ? { reason, signal: by } : { reason });
    return reason;
  }

  /**
   * Builds the actors of the population's fromTarget entries: the seeder (actor 0) makes their
   * reads, or, in a replay, records the original's again. Its actor row says how many actors
   * each entry gave, so a replay can tell them apart.
   */
  async #seed(population: Simulation['population']): Promise<ReadonlyMap<number, readonly SeededActor[]>> {
    const { options } = this;
    const rng = options.rngFor?.(SEEDER_ID) ?? SeededRng.forActor(options.seed, SEEDER_ID);
    const seeder = new Actor(SEEDER_ID, seederBehavior, 'seeder', {}, {}, rng, []);
    seeder.stopped = true;
    // Not a member of the population: no query, message or control call reaches it.
    seeder.removed = true;
    this.actors[SEEDER_ID] = seeder;
    let seeds: ReadonlyMap<number, readonly SeededActor[]> | null = options.storedSeed?.byEntry ?? null;
    try {
      // A resumed run's log continues the original's, which holds the reads already.
      if (options.storedSeed && !options.resume) rerecordSeed(this.recorder, this.runId, options.storedSeed);
      else seeds = await seedPopulation(this, options.sim, population);
    } finally {
      // Also when fromTarget failed: the reads it made are recorded, as the seeder's.
      this.recorder.actor({
        runId: this.runId, actorId: SEEDER_ID, behavior: seederBehavior.name, name: 'seeder', config: seeds ? seederConfig(seeds, (options.shard?.count ?? 1) > 1) : null,
        initialState: null, tags: [], rngState: null, origin: 'seeder', spawnAt: 0,
      });
    }
    return seeds!;
  }

  /** Adds an actor (of the population, or spawned by a control call), records it and queues its first turn. */
  spawnActor({ id, behavior, name, config, tags, arrival, rngFor, origin, seededState }: Spawn): void {
    const rng = rngFor(id);
    const rngState = rng.getState();
    // The engine's own randomness (arrival jitter) is drawn from the actor's stream too.
    const at = (typeof arrival === 'number' ? arrival : arrival(rng)) + (rng.pauseMs?.() ?? 0);
    const actor = new Actor(id, behavior, name, config, undefined, rng, tags);
    actor.now = at;
    actor.state = seededState !== undefined ? structuredClone(seededState) : freshState(behavior, actor, this.options.params);
    this.actors[id] = actor;
    this.spawned.push(actor);
    this.recorder.actor({
      runId: this.runId, actorId: id, behavior: behavior.name, name, config: toJson(config), initialState: toJson(actor.state),
      tags: [...tags], rngState: rngState as unknown as Json, origin, spawnAt: at,
    });
    // A resumed run queues its actors where the snapshots left them (#resumeFrom).
    if (this.options.resume) return;
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

/** The behavior of the seeder, the actor that makes fromTarget's reads: it never takes a turn. */
const seederBehavior: Behavior = { name: 'seeder', initialState: {}, act: () => STOP };

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

