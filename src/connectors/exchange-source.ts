import type { ExchangeRecord } from '../store/records.ts';

/** Recorded exchanges, for offline replay: matched by (action seq, n-th exchange), never by url alone. */
export interface ExchangeSource {
  find(actionSeq: number, n: number): ExchangeRecord | undefined;
}
