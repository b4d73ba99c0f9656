/**
 * Records, or serves back, the HTTP traffic of clients an action brings itself: global
 * `fetch`, `node:http` / `node:https`, and SDKs built on them. beamulator's own connector
 * (`ctx.http`, undici) records its exchanges itself and is not seen here: undici's own
 * dispatcher is not intercepted.
 *
 * Built on @mswjs/interceptors 0.41 (the version msw 2.15 uses; 0.42+ needs Node 22):
 * `ClientRequestInterceptor` for node:http/https and `FetchInterceptor` for global fetch.
 *
 * - **record**: inside an action (`actionScope.getStore()` set by the engine) each request
 *   takes `scope.nextExchange()` when it starts, goes to the real server, and is recorded
 *   with `scope.record(n, exchange)` once its response body has arrived (or it failed).
 *   Requests outside any action pass through unrecorded.
 * - **serve** (offline replay, no target running): the n-th request of action seq S gets the
 *   answer recorded as exchange (S, n), never an answer chosen by url. Anything that cannot
 *   be answered from the recording fails like a network error, with a {@link ForeignReplayError}.
 *
 * Costs (bench/replay/foreign-http.bench.ts): interception slows global fetch down and makes
 * node:http open a new TCP connection for every request, even with a keep-alive agent.
 */
import http from 'node:http';
import zlib from 'node:zlib';
import { FetchResponse, getRawRequest } from '@mswjs/interceptors';
import type { HttpRequestEventMap, RequestController } from '@mswjs/interceptors';
import { ClientRequestInterceptor } from '@mswjs/interceptors/ClientRequest';
import { FetchInterceptor } from '@mswjs/interceptors/fetch';
import { monotonicUs } from '../clock/wall-clock.ts';
import type { ExchangeRecord } from '../store/records.ts';
import { urlMatchesRecording } from '../store/json-equal.ts';
import { actionScope } from './action-scope.ts';
import type { ActionScope } from './action-scope.ts';
import type { ExchangeSource } from './exchange-source.ts';
import type { HttpExchange } from './http-client.ts';
import { requestMismatch, type RequestMismatch } from './request-mismatch.ts';

/** A request of the replay that differs from the recorded exchange it was matched to by (action seq, n). */
export type ForeignMismatch = RequestMismatch;

export interface ForeignServeOptions {
  /** Called for every method/url/body mismatch, before the request is answered. */
  onMismatch?: (info: ForeignMismatch) => void;
  /**
   * What a mismatched request gets. `'fail'` (default): a network error naming both requests,
   * so the action fails at the first divergence instead of going on with an answer meant for
   * another request. `'serve'`: the recorded answer anyway (for clients that put volatile
   * values, like timestamps or nonces, into their urls).
   */
  mismatch?: 'fail' | 'serve';
}

/** Why a request could not be answered from the recording. */
export type ForeignReplayReason = 'no-recording' | 'mismatch' | 'recorded-failure' | 'outside-action';

/**
 * The network error of a request that offline replay cannot (or must not) answer. A
 * `TypeError` like fetch's own network errors; node:http clients get it as the request's
 * `'error'` event. `code` is the original error code for a recorded failure when its message
 * names one (`ECONNREFUSED`), else `ERR_BEAMULATOR_REPLAY`.
 */
export class ForeignReplayError extends TypeError {
  override readonly name = 'ForeignReplayError';
  readonly reason: ForeignReplayReason;
  readonly code: string;
  readonly actionSeq: number | null;
  readonly n: number | null;

  constructor(message: string, reason: ForeignReplayReason, actionSeq: number | null, n: number | null, code = 'ERR_BEAMULATOR_REPLAY') {
    super(message);
    this.reason = reason;
    this.code = code;
    this.actionSeq = actionSeq;
    this.n = n;
  }
}

type Kind = 'fetch' | 'node';
type RequestArgs = HttpRequestEventMap['request'][0];
type ResponseArgs = HttpRequestEventMap['response'][0];

/** A recording request between its start and its recorded end. */
interface Pending {
  requestId: string;
  scope: ActionScope;
  n: number;
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  requestBody: Promise<string | null>;
  wallStartUs: number;
  /** The transport error seen so far (node:http socket 'error'). */
  error: string | null;
  /** Set once a response or a failure has been taken in charge: records at most once. */
  settled: boolean;
}

