import type { Action, ActionIO } from '../actions/action.ts';
import type { ActionFailure } from '../actions/action-failure.ts';
import { monotonicUs } from '../clock/wall-clock.ts';
import type { Page } from 'playwright-core';
import { ConnectorError } from '../connectors/connector-error.ts';
import { actionScope, type ActionScope } from '../connectors/action-scope.ts';
import type { BrowserSession } from '../connectors/browser-session.ts';
import { pageError } from '../connectors/page-error.ts';
import type { AbortListener, HttpClient, HttpClientFactory, HttpExchange, RequestCanceller } from '../connectors/http-client.ts';
import type { ActionRecord, Json, Outcome } from '../store/records.ts';
import type { RunWriter } from '../store/run-store.ts';
import { formatDuration } from '../util/duration.ts';
import { errorMessage } from '../util/errors.ts';
import { toJson } from '../util/to-json.ts';
import type { ActionWatchdog, Watched } from './action-watchdog.ts';
import type { ParamValues } from '../util/params.ts';

/** What running one action needs from its run (the engine, or a log replay). */
export interface ActionRunContext {
  runId: string;
  writer: RunWriter;
  http: HttpClientFactory | null;
  targetUrl: string;
  actionTimeoutMs: number;
  watchdog: ActionWatchdog;
  /** µs origin of the run's wall columns. */
  wallStartUs: number;
  /** Stores target urls by path (see connectors/relative-url.ts). */
  relativeUrl(url: string): string;
  /** Run action code inside an ActionScope, so interceptors can record or serve foreign HTTP clients. */
  foreignHttp: boolean;
  /** The run's parameters (io.params). */
  params: ParamValues;
  /** The actors' pages, for actions that ask for one (null: the run has no browser). */
  browser?: BrowserSession | null;
  /**
   * Offline replay of a paced run: the seq the original recorded this action under (the same
   * n-th action of the same actor), whose exchanges answer it. Absent: the action's own seq.
   */
  recordedSeq?: (seq: number, actorId: number) => number;
}

/**
 * Runs one action's code with its connectors, under its timeout, and builds its log record.
 * Target failures and timeouts are outcome `error`, `fail()` too; anything else thrown is `crash`.
 * Null when the run ended while it was in flight (`watchdog.stop()` dropped it): like the engine,
 * a caller records nothing for it. The engine's ctx.execute runs the same steps inline (one async
 * frame less per action).
 */
export async function executeAction<A, R>(
  run: ActionRunContext, action: Action<A, R>, args: A, seq: number, actorId: number, simTime: number, step: number,
): Promise<ActionRecord | null> {
  const call = new ActionCall<A, R>(run, action, seq, actorId, simTime, step);
  try {
    call.succeeded(await call.start(args));
  } catch (thrown) {
    call.failed(thrown);
  }
  return call.dropped ? null : call.finish(args);
}

/** A promise whose settle functions go to `call`: no executor closure (nor its context) per action. */
function settledBy<R>(call: ActionCall<any, R>): Promise<R> {
  settling = call;
  try {
    return new Promise<R>(captureSettlers);
  } finally {
    settling = null;
  }
}
// The executor runs synchronously, inside settledBy.
let settling: ActionCall<any, any> | null = null;
function captureSettlers(resolve: (value: any) => void, reject: (reason: unknown) => void): void {
  settling!.resolve = resolve;
  settling!.reject = reject;
}

/**
 * One action's execution: `start(args)`, then `succeeded(value)` or `failed(thrown)` with what its
 * promise gave, then `finish(args)` for the log record (see executeAction). Where in the run it
 * happens (seq, actor, sim time, step) is given up front: the engine's step moves on meanwhile.
 *
 * Also what the connectors call back into, the watchdog's list node, and the holder of the promise
 * the action's code races against its timeout. One object, not closures: in a hot path run
 * through tsx, every named arrow function becomes a dictionary-mode object (esbuild's keepNames),
 * and each closure, context and list entry was garbage of every offline action.
 */
