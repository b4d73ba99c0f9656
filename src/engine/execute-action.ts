import type { Action, ActionIO } from '../actions/action.ts';
import type { ActionFailure } from '../actions/action-failure.ts';
import { monotonicUs } from '../clock/wall-clock.ts';
import { ConnectorError } from '../connectors/connector-error.ts';
import { actionScope, type ActionScope } from '../connectors/action-scope.ts';
import type { HttpClient, HttpClientFactory, HttpExchange } from '../connectors/http-client.ts';
import type { ActionRecord, Json, Outcome } from '../store/records.ts';
import type { RunWriter } from '../store/run-store.ts';
import { errorMessage } from '../util/errors.ts';
import { toJson } from '../util/to-json.ts';
import type { ActionWatchdog, Watched } from './action-watchdog.ts';

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
  /** Stores target urls by path (see Engine.relativeUrl). */
  relativeUrl(url: string): string;
  /** Run action code inside an ActionScope, so interceptors can record or serve foreign HTTP clients. */
  foreignHttp: boolean;
}

/** What running an action gave: its log record, and the value its code returned (undefined unless ok). */
export interface ExecutedAction<R> {
  readonly logRecord: ActionRecord;
  readonly value: R | undefined;
}

/**
 * Runs one action's code with its connectors, under its timeout, and builds its log record.
 * Target failures and timeouts are outcome `error`, `fail()` too; anything else thrown is `crash`.
 * Where in the run it happens (seq, actor, sim time, step) comes as plain numbers: no object per action.
 */
export async function executeAction<A, R>(
  run: ActionRunContext, action: Action<A, R>, args: A, seq: number, actorId: number, simTime: number, step: number,
): Promise<ExecutedAction<R>> {
  const call = new ActionCall<R>(run, seq, action.name, action.timeoutMs ?? run.actionTimeoutMs);
  const wallStart = monotonicUs();
  let outcome: Outcome = 'ok';
  let error: string | null = null;
  let result: Json = null;
  run.watchdog.watch(call, call.timeoutMs, wallStart / 1000);
  try {
    call.value = await call.start(action, args);
    result = toJson(call.value);
  } catch (thrown) {
    const name = (thrown as Error | null)?.name;
    if (name === 'ActionFailure') {
      outcome = 'error';
      result = toJson((thrown as ActionFailure).detail);
    } else {
      outcome = name === 'ConnectorError' ? 'error' : 'crash';
    }
    error = errorMessage(thrown);
  } finally {
    run.watchdog.release(call);
  }
  const wallEnd = monotonicUs();
  const startUs = wallStart - run.wallStartUs;
  call.logRecord = {
    runId: run.runId, seq, actorId, action: action.name, args: toJson(args), outcome, result, error,
    simTime, step, wallStartUs: startUs, wallEndUs: startUs + (wallEnd - wallStart), latencyMs: (wallEnd - wallStart) / 1000,
  };
  return call;
}

/** A promise whose settle functions go to `call`: no executor closure (nor its context) per action. */
function settledBy<R>(call: ActionCall<R>): Promise<R> {
  settling = call;
  try {
    return new Promise<R>(captureSettlers);
  } finally {
    settling = null;
  }
}
// The executor runs synchronously, inside settledBy.
let settling: ActionCall<any> | null = null;
function captureSettlers(resolve: (value: any) => void, reject: (reason: unknown) => void): void {
  settling!.resolve = resolve;
  settling!.reject = reject;
}

/**
 * The per-action state: what the connectors call back into, the watchdog's list node, and the
 * promise the action's code races against its timeout. One object, not closures: in a hot path
 * run through tsx, every named arrow function becomes a dictionary-mode object (esbuild's
 * keepNames), and each closure, context and list entry was garbage of every offline action.
 */
class ActionCall<R> implements ActionScope, Watched, ExecutedAction<R> {
  #n = 0;
  // Made only when something asks for the signal: an AbortController costs more than an offline action.
  #controller: AbortController | undefined = undefined;
  readonly recordNext: (exchange: HttpExchange) => void;
  readonly signal: () => AbortSignal;
  // Watched: the watchdog's intrusive list.
  deadline = 0;
  prev: Watched | null = null;
  next: Watched | null = null;
  resolve: (value: R) => void = ignore;
  reject: (reason: unknown) => void = ignore;
  value: R | undefined = undefined;
  logRecord: ActionRecord = undefined as unknown as ActionRecord;

  constructor(readonly run: ActionRunContext, readonly actionSeq: number, readonly actionName: string, readonly timeoutMs: number) {
    this.recordNext = this.#recordNext.bind(this);
    this.signal = this.#signal.bind(this);
  }

  /** The action's outcome, or a timeout (see expire) if that comes first. */
  start<A>(action: Action<A, R>, args: A): Promise<R> {
    const settled = settledBy(this);
    const { run } = this;
    const http: HttpClient = run.http ? run.http.client(this.recordNext, this.signal, this.actionSeq) : noTarget;
    const io = new ActionIOImpl(http, run.targetUrl, this);
    try {
      (run.foreignHttp ? actionScope.run(this, () => action.run(args, io)) : action.run(args, io)).then(this.resolve, this.reject);
    } catch (thrown) {
      // Thrown synchronously (or not a promise): the same outcome as a rejection.
      this.reject(thrown);
    }
    return settled;
  }

  expire(): void {
    this.abort();
    this.reject(new ConnectorError(`action ${this.actionName} did not finish within ${this.timeoutMs}ms`, 'timeout'));
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

  abort(): void {
    this.#controller?.abort();
  }

  #recordNext(exchange: HttpExchange): void {
    this.record(this.#n++, exchange);
  }

  #signal(): AbortSignal {
    return (this.#controller ??= new AbortController()).signal;
  }
}

function ignore(): void {}

class ActionIOImpl implements ActionIO {
  constructor(readonly http: HttpClient, readonly targetUrl: string, readonly call: { readonly signal: () => AbortSignal }) {}

  get signal(): AbortSignal {
    return this.call.signal();
  }
}

const noTargetError = () => {
  throw new ConnectorError('this simulation has no target: give one with target.url, target.start or --target', 'unreachable');
};
const noTarget: HttpClient = {
  request: noTargetError, get: noTargetError, post: noTargetError, put: noTargetError, patch: noTargetError, delete: noTargetError,
} as unknown as HttpClient;
