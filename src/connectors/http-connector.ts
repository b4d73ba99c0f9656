/**
 * The HTTP connector: one keep-alive undici pool per run, and a cheap client per
 * action execution that reports every exchange to the engine.
 */
import { Agent, Pool } from 'undici';
import type { Dispatcher } from 'undici';
import { monotonicUs } from '../clock/wall-clock.ts';
import { BeamulatorError } from '../util/errors.ts';
import { redactUrl } from '../store/redact.ts';
import { ConnectorError } from './connector-error.ts';
import { transportError } from './transport-error.ts';
import type { HttpClient, HttpExchange, HttpMethod, HttpRequestOptions, HttpResponse, RequestCanceller } from './http-client.ts';

/** Options of {@link HttpConnector}. */
export interface HttpConnectorOptions {
  /** Where relative paths go, e.g. `http://127.0.0.1:3000` or `http://host/api` (prefix kept). */
  baseUrl: string;
  /**
   * Connect timeout, time to response headers, and max body stall, in ms; 0 disables. Default 10 000.
   * Above 1000ms undici's coarse timers apply (they may fire up to ~1s late); up to 1000ms it is an exact deadline.
   */
  timeoutMs?: number;
  /** Max sockets per origin. Default 64. */
  connections?: number;
  /** Headers sent with every request (a request's own headers win). */
  defaultHeaders?: Record<string, string>;
}

/** Receives each exchange of one action execution, in the order the requests were started. */
export type ExchangeRecorder = (exchange: HttpExchange) => void;

const absoluteUrl = /^https?:\/\//i;

/**
 * Timeouts up to this long use an exact `AbortSignal.timeout` (deadline for the whole
 * exchange); longer ones use undici's cheap coarse timers, which fire up to ~1s late.
 * A signal costs ~20µs per request, measurable against a ~60µs localhost round trip.
 */
const preciseTimeoutMaxMs = 1000;

/**
 * Owns the sockets to the target: a keep-alive undici `Pool` for `baseUrl`'s origin,
 * plus a lazily created `Agent` for absolute URLs to other origins.
 *
 * @example
 * const connector = new HttpConnector({ baseUrl: 'http://127.0.0.1:3000', timeoutMs: 5_000 });
 * const http = connector.client((exchange) => exchanges.push(exchange));
 * const res = await http.post('/todos', { json: { title: 'milk' } });
 * res.status; // 201
 * await connector.close();
 */
export class HttpConnector {
  /** The normalized base URL (origin + path prefix, no trailing slash). */
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly #transport: Transport;

  constructor(options: HttpConnectorOptions) {
    const base = parseBaseUrl(options.baseUrl);
    const timeoutMs = options.timeoutMs ?? 10_000;
    const connections = options.connections ?? 64;
    if (!(timeoutMs >= 0) || !Number.isFinite(timeoutMs)) throw new TypeError(`invalid timeoutMs: ${timeoutMs}`);
    if (!Number.isInteger(connections) || connections < 1) throw new TypeError(`invalid connections: ${connections}`);
    this.baseUrl = base.origin + base.path;
    this.timeoutMs = timeoutMs;
    this.#transport = new Transport(base.origin, base.path, timeoutMs, connections, lowercaseKeys(options.defaultHeaders));
  }

  /**
   * A client for ONE action execution; each exchange (failed ones too) goes to `recorder`.
   * Aborting `cancel` (the action timed out or the run stopped) cancels its requests in flight:
   * an AbortSignal, or the engine's cheaper {@link RequestCanceller}.
   *
   * @example
   * const http = connector.client((exchange) => store.addExchange({ runId, actionSeq, n: n++, ...exchange }));
   */
  client(recorder: ExchangeRecorder, cancel?: AbortSignal | RequestCanceller): HttpClient {
    return new ConnectorHttpClient(this.#transport, recorder, cancel);
  }

  /**
   * Closes every socket, after in-flight requests finish. Idempotent; requests made after it fail as `unreachable`.
   *
   * @example
   * await connector.close();
   */
  close(): Promise<void> {
    return this.#transport.close();
  }
}

interface Target {
  dispatcher: Dispatcher;
  origin: string;
  path: string;
}

/** Shared state of a connector; clients hold a reference to it. */
class Transport {
  readonly pool: Pool;
  #agent: Agent | undefined;
  #closing: Promise<void> | undefined;
  readonly #dispatcherOptions: Pool.Options;

  constructor(
    readonly origin: string,
    readonly basePath: string,
    readonly timeoutMs: number,
    connections: number,
    readonly defaultHeaders: Record<string, string> | undefined,
  ) {
    this.#dispatcherOptions = {
      connections,
      connectTimeout: timeoutMs,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      pipelining: 1,
    };
    this.pool = new Pool(origin, this.#dispatcherOptions);
  }

