import type { Json } from '../store/records.ts';
import { toJson } from '../util/to-json.ts';

/**
 * What an invariant's check returns, wherever the invariant lives (a simulation's, a fuzz
 * target's): `null` while it holds; when it is broken, a message, or a message with a detail
 * (anything JSON-able: the values that broke it), stored with the complaint or the failure.
 * A failure is identified by the invariant's name, never by its message, so a message may carry
 * changing numbers (`'3 todos share id t1'`) without breaking shrinking or reproduction.
 *
 * @example
 * check: (run) => {
 *   const dupes = duplicateIds(run.actions);
 *   return dupes.length === 0 ? null : { message: `${dupes.length} todos share an id`, detail: { ids: dupes } };
 * }
 */
export type InvariantVerdict = string | { message: string; detail?: unknown } | null;

/** A broken invariant's verdict, normalized. */
export interface BrokenInvariant {
  message: string;
  /** The check's detail, as JSON; null when it gave none. */
  detail: Json;
}

/**
 * Normalizes what a check returned: null when it holds, else its message and detail. A value of
 * another shape counts as broken, with a message saying what to return instead.
 *
 * @example
 * const broken = brokenVerdict(invariant.check(view), invariant.name);
 * if (broken) record(broken.message, broken.detail);
 */
export function brokenVerdict(verdict: unknown, name: string): BrokenInvariant | null {
  if (verdict === null) return null;
  if (typeof verdict === 'string') return { message: verdict, detail: null };
  if (typeof verdict === 'object' && typeof (verdict as { message?: unknown }).message === 'string') {
    const { message, detail } = verdict as { message: string; detail?: unknown };
    return { message, detail: detail === undefined ? null : toJson(detail) };
  }
  return {
    message: `invariant '${name}' returned ${verdict === undefined ? 'undefined' : JSON.stringify(toJson(verdict))}: return null when it holds, else a message or { message, detail }`,
    detail: null,
  };
}
