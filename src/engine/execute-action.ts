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
import type { ActionWatchdog } from './action-watchdog.ts';

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

/** Where in the run the action happens: everything of its record except what running it tells. */
export interface ActionPlace {
  seq: number;
  actorId: number;
  simTime: number;
  step: number;
}

/**
 * Runs one action's code with its connectors, under its timeout, and builds its log record.
 * Target failures and timeouts are outcome `error`, `fail()` too; anything else thrown is `crash`.
 */
export async function executeAction<A, R>(run: ActionRunContext, action: Action<A, R>, args: A, place: ActionPlace): Promise<{ record: ActionRecord; value: R | undefined }> {
  const { runId } = run;
  const seq = place.seq;
  const call = new ActionCall(run, seq);
  const http: HttpClient = run.http ? run.http.client(call.recordNext, call.signal, seq) : noTarget;
  const io = new ActionIOImpl(http, run.targetUrl, call);
  const scope: ActionScope | null = run.foreignHttp ? call : null;
  const timeoutMs = action.timeoutMs ?? run.actionTimeoutMs;
  const wallStart = monotonicUs();
  let outcome: Outcome = 'ok';
  let value: R | undefined;
  let error: string | null = null;
  let result: Json = null;
  let watched: ReturnType<ActionWatchdog['watch']> | undefined;
  try {
    value = await new Promise<R>((resolve, reject) => {
      watched = run.watchdog.watch(timeoutMs, () => {
        call.abort();
        reject(new ConnectorError(`action ${action.name} did not finish within ${timeoutMs}ms`, 'timeout'));
      });
      (scope ? actionScope.run(scope, () => action.run(args, io)) : action.run(args, io)).then(resolve, reject);
    });
    result = toJson(value);
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
    if (watched) run.watchdog.release(watched);
  }
  const wallEnd = monotonicUs();
  const startUs = wallStart - run.wallStartUs;
  return {
    value,
    record: {
      runId, seq, actorId: place.actorId, action: action.name, args: toJson(args), outcome, result, error,
      simTime: place.simTime, step: place.step, wallStartUs: startUs, wallEndUs: startUs + (wallEnd - wallStart), latencyMs: (wallEnd - wallStart) / 1000,
    },
  };
}

/**
 * The per-action state the connectors call back into. A class, not closures: in a hot path run
 * through tsx, every named arrow function becomes a dictionary-mode object (esbuild's keepNames),
 * which was most of an offline replay's garbage.
 */
class ActionCall implements ActionScope {
  #n = 0;
  // Made only when something asks for the signal: an AbortController costs more than an offline action.
  #controller: AbortController | undefined;
  readonly recordNext: (exchange: HttpExchange) => void;
  readonly signal: () => AbortSignal;

  constructor(readonly run: ActionRunContext, readonly actionSeq: number) {
    this.recordNext = this.#recordNext.bind(this);
    this.signal = this.#signal.bind(this);
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

class ActionIOImpl implements ActionIO {
  constructor(readonly http: HttpClient, readonly targetUrl: string, readonly call: ActionCall) {}

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