  /** Where a request for `path` goes. */
  target(path: string): Target {
    if (!absoluteUrl.test(path)) {
      return { dispatcher: this.pool, origin: this.origin, path: this.basePath + (path.charCodeAt(0) === 47 /* / */ ? path : `/${path}`) };
    }
    const url = new URL(path);
    const dispatcher = url.origin === this.origin ? this.pool : this.#otherOrigins();
    return { dispatcher, origin: url.origin, path: url.pathname + url.search };
  }

  #otherOrigins(): Dispatcher {
    if (this.#agent) return this.#agent;
    if (this.#closing) return this.pool; // closed: the request fails with UND_ERR_CLOSED, no new sockets
    return (this.#agent = new Agent(this.#dispatcherOptions));
  }

  close(): Promise<void> {
    return (this.#closing ??= Promise.all([this.pool.close(), this.#agent?.close()]).then(() => undefined));
  }
}

/** The per-action client: a recorder and two counters on top of the shared transport. */
class ConnectorHttpClient implements HttpClient {
  #started = 0;
  #reported = 0;
  /** Exchanges that finished before an earlier-started one, by start index. */
  #waiting: Map<number, HttpExchange> | undefined;

  constructor(
    readonly transport: Transport,
    readonly recorder: ExchangeRecorder,
    readonly cancel?: AbortSignal | RequestCanceller,
  ) {}

  get(path: string, options?: HttpRequestOptions): Promise<HttpResponse> {
    return this.request('GET', path, options);
  }
  post(path: string, options?: HttpRequestOptions): Promise<HttpResponse> {
    return this.request('POST', path, options);
  }
  put(path: string, options?: HttpRequestOptions): Promise<HttpResponse> {
    return this.request('PUT', path, options);
  }
  patch(path: string, options?: HttpRequestOptions): Promise<HttpResponse> {
    return this.request('PATCH', path, options);
  }
  delete(path: string, options?: HttpRequestOptions): Promise<HttpResponse> {
    return this.request('DELETE', path, options);
  }

  async request(method: HttpMethod, path: string, options?: HttpRequestOptions): Promise<HttpResponse> {
    const transport = this.transport;
    // Bad input (invalid URL, unserializable json, json + body) throws before anything is sent or recorded.
    const target = transport.target(path);
    let requestPath = target.path;
    let requestBody: string | null = null;
    let headers: Record<string, string>;
    let timeoutMs = transport.timeoutMs;
    if (options === undefined) {
      headers = transport.defaultHeaders ? { ...transport.defaultHeaders } : {};
    } else {
      if (options.query) requestPath = appendQuery(requestPath, options.query);
      headers = mergeHeaders(transport.defaultHeaders, options.headers);
      if (options.json !== undefined) {
        if (options.body !== undefined) throw new TypeError('http request: pass either `json` or `body`, not both');
        requestBody = JSON.stringify(options.json) as string | undefined ?? null;
        if (requestBody === null) throw new TypeError(`http request: \`json\` is not JSON-serializable (${typeof options.json})`);
        headers['content-type'] ??= 'application/json';
      } else if (options.body !== undefined) {
        requestBody = options.body;
      }
      if (options.timeoutMs !== undefined) timeoutMs = options.timeoutMs;
    }
    const url = target.origin + requestPath;

    const index = this.#started++;
    const wallStartUs = monotonicUs();
    let response: Dispatcher.ResponseData | undefined;
    let responseHeaders: Record<string, string>;
    let body: string;
    try {
      response = await target.dispatcher.request({
        origin: target.origin,
        path: requestPath,
        method,
        headers,
        body: requestBody,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        // undici's own timeouts tick at ~0.5s and may fire up to ~1s late; short ones get an exact timer.
        signal: requestSignal(this.cancel, timeoutMs),
      });
      responseHeaders = joinMultiValues(response.headers);
      body = await response.body.text();
    } catch (cause) {
      if (response && !response.body.destroyed) response.body.destroy();
      const error = transportError(cause, url, timeoutMs, transport.timeoutMs, response !== undefined);
      this.#report(index, {
        protocol: 'http', method, url, requestHeaders: headers, requestBody,
        status: null, responseHeaders: {}, responseBody: null,
        error: error instanceof ConnectorError ? error.message : describe(cause),
        wallStartUs, durationMs: (monotonicUs() - wallStartUs) / 1000,
      });
      throw error;
    }
    const status = response.statusCode;
    this.#report(index, {
      protocol: 'http', method, url, requestHeaders: headers, requestBody,
      status, responseHeaders, responseBody: body, error: null,
      wallStartUs, durationMs: (monotonicUs() - wallStartUs) / 1000,
    });
    return new ConnectorHttpResponse(status, responseHeaders, body, method, url);
  }