export class ActionCall<A, R> implements ActionScope, Watched, RequestCanceller {
  #n = 0;
  // Made only when something asks for the signal: an AbortController costs more than an offline action.
  #controller: AbortController | undefined = undefined;
  // RequestCanceller: the requests in flight (the connector adds each one, removes it when done).
  #listener: AbortListener | null = null;
  #moreListeners: AbortListener[] | null = null;
  aborted = false;
  reason: unknown = undefined;
  readonly recordNext: (exchange: HttpExchange) => void;
  readonly timeoutMs: number;
  // Watched: the watchdog's intrusive list.
  deadline = 0;
  prev: Watched | null = null;
  next: Watched | null = null;
  resolve: (value: R) => void = ignore;
  reject: (reason: unknown) => void = ignore;
  /** What the action's code returned (undefined unless it succeeded). */
  value: R | undefined = undefined;
  outcome: Outcome = 'ok';
  result: Json = null;
  error: string | null = null;
  /** What the action's code threw, when its outcome is `crash` (for the crash's file:line). */
  thrown: unknown = undefined;
  /** Set by drop(): the run ended while this action was in flight; it is not recorded. */
  dropped = false;
  #wallStart = 0;

  constructor(
    readonly run: ActionRunContext, readonly action: Action<A, R>,
    readonly actionSeq: number, readonly actorId: number, readonly simTime: number, readonly step: number,
  ) {
    this.timeoutMs = action.timeoutMs ?? run.actionTimeoutMs;
    this.recordNext = this.#recordNext.bind(this);
  }

  /** Runs the action's code: settles with its outcome, or a timeout (see expire) if that comes first. */
  start(args: A): Promise<R> {
    const { run, action } = this;
    const settled = settledBy(this);
    this.#wallStart = monotonicUs();
    run.watchdog.watch(this, this.timeoutMs, this.#wallStart / 1000);
    const http: HttpClient = run.http ? run.http.client(this.recordNext, this, run.recordedSeq ? run.recordedSeq(this.actionSeq, this.actorId) : this.actionSeq, this.actorId) : noTarget;
    const io = new ActionIOImpl(http, run.targetUrl, run.params, this);
    try {
      (action.browser ? this.#inBrowser(args, io) : this.#run(args, io)).then(this.resolve, this.reject);
    } catch (thrown) {
      // Thrown synchronously (or not a promise): the same outcome as a rejection.
      this.reject(thrown);
    }
    return settled;
  }

  #run(args: A, io: ActionIO): Promise<R> {
    return this.run.foreignHttp ? actionScope.run(this, () => this.action.run(args, io)) : this.action.run(args, io);
  }

  /** A browser action: on the actor's page, its requests recorded as this action's exchanges, a screenshot when it fails. */
  async #inBrowser(args: A, io: ActionIOImpl): Promise<R> {
    const browser = this.run.browser;
    if (!browser) throw new ConnectorError(`action ${this.action.name} asks for a page, but this run has no browser`, 'unreachable');
    io.page = await browser.begin(this.actorId, this.simTime, this.actionSeq, this);
    let failed = true;
    try {
      const value = await browser.guard(this.actorId, this.#run(args, io));
      failed = false;
      return value;
    } catch (thrown) {
      throw pageError(thrown);
    } finally {
      await browser.end(this.actorId, this.actionSeq, failed);
    }
  }

  succeeded(value: R): void {
    this.run.watchdog.release(this);
    this.value = value;
    this.result = toJson(value);
  }

  failed(thrown: unknown): void {
    this.run.watchdog.release(this);
    const name = (thrown as Error | null)?.name;
    if (name === 'ActionFailure') {
      this.outcome = 'error';
      this.result = toJson((thrown as ActionFailure).detail);
    } else {
      this.outcome = name === 'ConnectorError' ? 'error' : 'crash';
      this.result = null;
      if (this.outcome === 'crash') this.thrown = thrown;
    }
    this.error = errorMessage(thrown);
  }

  /** The log record, once the action settled. */
  finish(args: A): ActionRecord {
    const { run } = this;
    const wallStart = this.#wallStart;
    const wallEnd = monotonicUs();
    const startUs = wallStart - run.wallStartUs;
    return new LoggedAction(
      run.runId, this.actionSeq, this.actorId, this.action.name, toJson(args), this.outcome, this.result, this.error,
      this.simTime, this.step, startUs, startUs + (wallEnd - wallStart), (wallEnd - wallStart) / 1000,
    );
  }

  drop(): void {
    this.dropped = true;
    this.abort();
    this.reject(new ConnectorError(`action ${this.action.name} was dropped: the run ended while it was in flight`, 'timeout'));
  }

  expire(): void {
    this.abort();
    this.reject(new ConnectorError(`action ${this.action.name} did not finish within ${formatDuration(this.timeoutMs)} (its actionTimeout)`, 'timeout'));
  }

  /** Foreign clients number their requests from the same counter, when they start. */
  nextExchange(): number {
    return this.#n++;
  }

  record(n: number, exchange: HttpExchange): void {
    const { run } = this;
    // Every field written out (no spread): a spread-then-override object lands in dictionary mode.
    run.writer.addExchange({
      runId: run.runId, actionSeq: this.actionSeq, n, protocol: exchange.protocol, method: exchange.method, url: run.relativeUrl(exchange.url),
      requestHeaders: exchange.requestHeaders, requestBody: exchange.requestBody, status: exchange.status,
      responseHeaders: exchange.responseHeaders, responseBody: exchange.responseBody, error: exchange.error,
      wallStartUs: exchange.wallStartUs - run.wallStartUs, durationMs: exchange.durationMs,
    });
  }

  /** Cancels the requests in flight and aborts the signal, if one was made. */
  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    // What AbortController.abort() gives: the recorded errors of aborted requests stay as they were.
    this.reason = new DOMException('This operation was aborted', 'AbortError');
    const first = this.#listener;
    const more = this.#moreListeners;
    this.#listener = this.#moreListeners = null;
    first?.handleEvent();
    if (more) for (const listener of more) listener.handleEvent();
    this.#controller?.abort(this.reason);
  }