/** The header the interceptors add to detect nested interception; never recorded. */
const internalHeader = 'x-interceptors-internal-request-id';
/** Connection-level headers: not replayed (the mock connection has its own framing). */
const hopByHop = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'upgrade']);
/** One ForeignHttp applied per process, across module copies (vitest, several installs). */
const activeKey = Symbol.for('beamulator.foreign-http.active');

/**
 * Intercepts global fetch and node:http/https while applied, to record the exchanges of
 * actions (`ForeignHttp.record()`) or answer them from a recording (`ForeignHttp.serve(source)`).
 * One instance may be applied at a time per process.
 *
 * @example
 * using foreign = ForeignHttp.record();     // or: const foreign = ...; try { ... } finally { foreign.dispose() }
 * foreign.apply();
 * await actionScope.run(scope, () => fetch('http://127.0.0.1:3000/todos'));  // recorded as exchange #0 of scope.actionSeq
 *
 * @example
 * const replay = ForeignHttp.serve(source, { onMismatch: (m) => divergences.push(m) });
 * replay.apply();   // fetch / http.request inside a scope now get the recorded answers, no server needed
 */
export class ForeignHttp {
  readonly mode: 'record' | 'serve';
  readonly #source: ExchangeSource | null;
  readonly #options: ForeignServeOptions;
  readonly #pending = new Map<string, Pending>();
  /** Recording fetch requests by the Request object the interceptor passes on to the real fetch. */
  readonly #fetchPending = new WeakMap<object, Pending>();
  #interceptors: [ClientRequestInterceptor, FetchInterceptor] | null = null;
  #restoreFetch: (() => void) | null = null;

  private constructor(mode: 'record' | 'serve', source: ExchangeSource | null, options: ForeignServeOptions) {
    this.mode = mode;
    this.#source = source;
    this.#options = options;
  }

  /** Records the exchanges made inside action scopes; everything else passes through untouched. */
  static record(): ForeignHttp {
    return new ForeignHttp('record', null, {});
  }

  /** Answers every intercepted request from `source` (offline replay: nothing reaches the network). */
  static serve(source: ExchangeSource, options: ForeignServeOptions = {}): ForeignHttp {
    if (!source || typeof source.find !== 'function') throw new TypeError('ForeignHttp.serve needs an ExchangeSource (an object with find(actionSeq, n))');
    return new ForeignHttp('serve', source, options);
  }

  /** Whether this instance is currently applied. */
  get applied(): boolean {
    return this.#interceptors !== null;
  }

