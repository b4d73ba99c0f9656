import type { ActionRecord, Json } from '../store/records.ts';
import { compareAction, requestDivergence, type Divergence, type ResultNormalizer } from './compare.ts';
import type { RequestMismatch } from './offline-http.ts';

/** Divergences kept in full; beyond that only counted. */
const KEEP = 50;

/** Compares a replay's actions, as they happen, with the original log (by seq). */
export class DivergenceTracker {
  readonly #original: Map<number, ActionRecord>;
  readonly #originalCount: number;
  readonly #normalizer: ResultNormalizer;
  readonly #seen = new Set<number>();
  readonly kept: Divergence[] = [];
  count = 0;
  compared = 0;

  constructor(original: readonly ActionRecord[], normalizer: ResultNormalizer) {
    this.#original = new Map(original.map((a) => [a.seq, a]));
    this.#originalCount = original.length;
    this.#normalizer = normalizer;
  }

  /** Checks one action of the replay. */
  check(actual: ActionRecord): void {
    this.#seen.add(actual.seq);
    this.compared++;
    this.#add(compareAction(this.#original.get(actual.seq), actual, this.#normalizer));
  }

  /** An offline request that differs from the recording. */
  request(mismatch: RequestMismatch): void {
    const original = this.#original.get(mismatch.actionSeq);
    if (original) this.#add(requestDivergence(original, mismatch.n, mismatch.expected, mismatch.actual));
  }

  /** Counts the original's actions the replay never reached; call once, at the end. */
  finish(): void {
    for (const [seq, original] of this.#original) {
      if (!this.#seen.has(seq)) this.#add(compareAction(original, undefined, this.#normalizer));
    }
    this.#seen.clear();
  }

  get identical(): boolean {
    return this.count === 0 && this.compared === this.#originalCount;
  }

  /** The comparison stored with the replay run. */
  toJson(mode: string, offline: boolean): Json {
    return {
      mode, offline, compared: this.compared, original: this.#originalCount, divergences: this.count,
      first: (this.kept[0] ?? null) as unknown as Json, kept: this.kept as unknown as Json,
    };
  }

  #add(d: Divergence | null): void {
    if (!d) return;
    this.count++;
    if (this.kept.length < KEEP) this.kept.push(d);
  }
}
