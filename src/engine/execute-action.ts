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
  const { writer, runId } = run;
  const seq = place.seq;
  let n = 0;
  // Made only when something asks for the signal: an AbortController costs more than an offline action.
  let controller: AbortController | undefined;
  const signal = () => (controller ??= new AbortController()).signal;
  const record = (exchange: HttpExchange, index: number) => writer.addExchange({
    ...exchange, url: run.relativeUrl(exchange.url), wallStartUs: exchange.wallStartUs - run.wallStartUs, runId, actionSeq: seq, n: index,
  });
  const http: HttpClient = run.http ? run.http.client((exchange) => record(exchange, n++), signal, seq) : noTarget;
  // Foreign clients number their requests from the same counter, when they start.
  const scope: ActionScope | null = run.foreignHttp ? { actionSeq: seq, nextExchange: () => n++, record: (index, exchange) => record(exchange, index) } : null;
  const io: ActionIO = { http, targetUrl: run.targetUrl, get signal() { return signal(); } };
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
        controller?.abort();
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

const noTargetError = () => {
  throw new ConnectorError('this simulation has no target: give one with target.url, target.start or --target', 'unreachable');
};
const noTarget: HttpClient = {
  request: noTargetError, get: noTargetError, post: noTargetError, put: noTargetError, patch: noTargetError, delete: noTargetError,
} as unknown as HttpClient;
