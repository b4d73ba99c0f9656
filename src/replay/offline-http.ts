import { monotonicUs } from '../clock/wall-clock.ts';
import { HttpVerbs } from '../connectors/http-verbs.ts';
import { ConnectorError } from '../connectors/connector-error.ts';
import { appendQuery, ConnectorHttpResponse, mergeHeaders } from '../connectors/http-connector.ts';
import type { ExchangeSource } from '../connectors/exchange-source.ts';
import { requestMismatch, type RequestMismatch } from '../connectors/request-mismatch.ts';
import type { HttpClient, HttpClientFactory, HttpExchange, HttpMethod, HttpRequestOptions, HttpResponse, RequestCanceller } from '../connectors/http-client.ts';
import { urlMatchesRecording } from '../store/json-equal.ts';

export type { RequestMismatch };

/**
 * Offline replay's HTTP: answers each request with the recorded exchange at the same
 * (action seq, n-th request of that action), so repeated identical requests get their own
 * recorded answers. No socket is opened. A request that differs from the recording still gets
 * the recorded answer (the replay goes on) and is reported to `onMismatch` as a divergence.
 *
 * @example
 * const http = new OfflineHttp(source, (m) => divergences.push(m));
 */
export class OfflineHttp implements HttpClientFactory {
  constructor(
    readonly source: ExchangeSource,
    readonly onMismatch: (mismatch: RequestMismatch) => void,
  ) {}

  client(recorder: (exchange: HttpExchange) => void, _cancel: RequestCanceller, actionSeq: number): HttpClient {
    return new OfflineClient(this, recorder, actionSeq);
  }

  async close(): Promise<void> {}
}

class OfflineClient extends HttpVerbs {
  #n = 0;

  constructor(
    readonly http: OfflineHttp,
    readonly recorder: (exchange: HttpExchange) => void,
    readonly actionSeq: number,
  ) {
    super();
  }


  async request(method: HttpMethod, path: string, options?: HttpRequestOptions): Promise<HttpResponse> {
    const n = this.#n++;
    const url = options?.query ? appendQuery(path, options.query) : path;
    const headers = mergeHeaders(undefined, options?.headers);
    const requestBody = options?.json !== undefined ? JSON.stringify(options.json) : options?.body ?? null;
    if (options?.json !== undefined) headers['content-type'] ??= 'application/json';
    const recorded = this.http.source.find(this.actionSeq, n);
    if (!recorded) {
      const message = `offline replay: the recording has no request #${n} for action #${this.actionSeq} (${method} ${url})`;
      this.recorder(exchange(method, url, headers, requestBody, null, {}, null, message));
      throw new ConnectorError(message, 'unreachable');
    }
    const mismatch = requestMismatch(recorded, this.actionSeq, n, { method, url, body: requestBody, contentType: headers['content-type'] }, sameUrl(recorded.url, url));
    if (mismatch) this.http.onMismatch(mismatch);
    this.recorder(exchange(method, url, headers, requestBody, recorded.status, recorded.responseHeaders, recorded.responseBody, recorded.error));
    if (recorded.status === null) throw new ConnectorError(recorded.error ?? 'the recorded request failed', 'unreachable');
    return new ConnectorHttpResponse(recorded.status, recorded.responseHeaders, recorded.responseBody ?? '', method, url);
  }
}

/** Recorded target urls are paths; a client may ask with an absolute url to the same path. */
function sameUrl(recorded: string, actual: string): boolean {
  if (urlMatchesRecording(recorded, actual)) return true;
  if (!recorded.startsWith('/') || actual.startsWith('/')) return false;
  try {
    const u = new URL(actual);
    return urlMatchesRecording(recorded, u.pathname + u.search);
  } catch {
    return false;
  }
}

function exchange(
  method: string, url: string, requestHeaders: Record<string, string>, requestBody: string | null,
  status: number | null, responseHeaders: Record<string, string>, responseBody: string | null, error: string | null,
): HttpExchange {
  return { protocol: 'http', method, url, requestHeaders, requestBody, status, responseHeaders, responseBody, error, wallStartUs: monotonicUs(), durationMs: 0 };
}