  /**
   * Installs the interceptors. Throws if this instance or another one is already applied
   * in this process.
   */
  apply(): void {
    const registry = globalThis as { [activeKey]?: ForeignHttp };
    const active = registry[activeKey];
    if (active === this) throw new Error(`ForeignHttp (${this.mode} mode) is already applied; call dispose() before applying it again`);
    if (active) {
      throw new Error(`another ForeignHttp (${active.mode} mode) is already applied in this process; dispose() it before applying this one (${this.mode} mode)`);
    }
    registry[activeKey] = this;
    try {
      // Record mode: wrap the real fetch *under* the FetchInterceptor, which then passes requests
      // through to the wrapper: the only place a passthrough fetch failure (and its message) shows.
      if (this.mode === 'record') this.#restoreFetch = wrapFetch(this.#fetchPending, (entry, error) => this.#fail(entry, describeError(error)));
      const clientRequest = new ClientRequestInterceptor();
      const fetchInterceptor = new FetchInterceptor();
      this.#interceptors = [clientRequest, fetchInterceptor];
      // Listeners after apply(): when an interceptor of the same kind is already running (msw's
      // setupServer), apply() makes on() add them to that running instance.
      clientRequest.apply();
      fetchInterceptor.apply();
      clientRequest.on('request', (args) => this.#onRequest('node', args));
      fetchInterceptor.on('request', (args) => this.#onRequest('fetch', args));
      if (this.mode === 'record') {
        clientRequest.on('response', (args) => this.#onResponse('node', args));
        fetchInterceptor.on('response', (args) => this.#onResponse('fetch', args));
      }
    } catch (error) {
      this.dispose();
      throw error;
    }
  }

  /**
   * Removes the interceptors and restores real networking. Idempotent. Requests still in
   * flight in record mode are not recorded once disposed: dispose after the actions finished.
   */
  dispose(): void {
    const interceptors = this.#interceptors;
    this.#interceptors = null;
    if (interceptors) {
      for (const interceptor of interceptors) {
        interceptor.removeAllListeners();
        interceptor.dispose();
      }
    }
    this.#restoreFetch?.();
    this.#restoreFetch = null;
    this.#pending.clear();
    const registry = globalThis as { [activeKey]?: ForeignHttp };
    if (registry[activeKey] === this) delete registry[activeKey];
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  async #onRequest(kind: Kind, { request, requestId, controller }: RequestArgs): Promise<void> {
    if (this.mode === 'record') this.#startRecording(kind, request, requestId);
    else await this.#serve(request, controller);
  }

  // ---------------------------------------------------------------- record

  /** Synchronous up to nextExchange(): n follows the order in which requests start. */
  #startRecording(kind: Kind, request: Request, requestId: string): void {
    const scope = actionScope.getStore();
    if (!scope) return; // outside any action: passthrough, unrecorded
    const n = scope.nextExchange();
    const entry: Pending = {
      requestId, scope, n, method: request.method, url: request.url, requestHeaders: headerRecord(request.headers),
      requestBody: readRequestBody(request), wallStartUs: monotonicUs(), error: null, settled: false,
    };
    this.#pending.set(requestId, entry);
    if (kind === 'fetch') {
      this.#fetchPending.set(request, entry);
      return;
    }
    // node:http: a failed passthrough emits 'error' on the socket and 'close' on the request; no
    // interceptor event. Listening to the socket (which already has node's own error listener)
    // and to 'close' leaves the client's behaviour unchanged (an 'error' listener on the
    // ClientRequest itself would swallow errors the client does not handle).
    const raw = getRawRequest(request);
    if (raw instanceof http.ClientRequest) {
      raw.socket?.once('error', (error) => { entry.error ??= describeError(error); });
      raw.once('close', () => {
        if (!entry.settled) this.#fail(entry, entry.error ?? 'the request was closed before a response arrived (aborted)');
      });
    }
  }

  #onResponse(kind: Kind, { response, requestId }: ResponseArgs): void {
    const entry = this.#pending.get(requestId);
    if (!entry || entry.settled) return;
    entry.settled = true;
    this.#pending.delete(entry.requestId);
    // Not awaited: the client gets its response while the copy is read here (an awaited
    // listener would hold the response back until the whole body arrived).
    void this.#finishRecording(kind, entry, response);
  }

  async #finishRecording(kind: Kind, entry: Pending, response: Response): Promise<void> {
    const responseHeaders = headerRecord(response.headers);
    let responseBody: string | null = null;
    let error: string | null = null;
    let status: number | null = response.status;
    try {
      const bytes = Buffer.from(await response.arrayBuffer());
      // fetch hands out decoded bodies; node:http hands out the bytes as sent (maybe gzip):
      // bodies are recorded decoded either way, and re-encoded when served.
      responseBody = kind === 'node' ? decodeBody(bytes, responseHeaders['content-encoding']) : bytes.toString('utf8');
    } catch (cause) {
      status = null;
      error = `response body: ${describeError(cause)}`;
    }
    const requestBody = await entry.requestBody;
    this.#record(entry.scope, entry.n, {
      protocol: 'http', method: entry.method, url: entry.url, requestHeaders: entry.requestHeaders, requestBody,
      status, responseHeaders: status === null ? {} : responseHeaders, responseBody, error,
      wallStartUs: entry.wallStartUs, durationMs: (monotonicUs() - entry.wallStartUs) / 1000,
    });
  }

  #fail(entry: Pending, error: string): void {
    if (entry.settled) return;
    entry.settled = true;
    this.#pending.delete(entry.requestId);
    const durationMs = (monotonicUs() - entry.wallStartUs) / 1000;
    void entry.requestBody.then((requestBody) => this.#record(entry.scope, entry.n, {
      protocol: 'http', method: entry.method, url: entry.url, requestHeaders: entry.requestHeaders, requestBody,
      status: null, responseHeaders: {}, responseBody: null, error, wallStartUs: entry.wallStartUs, durationMs,
    }));
  }

  #record(scope: ActionScope, n: number, exchange: HttpExchange): void {
    try {
      scope.record(n, exchange);
    } catch (error) {
      // Off the client's path (the response was already delivered): warn instead of an unhandled rejection.
      process.emitWarning(`beamulator: recording exchange #${n} of action seq ${scope.actionSeq} failed: ${describeError(error)}`);
    }
  }

  // ----------------------------------------------------------------- serve

  async #serve(request: Request, controller: RequestController): Promise<void> {
    const method = request.method.toUpperCase();
    // Numbered synchronously, when the request starts (as when recording), before the body is read.
    const scope = actionScope.getStore();
    const n = scope ? scope.nextExchange() : -1;
    const wallStartUs = monotonicUs();
    try {
      const body = await readRequestBody(request);
      const outcome = scope
        ? this.#answer(request, method, scope.actionSeq, n, body)
        : new ForeignReplayError(`offline replay: request outside an action (${method} ${request.url})`, 'outside-action', null, null);
      // The replay is a run too: what the action sent and what it was served go into its exchanges.
      if (scope) this.#record(scope, n, servedExchange(request, method, body, outcome, wallStartUs));
      if (outcome instanceof Error) controller.errorWith(outcome);
      else controller.respondWith(outcome.response);
    } catch (error) {
      // A throwing onMismatch (or a malformed record) must not become the interceptors' generic 500.
      controller.errorWith(error instanceof Error ? error : new Error(String(error)));
    }
  }

  #answer(request: Request, method: string, seq: number, n: number, body: string | null): { response: Response; record: ExchangeRecord } | ForeignReplayError {
    const record = this.#source!.find(seq, n);
    if (!record) {
      return new ForeignReplayError(`no recorded exchange #${n} for action seq ${seq} (offline replay): ${method} ${request.url}`, 'no-recording', seq, n);
    }
    const actualUrl = comparableUrl(request.url, record.url);
    const info = requestMismatch(record, seq, n, { method, url: actualUrl, body, contentType: request.headers.get('content-type') ?? undefined }, sameUrl(record.url, actualUrl));
    if (info) {
      this.#options.onMismatch?.(info);
      if ((this.#options.mismatch ?? 'fail') === 'fail') {
        const what = info.actual.body !== undefined && info.expected.url === info.actual.url && info.expected.method.toUpperCase() === method
          ? `recorded ${record.method} ${record.url} with another body`
          : `recorded ${record.method} ${record.url}, the action sent ${method} ${actualUrl}`;
        return new ForeignReplayError(`offline replay diverged at exchange #${n} of action seq ${seq}: ${what}`, 'mismatch', seq, n);
      }
    }
    if (record.status === null) {
      const message = record.error ?? 'no response';
      return new ForeignReplayError(`recorded network error replayed (exchange #${n} of action seq ${seq}): ${message}`,
        'recorded-failure', seq, n, /\b(E[A-Z0-9_]{3,}|UND_ERR_[A-Z_]+)\b/.exec(message)?.[1]);
    }
    return { response: replayResponse(record, method), record };
  }
}

