import type { ActionRecord, ComplaintRecord, Json } from '../store/records.ts';
import { compareAction, compareComplaint, requestDivergence, type Divergence } from './compare.ts';
import type { ReplayNormalizer } from './replay-normalizer.ts';
import { sameBody } from '../connectors/request-mismatch.ts';
import type { RequestMismatch } from './offline-http.ts';
import { Redactor } from '../store/redact.ts';
import type { MintedValues } from './minted-values.ts';

/** Divergences kept in full; beyond that only counted. */
const KEEP = 50;

/** Compares a replay's actions, as they happen, with the original log (by seq). */
export class DivergenceTracker {
  // Indexed by seq (seqs are dense from 0): arrays, not a Map and a Set, since check() runs per action.
  readonly #original: ReadonlyArray<ActionRecord | undefined>;
  readonly #originalCount: number;
  readonly #normalizer: ReplayNormalizer;
  /** The original's complaints in order, when it is known (else complaints are not compared). */
  readonly #complaints: readonly ComplaintRecord[] | undefined;
  #complaintsSeen = 0;
  readonly #redactor: Redactor;
  readonly #minted: MintedValues | undefined;
  readonly #cutAt: number;
  /** Per-actor comparison (paced runs): each actor's original actions in order, and how many the replay made so far. */
  readonly #byActor: Map<number, ActionRecord[]> | null = null;
  readonly #madeBy = new Map<number, number>();
  readonly #started = new Map<number, number>();
  #seen: Uint8Array;
  readonly kept: Divergence[] = [];
  count = 0;
  compared = 0;
  /** Actions of the replay past the point where the original's log was cut off (not compared). */
  beyondCut = 0;

  /**
   * `redactor`: the rules the values a divergence shows are redacted with (default: the built-in
   * ones). `minted`: for a live replay, pairs the values the target mints anew (see MintedValues).
   * `cutAt`: the original's log ends there because it stopped early, perhaps mid-turn; the
   * replay's actions from that seq on are counted, not compared. `complaints`: the original's,
   * to compare a rerun's with (see `complaint`). `perActor` (paced runs): the replay's n-th action
   * of an actor is compared with the original's n-th action of that actor, whatever their seqs
   * (the order across actors is not promised); with `cutAt`, an actor's actions past its last
   * recorded one are counted, not compared.
   */
  constructor(
    original: readonly ActionRecord[], normalizer: ReplayNormalizer, redactor: Redactor = new Redactor(),
    options: { minted?: MintedValues; cutAt?: number; complaints?: readonly ComplaintRecord[]; perActor?: boolean } = {},
  ) {
    // A log read back has seqs 0..n-1 in order: it is its own index then (no copy of a big log).
    if (original.every((a, i) => a.seq === i)) {
      this.#original = original;
    } else {
      const bySeq: Array<ActionRecord | undefined> = [];
      for (const a of original) bySeq[a.seq] = a;
      this.#original = bySeq;
    }
    this.#seen = new Uint8Array(this.#original.length);
    this.#originalCount = original.length;
    this.#normalizer = normalizer;
    this.#redactor = redactor;
    this.#minted = options.minted;
    this.#cutAt = options.cutAt ?? Infinity;
    this.#complaints = options.complaints && [...options.complaints].sort((a, b) => a.seq - b.seq).filter((c) => (c.actionSeq ?? -1) < this.#cutAt);
    if (options.perActor) {
      this.#byActor = new Map();
      for (const a of this.#original) {
        if (!a) continue;
        let list = this.#byActor.get(a.actorId);
        if (!list) this.#byActor.set(a.actorId, (list = []));
        list.push(a);
      }
    }
  }