  addEventListener(_type: 'abort', listener: AbortListener): void {
    if (this.#listener === null) this.#listener = listener;
    else (this.#moreListeners ??= []).push(listener);
  }

  removeEventListener(_type: 'abort', listener: AbortListener): void {
    if (this.#listener === listener) this.#listener = null;
    else if (this.#moreListeners) {
      const i = this.#moreListeners.indexOf(listener);
      if (i >= 0) this.#moreListeners.splice(i, 1);
    }
  }

  /** A real AbortSignal (io.signal): made on the first call. */
  signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.aborted) this.#controller.abort(this.reason);
    }
    return this.#controller.signal;
  }

  #recordNext(exchange: HttpExchange): void {
    this.record(this.#n++, exchange);
  }
}

function ignore(): void {}

/**
 * An action record made by a constructor, not an object literal. V8 pretenures a literal's
 * allocation site once most of its objects survive a scavenge, as they do while a run is recorded
 * (writer buffers, hooks, checkers keep them); from then on every record of the process is
 * allocated in old space, with a write barrier per field and a major GC to free it. After a
 * recording run, that was ~15% of an offline replay. Constructed objects have no allocation site.
 */
class LoggedAction implements ActionRecord {
  constructor(
    public runId: string, public seq: number, public actorId: number, public action: string, public args: Json,
    public outcome: Outcome, public result: Json, public error: string | null, public simTime: number, public step: number,
    public wallStartUs: number, public wallEndUs: number, public latencyMs: number,
  ) {}
}

class ActionIOImpl implements ActionIO {
  #page: Page | undefined = undefined;

  constructor(readonly http: HttpClient, readonly targetUrl: string, readonly params: ParamValues, readonly call: { signal(): AbortSignal; readonly action: Action }) {}

  get signal(): AbortSignal {
    return this.call.signal();
  }

  get page(): Page {
    if (this.#page === undefined) {
      throw new TypeError(`action ${this.call.action.name} did not ask for a page: destructure { page } in its parameters, or define it with defineAction(name, fn, { browser: true })`);
    }
    return this.#page;
  }

  set page(page: Page) {
    this.#page = page;
  }
}

const noTargetError = () => {
  throw new ConnectorError('this simulation has no target: give one with target.url, target.start or --target', 'unreachable');
};
const noTarget: HttpClient = {
  request: noTargetError, get: noTargetError, post: noTargetError, put: noTargetError, patch: noTargetError, delete: noTargetError,
} as unknown as HttpClient;
