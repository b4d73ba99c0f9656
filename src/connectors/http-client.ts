/**
 * The HTTP surface an action sees (`ctx.http`), and the exchange it reports for the
 * run store. The implementation lives in `http-connector.ts`.
 */
import type { ExchangeRecord } from '../store/records.ts';

/**
 * One HTTP request/response as the connector reports it: an {@link ExchangeRecord}
 * without the fields the engine fills in (`runId`, `actionSeq`, `n`).
 *
 * `url` is absolute; header names are lowercase, multi-valued headers are joined with `', '`.
 * A transport failure has `status: null`, empty `responseHeaders`, `responseBody: null`
 * and a one-line `error`.
 *
 * @example
 * const seen: HttpExchange[] = [];
 * const http = connector.client((exchange) => seen.push(exchange));
 * await http.get('/todos');
 * seen[0]?.status; // 200
 */
export type HttpExchange = Omit<ExchangeRecord, 'runId' | 'actionSeq' | 'n'>;

/** The methods {@link HttpClient.request} is typed for (any other token works at runtime). */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS' | (string & {});

/**
 * Options of one request.
 *
 * @example
 * await http.post('/todos', { json: { title: 'milk' }, headers: { 'X-User': 'u1' }, query: { notify: true } });
 */
export interface HttpRequestOptions {
  /** A value sent as a JSON body; sets `content-type: application/json` unless a content-type header is given. */
  json?: unknown;
  /** A raw string body (mutually exclusive with `json`). */
  body?: string;
  /** Extra request headers; names are case-insensitive (recorded lowercase) and override the connector's defaults. */
  headers?: Record<string, string>;
  /** Query parameters appended to the path, in key order; `undefined` values are skipped. */
  query?: Record<string, string | number | boolean | undefined>;
  /** Overrides the connector's `timeoutMs` for this request (same meaning; the connect timeout stays the connector's). */
  timeoutMs?: number;
}

/**
 * A fully read response. 4xx/5xx are responses like any other: check `ok` or `status`.
 *
 * @example
 * const res = await http.get('/todos/1');
 * if (res.status === 404) return ctx.complain('annoying', 'todo vanished');
 * const todo = res.json<{ id: number; title: string }>();
 */
export interface HttpResponse {
  readonly status: number;
  /** True for 2xx. */
  readonly ok: boolean;
  /** Lowercase names, multi-values joined with `', '`. Shared with the recorded exchange: do not mutate. */
  readonly headers: Readonly<Record<string, string>>;
  /** The whole body, decoded as UTF-8 (`''` when there is none). */
  readonly body: string;
  /** Parses `body` as JSON; when it is not JSON, throws a ConnectorError (the action's outcome: `error`) naming the status, the content-type and the start of the body. */
  json<T = unknown>(): T;
}

/**
 * The HTTP client of one action execution. Every request is reported to the action's
 * recorder, including failed ones; a request that gets no response rejects with a
 * `ConnectorError` (`unreachable`, `timeout` or `protocol`).
 *
 * Relative paths resolve against the connector's `baseUrl` (its path prefix included);
 * absolute `http(s)://` URLs go to that origin.
 *
 * @example
 * const res = await http.post('/todos', { json: { title: 'milk' } });
 * const { id } = res.json<{ id: number }>();
 * await http.delete(`/todos/${id}`);
 */
export interface HttpClient {
  request(method: HttpMethod, path: string, options?: HttpRequestOptions): Promise<HttpResponse>;
  get(path: string, options?: HttpRequestOptions): Promise<HttpResponse>;
  post(path: string, options?: HttpRequestOptions): Promise<HttpResponse>;
  put(path: string, options?: HttpRequestOptions): Promise<HttpResponse>;
  patch(path: string, options?: HttpRequestOptions): Promise<HttpResponse>;
  delete(path: string, options?: HttpRequestOptions): Promise<HttpResponse>;
}

/** Told when its canceller aborts (an EventTarget listener object: an AbortSignal takes it too). */
export interface AbortListener {
  handleEvent(): void;
}

/**
 * What cancels one action's requests in flight (it timed out, or the run ended): an event target
 * with one event, `abort`, like an AbortSignal. An AbortController per action costs more than a
 * localhost round trip's share of CPU, and almost no action is ever aborted; so the engine's
 * per-action object is the canceller, and a real AbortSignal is made only when something needs
 * one (`io.signal`).
 */
export interface RequestCanceller {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: AbortListener): void;
  removeEventListener(type: 'abort', listener: AbortListener): void;
}

/**
 * Makes the HTTP client of one action. The live connector (undici) and offline replay
 * (recorded answers) both implement it; the engine does not know which it has.
 */
export interface HttpClientFactory {
  /** `actorId`: the actor whose action it is (the engine's overlap gate orders requests by actor). */
  client(recorder: (exchange: HttpExchange) => void, cancel: RequestCanceller, actionSeq: number, actorId?: number): HttpClient;
  close(): Promise<void>;
}