  /** Hands exchanges to the recorder in start order, so `n` is stable even when an action runs requests concurrently. */
  #report(index: number, exchange: HttpExchange): void {
    if (index !== this.#reported) {
      (this.#waiting ??= new Map()).set(index, exchange);
      return;
    }
    this.#reported++;
    this.recorder(exchange);
    const waiting = this.#waiting;
    if (waiting === undefined) return;
    let next: HttpExchange | undefined;
    while ((next = waiting.get(this.#reported)) !== undefined) {
      waiting.delete(this.#reported++);
      this.recorder(next);
    }
  }
}

/** A fully read response (also built from recordings by offline replay). */
export class ConnectorHttpResponse implements HttpResponse {
  readonly ok: boolean;
  readonly #method: string;
  readonly #url: string;

  constructor(
    readonly status: number,
    readonly headers: Readonly<Record<string, string>>,
    readonly body: string,
    method: string,
    url: string,
  ) {
    this.ok = status >= 200 && status < 300;
    this.#method = method;
    this.#url = url;
  }

  json<T = unknown>(): T {
    try {
      return JSON.parse(this.body) as T;
    } catch (cause) {
      // The target answered with something else (an HTML error page, a proxy's text): that is the
      // target's failure, an `error` outcome naming the response, not a crash of the action's code.
      const start = this.body.length === 0 ? '(empty body)' : JSON.stringify(this.body.slice(0, 200)) + (this.body.length > 200 ? '…' : '');
      const type = this.headers['content-type'] ?? 'no content-type';
      // The url's secret query parameters redacted, as in transportError's messages.
      throw new ConnectorError(`response to ${this.#method} ${redactUrl(this.#url)} is not JSON (status ${this.status}, ${type}): ${start}`, 'protocol', { cause });
    }
  }
}

function parseBaseUrl(baseUrl: string): { origin: string; path: string } {
  const url = targetUrl(baseUrl);
  return { origin: url.origin, path: url.pathname.replace(/\/+$/, '') };
}

/**
 * A target url checked as the HTTP connector needs it (absolute, http: or https:, no query or
 * fragment), or a BEAM_USAGE error naming what is wrong: a bad `--target` is the user's mistake,
 * never an internal error.
 *
 * @example
 * targetUrl('http://127.0.0.1:3000/api'); // URL
 */
export function targetUrl(text: string): URL {
  let url: URL | null = null;
  try {
    url = new URL(text);
  } catch {
    // reported below
  }
  const problem = url === null ? 'not a url'
    : url.protocol !== 'http:' && url.protocol !== 'https:' ? `only http: and https: urls are supported, not ${url.protocol}`
    : url.search || url.hash ? 'a target url has no query or fragment'
    : null;
  if (problem !== null) throw new BeamulatorError('BEAM_USAGE', `cannot use target '${text}': ${problem}`, 'Give a url like http://127.0.0.1:3000');
  return url!;
}

function lowercaseKeys(headers: Record<string, string> | undefined): Record<string, string> | undefined {
  if (headers === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const key of Object.keys(headers)) out[key.toLowerCase()] = headers[key] as string;
  return out;
}

export function mergeHeaders(defaults: Record<string, string> | undefined, own: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = defaults ? { ...defaults } : {};
  if (own) for (const key of Object.keys(own)) out[key.toLowerCase()] = own[key] as string;
  return out;
}

export function appendQuery(path: string, query: Record<string, string | number | boolean | undefined>): string {
  let sep = path.includes('?') ? '&' : '?';
  for (const key of Object.keys(query)) {
    const value = query[key];
    if (value === undefined) continue;
    path += `${sep}${encodeURIComponent(key)}=${encodeURIComponent(value)}`;
    sep = '&';
  }
  return path;
}

/** undici's header record, in place: arrays (set-cookie, repeated headers) joined with ', '. Names are already lowercase. */
function joinMultiValues(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  for (const key in headers) {
    const value = headers[key];
    if (typeof value !== 'string') headers[key] = Array.isArray(value) ? value.join(', ') : '';
  }
  return headers as Record<string, string>;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}`.replace(/\s*\n\s*/g, ' ') : String(error);
}

/**
 * The request's abort signal: the action's canceller, an exact timer for short timeouts, both, or
 * none. undici takes any event target with `aborted`, `reason` and an `abort` event as a signal
 * (it only adds and removes one listener), so the canceller goes to it as it is.
 */
function requestSignal(cancel: AbortSignal | RequestCanceller | undefined, timeoutMs: number): AbortSignal | null {
  if (!(timeoutMs > 0 && timeoutMs <= preciseTimeoutMaxMs)) return (cancel ?? null) as AbortSignal | null;
  const timer = AbortSignal.timeout(timeoutMs);
  if (cancel === undefined) return timer;
  return AbortSignal.any([cancel instanceof AbortSignal ? cancel : cancel.signal(), timer]);
}