  /**
   * Checks one complaint of a rerun against the original's at the same place in the order of
   * complaints. Not compared when the original's are unknown, nor past where the original was cut.
   */
  complaint(actual: ComplaintRecord): void {
    if (!this.#complaints || (actual.actionSeq ?? -1) >= this.#cutAt) return;
    const expected = this.#complaints[this.#complaintsSeen++];
    this.#add(compareComplaint(expected, actual, this.#actionAt, this.#normalizer, this.#redactor, this.#minted));
  }

  readonly #actionAt = (seq: number | null): ActionRecord | undefined => (seq === null ? undefined : this.#original[seq]);

  /** Checks one action of the replay. */
  check(actual: ActionRecord): void {
    if (this.#byActor) {
      this.#checkOfActor(actual, this.#byActor);
      return;
    }
    if (actual.seq >= this.#cutAt) {
      this.beyondCut++;
      return;
    }
    if (actual.seq < this.#seen.length) this.#seen[actual.seq] = 1;
    this.compared++;
    this.#add(compareAction(this.#original[actual.seq], actual, this.#normalizer, this.#redactor, this.#minted));
  }

  /**
   * Per-actor comparison: the original's seq of the action `actorId` starts now (its n-th), or -1
   * past its recorded ones. Call when each action starts, in start order (offline answers are found by it).
   */
  recordedSeqOf(actorId: number): number {
    const n = this.#started.get(actorId) ?? 0;
    this.#started.set(actorId, n + 1);
    return this.#byActor?.get(actorId)?.[n]?.seq ?? -1;
  }

  #checkOfActor(actual: ActionRecord, byActor: Map<number, ActionRecord[]>): void {
    const n = this.#madeBy.get(actual.actorId) ?? 0;
    this.#madeBy.set(actual.actorId, n + 1);
    const expected = byActor.get(actual.actorId)?.[n];
    if (!expected && Number.isFinite(this.#cutAt)) {
      this.beyondCut++;
      return;
    }
    this.compared++;
    if (expected) this.#seen[expected.seq] = 1;
    // Under the original's seq: the divergence points at the recorded action, and minted values pair by it.
    this.#add(compareAction(expected, expected ? { ...actual, seq: expected.seq } : actual, this.#normalizer, this.#redactor, this.#minted));
  }

  /** An offline request that differs from the recording. */
  request(mismatch: RequestMismatch): void {
    const original = this.#original[mismatch.actionSeq];
    if (!original || this.#onlyIgnoredBody(original.action, mismatch)) return;
    // The mismatch's bodies were redacted with the built-in rules (the recording's with its store's): ours apply too.
    const shown = (view: RequestMismatch['actual']) => ({ ...view, url: this.#redactor.url(view.url), ...(view.body ? { body: this.#redactor.body(view.body) } : {}) });
    this.#add(requestDivergence(this.#redactor.record(original), mismatch.n, shown(mismatch.expected), shown(mismatch.actual)));
  }

  /** A request whose body differs only where the rules (`exchange.request.body`) say to look past. */
  #onlyIgnoredBody(action: string, { expected, actual }: RequestMismatch): boolean {
    if (!this.#normalizer.touches('exchange.request.body') || expected.method !== actual.method || expected.url !== actual.url) return false;
    const compared = (body: string | null | undefined) => {
      const value = parsed(body ?? null);
      return JSON.stringify(this.#normalizer.apply('exchange.request.body', action, value));
    };
    return sameBody(compared(expected.body), compared(actual.body));
  }

  /** Counts the original's actions (and complaints) the replay never reached; call once, at the end. */
  finish(): void {
    if (this.#complaints) {
      while (this.#complaintsSeen < this.#complaints.length) {
        this.#add(compareComplaint(this.#complaints[this.#complaintsSeen++], undefined, this.#actionAt, this.#normalizer, this.#redactor, this.#minted));
      }
    }
    this.#original.forEach((original, seq) => {
      if (original && !this.#seen[seq]) this.#add(compareAction(original, undefined, this.#normalizer, this.#redactor));
    });
    this.#seen = new Uint8Array(this.#original.length).fill(1);
  }

  /** Recorded values paired with values the target minted anew (0 unless live). */
  get mintedPairs(): number {
    return this.#minted?.paired ?? 0;
  }

  get identical(): boolean {
    return this.count === 0 && this.compared === this.#originalCount;
  }

  /** The comparison stored with the replay run. */
  toJson(mode: string, offline: boolean): Json {
    return {
      mode, offline, compared: this.compared, original: this.#originalCount, divergences: this.count, mintedPairs: this.mintedPairs, beyondCut: this.beyondCut,
      first: (this.kept[0] ?? null) as unknown as Json, kept: this.kept as unknown as Json,
    };
  }

  #add(d: Divergence | null): void {
    if (!d) return;
    this.count++;
    if (this.kept.length < KEEP) this.kept.push(d);
  }
}

/** A body as a value (JSON parsed, so paths reach into it), else its text. */
function parsed(body: string | null): Json {
  if (body === null) return null;
  try {
    return JSON.parse(body) as Json;
  } catch {
    return body;
  }
}
