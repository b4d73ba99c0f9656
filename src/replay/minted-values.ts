import { JSONPath } from 'jsonpath-plus';
import { pathsIn } from '../engine/replay-rule-paths.ts';
import type { ReplayRules } from '../engine/simulation.ts';
import { REDACTED } from '../store/redact.ts';
import type { ActionRecord, Json } from '../store/records.ts';

type Scalar = string | number;

/**
 * A string that looks minted by a service rather than written by a person: no whitespace, at
 * least one digit (UUIDs, counters like `t12`, tokens, ISO timestamps). Words (`active`) and
 * sentences are not, so a status or message that changes is a divergence, never a pairing.
 */
function looksMinted(value: string): boolean {
  return value.length > 0 && value.length <= 256 && /\d/.test(value) && !/\s/.test(value) && value !== REDACTED;
}

/**
 * Values the target minted (ids, tokens, timestamps), paired recorded ↔ replayed during a live
 * replay. The target of a live replay is another instance (or the same one, later): where the
 * original got id `e2c8…` the replay gets `49c3…`, and the behaviors carry that id into later
 * arguments. Pairing the two lets the comparison see through it: a rerun against a fresh
 * instance that mints other ids compares equal where the target behaved the same, and diverges
 * where it did not.
 *
 * A recorded value is minted when it first appears in the original log in a result (not in
 * arguments) and looks minted (see looksMinted), or sits at a path of the simulation's
 * `replay.minted` rules (numbers too). Pairs are one to one: a recorded value that comes back as
 * another replayed value than the one it was paired with, or a replayed value already paired
 * with another, is a difference like any other.
 */
export class MintedValues {
  readonly #minted = new Set<Scalar>();
  readonly #toReplayed = new Map<Scalar, Scalar>();
  readonly #toRecorded = new Map<Scalar, Scalar>();
  /** Replayed values found where a result differed without a pairing (or was ignored), by the seq of that result. */
  readonly #carried = new Map<Scalar, number>();
  readonly #rules: ReplayRules;
  #renamed = 0;

  constructor(original: readonly ActionRecord[], rules: ReplayRules = {}) {
    this.#rules = rules;
    const seen = new Set<Scalar>();
    const visit = (value: Json, inResult: boolean) => eachLeaf(value, (leaf) => {
      if (typeof leaf !== 'string' || seen.has(leaf)) return;
      seen.add(leaf);
      if (inResult && looksMinted(leaf)) this.#minted.add(leaf);
    });
    for (const action of original) {
      visit(action.args, false);
      visit(action.result, true);
      for (const leaf of this.#declared(action.action, action.result)) if (typeof leaf === 'string' || typeof leaf === 'number') this.#minted.add(leaf);
    }
  }

  /** How many recorded values were paired with other values the target minted this time (not counting those it minted the same). */
  get paired(): number {
    return this.#renamed;
  }

  /**
   * Pairs the minted values of one action's result (the recorded and the replayed one, as
   * recorded, before any `ignore` rule) and returns the replayed result with every paired value
   * put back to its recorded form, for the comparison.
   */
  result(seq: number, recorded: Json, replayed: Json): Json {
    return this.#pair(seq, recorded, replayed);
  }

  /** A replayed value (arguments) with its paired values put back to their recorded form. */
  toRecorded(value: Json): Json {
    return this.#toRecorded.size === 0 ? value : translate(value, this.#toRecorded);
  }

  /**
   * A text the replay wrote (a complaint's message) with the minted values it quotes put back to
   * their recorded form: `todo 3b1d… was lost` reads `todo 94ec… was lost`. Only strings of 8
   * characters or more are looked for, so a short counter never rewrites an unrelated number.
   */
  textToRecorded(text: string): string {
    let out = text;
    for (const [replayed, recorded] of this.#toRecorded) {
      if (typeof replayed === 'string' && replayed !== recorded && replayed.length >= 8 && out.includes(replayed)) out = out.split(replayed).join(String(recorded));
    }
    return out;
  }

  /** A recorded value (log mode's arguments) with its paired values as the replay got them. */
  toReplayed(value: Json): Json {
    return this.#toReplayed.size === 0 ? value : translate(value, this.#toReplayed);
  }

  /**
   * The seq of the earlier action whose result brought `value` into the replay where the
   * recording had something else, when the difference was not paired (or was ignored).
   */
  carriedFrom(value: Json): number | undefined {
    return typeof value === 'string' || typeof value === 'number' ? this.#carried.get(value) : undefined;
  }

  #declared(action: string, result: Json): Json[] {
    const paths = pathsIn(this.#rules.minted, action, 'result');
    if (paths.length === 0 || result === null || typeof result !== 'object') return [];
    return paths.flatMap((path) => JSONPath({ path, json: result as object, wrap: true }) as Json[]);
  }

  #pair(seq: number, recorded: Json, replayed: Json): Json {
    if (recorded === replayed) {
      if ((typeof recorded === 'string' || typeof recorded === 'number') && this.#minted.has(recorded) && !this.#toReplayed.has(recorded) && !this.#toRecorded.has(recorded)) {
        this.#link(recorded, recorded);
      }
      return replayed;
    }
    if (Array.isArray(recorded) && Array.isArray(replayed)) {
      return replayed.map((v, i) => (i < recorded.length ? this.#pair(seq, recorded[i]!, v) : this.toRecorded(v)));
    }
    if (isObject(recorded) && isObject(replayed)) {
      const out: Record<string, Json> = {};
      for (const key of Object.keys(replayed)) out[key] = Object.hasOwn(recorded, key) ? this.#pair(seq, recorded[key]!, replayed[key]!) : this.toRecorded(replayed[key]!);
      return out;
    }
    if ((typeof replayed === 'string' || typeof replayed === 'number') && (typeof recorded === 'string' || typeof recorded === 'number')) {
      const known = this.#toRecorded.get(replayed);
      if (known !== undefined) return known;
      if (this.#minted.has(recorded) && !this.#toReplayed.has(recorded)) {
        this.#link(recorded, replayed);
        return recorded;
      }
      if (!this.#carried.has(replayed)) this.#carried.set(replayed, seq);
    }
    return replayed;
  }

  #link(recorded: Scalar, replayed: Scalar): void {
    if (recorded !== replayed) this.#renamed++;
    this.#toReplayed.set(recorded, replayed);
    this.#toRecorded.set(replayed, recorded);
  }
}

function isObject(value: Json): value is Record<string, Json> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function eachLeaf(value: Json, visit: (leaf: Json) => void): void {
  if (Array.isArray(value)) for (const v of value) eachLeaf(v, visit);
  else if (isObject(value)) for (const key in value) eachLeaf(value[key]!, visit);
  else visit(value);
}

function translate(value: Json, map: ReadonlyMap<Scalar, Scalar>): Json {
  if (typeof value === 'string' || typeof value === 'number') return map.get(value) ?? value;
  if (Array.isArray(value)) return value.map((v) => translate(v, map));
  if (isObject(value)) {
    const out: Record<string, Json> = {};
    for (const key in value) out[key] = translate(value[key]!, map);
    return out;
  }
  return value;
}