/** The exchange an offline replay stores for a served request: the recorded answer, or the failure it was given. */
function servedExchange(request: Request, method: string, body: string | null, outcome: { record: ExchangeRecord } | Error, wallStartUs: number): HttpExchange {
  const answered = outcome instanceof Error ? null : outcome.record;
  return {
    protocol: 'http', method, url: request.url, requestHeaders: headerRecord(request.headers), requestBody: body,
    status: answered?.status ?? null, responseHeaders: answered?.responseHeaders ?? {}, responseBody: answered?.responseBody ?? null,
    error: answered ? answered.error : (outcome as Error).message, wallStartUs, durationMs: (monotonicUs() - wallStartUs) / 1000,
  };
}

/**
 * Puts a thin wrapper in place of `globalThis.fetch`, below the FetchInterceptor: rejections of
 * recording requests are reported with their Request object. Returns the undo.
 */
function wrapFetch(pending: WeakMap<object, Pending>, onFailure: (entry: Pending, error: unknown) => void): () => void {
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'fetch');
  if (!descriptor || typeof descriptor.value !== 'function' || !descriptor.configurable) return () => {};
  const realFetch = descriptor.value as typeof fetch;
  const wrapper = function fetch(input: Parameters<typeof globalThis.fetch>[0], init?: RequestInit): Promise<Response> {
    return realFetch(input, init).catch((error: unknown) => {
      const entry = typeof input === 'object' ? pending.get(input) : undefined;
      if (entry) onFailure(entry, error);
      throw error;
    });
  };
  Object.defineProperty(globalThis, 'fetch', { ...descriptor, value: wrapper });
  return () => {
    if (globalThis.fetch === wrapper) Object.defineProperty(globalThis, 'fetch', descriptor);
  };
}

