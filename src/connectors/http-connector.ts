/**
 * The HTTP connector: one keep-alive undici pool per run, and a cheap client per
 * action execution that reports every exchange to the engine.
 */
import { HttpVerbs } from './http-verbs.ts';
import type { Agent, Dispatcher, Pool } from 'undici';
import { headerNameToString as headerName, UndiciAgent, UndiciPool, undiciErrors } from './undici-parts.ts';
import { monotonicUs } from '../clock/wall-clock.ts';
import { BeamulatorError } from '../util/errors.ts';
import { redactUrl } from '../store/redact.ts';
import { ConnectorError } from './connector-error.ts';
import { transportError } from './transport-error.ts';
import type { AbortListener, HttpClient, HttpExchange, HttpMethod, HttpRequestOptions, HttpResponse, RequestCanceller } from './http-client.ts';

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
 * Timeouts up to this long also get an exact timer (a deadline for the whole exchange); longer
 * ones only undici's cheap coarse timers, which fire up to ~1s late. A timer per request costs
 * more than ~10% of a localhost round trip.
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
    this.pool = new UndiciPool(origin, this.#dispatcherOptions);
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
    return (this.#agent = new UndiciAgent(this.#dispatcherOptions));
  }

  close(): Promise<void> {
    return (this.#closing ??= Promise.all([this.pool.close(), this.#agent?.close()]).then(() => undefined));
  }
}

/** The per-action client: a recorder and two counters on top of the shared transport. */
class ConnectorHttpClient extends HttpVerbs {
  #started = 0;
  #reported = 0;
  /** Exchanges that finished before an earlier-started one, by start index. */
  #waiting: Map<number, HttpExchange> | undefined;

  constructor(
    readonly transport: Transport,
    readonly recorder: ExchangeRecorder,
    readonly cancel?: AbortSignal | RequestCanceller,
  ) {
    super();
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
    const exchange = new InFlight(this.cancel, timeoutMs);
    let body: string;
    try {
      body = await exchange.send(target.dispatcher, {
        origin: target.origin,
        path: requestPath,
        method,
        headers,
        body: requestBody,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
    } catch (cause) {
      const error = transportError(cause, url, timeoutMs, transport.timeoutMs, exchange.status !== 0);
      this.#report(index, {
        protocol: 'http', method, url, requestHeaders: headers, requestBody,
        status: null, responseHeaders: {}, responseBody: null,
        error: error instanceof ConnectorError ? error.message : describe(cause),
        wallStartUs, durationMs: (monotonicUs() - wallStartUs) / 1000,
      });
      throw error;
    }
    const { status, headers: responseHeaders } = exchange;
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

/**
 * The response headers: lowercase names, a repeated header's values joined with ', ' (what
 * undici's parsed record gives, arrays joined). Own properties only: a header named like an
 * Object.prototype member (`constructor`) is a header like any other.
 */
function responseHeaders(raw: Buffer[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < raw.length; i += 2) {
    const name = headerName(raw[i]!);
    const value = raw[i + 1]!.toString('latin1');
    if (Object.hasOwn(out, name)) out[name] += `, ${value}`;
    else if (name === '__proto__') Object.defineProperty(out, name, { value, enumerable: true, configurable: true, writable: true });
    else out[name] = value;
  }
  return out;
}

/**
 * One request in flight: undici's dispatch handler, collecting the response in memory. What
 * `dispatcher.request()` does, without its per-request AsyncResource, body stream and listeners
 * (the body is read whole anyway): a third of the CPU of a request to a fast local target.
 * Also the listener of the action's canceller, and the holder of a short timeout's timer.
 */
class InFlight implements Dispatcher.DispatchHandler, AbortListener {
  /** The response status once its headers arrived (0 before). */
  status = 0;
  headers: Record<string, string> = {};
  #chunks: Buffer[] = [];
  #length = 0;
  #abort: ((reason: Error) => void) | null = null;
  /** Why it was cancelled before undici gave it an abort function (it was queued for a socket). */
  #reason: Error | null = null;
  #timer: NodeJS.Timeout | undefined = undefined;
  #resolve: (body: string) => void = ignore;
  #reject: (error: unknown) => void = ignore;

  constructor(readonly cancel: AbortSignal | RequestCanceller | undefined, readonly timeoutMs: number) {}

  /** Sends the request; resolves with the whole body as text once the response is complete. */
  send(dispatcher: Dispatcher, options: Dispatcher.DispatchOptions): Promise<string> {
    // undici's request() refuses CONNECT the same way (this handler cannot take the socket over).
    if (options.method === 'CONNECT') return Promise.reject(new undiciErrors.InvalidArgumentError('invalid method'));
    const done = new Promise<string>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.cancel?.addEventListener('abort', this);
    // undici's own timeouts tick at ~0.5s and may fire up to ~1s late; short ones get an exact deadline.
    if (this.timeoutMs > 0 && this.timeoutMs <= preciseTimeoutMaxMs) this.#timer = setTimeout(timeUp, this.timeoutMs, this);
    dispatcher.dispatch(options, this);
    return done;
  }

  /** The canceller aborted: the request fails with its reason, as undici's request() does. */
  handleEvent(): void {
    this.stop((this.cancel!.reason ?? new undiciErrors.RequestAbortedError()) as Error);
  }

  /** Ends the request now with `reason` (undici then calls onError with it). */
  stop(reason: Error): void {
    if (this.#abort) this.#abort(reason);
    else this.#reason ??= reason;
  }

  onConnect(abort: (reason?: Error) => void): void {
    if (this.cancel?.aborted) this.handleEvent();
    if (this.#reason) abort(this.#reason);
    else this.#abort = abort;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    // 1xx (informational) answers come before the real one.
    if (statusCode < 200) return true;
    this.status = statusCode;
    this.headers = responseHeaders(rawHeaders);
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.#chunks.push(chunk);
    this.#length += chunk.length;
    return true;
  }

  onComplete(): void {
    this.#done();
    this.#resolve(decodeBody(this.#chunks, this.#length));
  }

  onError(error: Error): void {
    this.#done();
    this.#reject(error);
  }

  #done(): void {
    this.cancel?.removeEventListener('abort', this);
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#abort = null;
  }
}

function timeUp(request: InFlight): void {
  // What AbortSignal.timeout gives: transportError reports it as the request's timeout.
  request.stop(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
}

/** A body as UTF-8 text, a leading byte order mark skipped (as undici's `body.text()`). */
function decodeBody(chunks: Buffer[], length: number): string {
  if (length === 0) return '';
  const buffer = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length);
  const start = buffer.length > 2 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf ? 3 : 0;
  return buffer.toString('utf8', start);
}

function ignore(): void {}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}`.replace(/\s*\n\s*/g, ' ') : String(error);
}

