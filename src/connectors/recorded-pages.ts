import type { Route } from 'playwright-core';
import type { ExchangeRecord } from '../store/records.ts';
import { urlMatchesRecording } from '../store/json-equal.ts';
import type { ExchangeSource } from './exchange-source.ts';
import type { RequestMismatch } from './request-mismatch.ts';

/** Offline replay of browser actions: the recording, and where requests it does not hold are reported. */
export interface RecordedPagesOptions {
  exchanges: ExchangeSource;
  onMismatch?: (mismatch: RequestMismatch) => void;
  /** How the run stores urls (target urls as paths), to match a page's absolute ones. */
  relativeUrl(url: string): string;
}

// Computed again by the browser for the body it is given (redaction may have changed the body's length).
const dropped = new Set(['content-length', 'content-encoding', 'transfer-encoding', 'connection', 'keep-alive']);

/**
 * Serves a page's requests from the recording, through Playwright's routing: no target runs. A
 * page's requests may start in another order than they were recorded in (parallel loads), so
 * each is matched to the first unused recorded exchange of the same action with the same method
 * and url, not by its number. A request the recording does not hold gets a 404 and is reported.
 *
 * @example
 * await context.route('**\/*', (route) => pages.serve(route, call.actionSeq, n));
 */
export class RecordedPages {
  readonly #used = new Map<number, Set<number>>();

  constructor(readonly options: RecordedPagesOptions) {}

  async serve(route: Route, actionSeq: number, n: number): Promise<void> {
    const request = route.request();
    const method = request.method();
    const url = this.options.relativeUrl(request.url());
    const used = this.#used.get(actionSeq) ?? new Set<number>();
    this.#used.set(actionSeq, used);
    let next: ExchangeRecord | undefined;
    let match: ExchangeRecord | undefined;
    for (let k = 0; ; k++) {
      const recorded = this.options.exchanges.find(actionSeq, k);
      if (recorded === undefined) break;
      if (used.has(k)) continue;
      next ??= recorded;
      if (recorded.method === method && urlMatchesRecording(recorded.url, url)) {
        match = recorded;
        used.add(k);
        break;
      }
    }
    if (match === undefined || match.status === null) {
      if (match === undefined) {
        this.options.onMismatch?.({
          actionSeq, n, expected: next ? { method: next.method, url: next.url } : { method: '(none)', url: '(no more recorded requests)' }, actual: { method, url },
        });
      }
      await route.abort(match ? 'failed' : 'blockedbyclient');
      return;
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(match.responseHeaders)) if (!dropped.has(name)) headers[name] = value;
    await route.fulfill({ status: match.status, headers, body: match.responseBody ?? '' });
  }
}