/** Starts reading a copy of the request body (not awaited: the request must not wait for it). */
function readRequestBody(request: Request): Promise<string | null> {
  if (request.body === null) return Promise.resolve(null);
  try {
    return request.clone().text().catch(() => null);
  } catch {
    return Promise.resolve(null);
  }
}

/** Lowercase names, repeated headers (set-cookie) joined with ', ', like the connector records them. */
function headerRecord(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    const key = name.toLowerCase();
    if (key === internalHeader) return;
    const previous = out[key];
    out[key] = previous === undefined ? value : `${previous}, ${value}`;
  });
  return out;
}

/** node:http response bytes as text, undoing a content-encoding the client itself would have had to undo. */
function decodeBody(bytes: Buffer, contentEncoding: string | undefined): string {
  const coding = contentEncoding?.trim().toLowerCase();
  try {
    switch (coding) {
      case 'gzip': case 'x-gzip': return zlib.gunzipSync(bytes).toString('utf8');
      case 'deflate':
        try { return zlib.inflateSync(bytes).toString('utf8'); } catch { return zlib.inflateRawSync(bytes).toString('utf8'); }
      case 'br': return zlib.brotliDecompressSync(bytes).toString('utf8');
    }
  } catch {
    // not what the header says: keep the bytes as they are
  }
  return bytes.toString('utf8');
}

/** The recorded answer as a Response: body re-encoded as the recorded content-encoding says, framing headers recomputed. */
function replayResponse(record: ExchangeRecord, method: string): Response {
  const status = record.status as number;
  const headers = new Headers();
  for (const [name, value] of Object.entries(record.responseHeaders)) {
    if (hopByHop.has(name)) continue;
    // set-cookie was recorded joined with ', ': split before each `name=` (an Expires date's comma is not one)
    for (const part of name === 'set-cookie' ? value.split(/,\s*(?=[^;,=\s]+=)/) : [value]) {
      try {
        headers.append(name, part);
      } catch {
        // a value Headers refuses (recorded from a lenient server): left out
      }
    }
  }
  let body: Buffer | null = null;
  if (method !== 'HEAD' && FetchResponse.isResponseWithBody(status)) {
    const text = Buffer.from(record.responseBody ?? '', 'utf8');
    const coding = headers.get('content-encoding')?.trim().toLowerCase();
    switch (coding) {
      case undefined: case 'identity': body = text; break;
      case 'gzip': case 'x-gzip': body = zlib.gzipSync(text); break;
      case 'deflate': body = zlib.deflateSync(text); break;
      case 'br': body = zlib.brotliCompressSync(text); break;
      default: body = text; headers.delete('content-encoding'); // a coding we cannot redo: send it plain
    }
    headers.set('content-length', String(body.byteLength));
  }
  return new FetchResponse(body, { status, headers });
}

/** The actual url in the form of the recorded one: path+query when the recording has a path, else absolute. */
function comparableUrl(actual: string, recorded: string): string {
  const url = new URL(actual);
  url.hash = '';
  return recorded.startsWith('/') ? url.pathname + url.search : url.href;
}

function sameUrl(recorded: string, actual: string): boolean {
  if (recorded.startsWith('/')) return urlMatchesRecording(recorded, actual);
  try {
    const url = new URL(recorded);
    url.hash = '';
    // The href of a parsed recording escapes its `[redacted]` marks: compare the text as recorded first.
    return urlMatchesRecording(recorded, actual) || url.href === actual;
  } catch {
    return urlMatchesRecording(recorded, actual);
  }
}

/** One line: the message, plus the cause's when it says more ("fetch failed: connect ECONNREFUSED 127.0.0.1:9"). */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause;
  const causeMessage = cause instanceof Error ? cause.message : undefined;
  const line = causeMessage && !error.message.includes(causeMessage) ? `${error.message}: ${causeMessage}` : error.message;
  return line.replace(/\s+/g, ' ').trim() || error.name;
}
