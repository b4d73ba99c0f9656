import { JSONPath } from 'jsonpath-plus';
import { pathsIn, ruleParts, type RulePart } from '../engine/replay-rule-paths.ts';
import type { ReplayRules } from '../engine/simulation.ts';
import type { Json } from '../store/records.ts';
import { userCodeError } from '../util/user-code.ts';

/** What an ignored value reads as on both sides of a comparison. */
export const IGNORED = '<ignored>';

const what: Record<RulePart, string> = {
  result: 'a result', args: 'the arguments', 'complaint.detail': 'a complaint detail', 'exchange.request.body': 'a request body',
};

/**
 * Applies a simulation's replay rules (ReplayRules: `ignore` paths, then `normalize`) to one part
 * of a record before it is compared, the original's and the replay's alike.
 *
 * @example
 * const rules = new ReplayNormalizer({ ignore: ['$..id', 'args.since'] });
 * rules.apply('args', 'listTodos', { since: 17 }); // { since: '<ignored>' }
 */
export class ReplayNormalizer {
  readonly #rules: ReplayRules;
  /** The JSONPaths by part and action: parsed once, since comparison runs per action. */
  readonly #paths = new Map<string, readonly string[]>();
  /** Parts no rule names: their values are compared as they are, without a lookup per action. */
  readonly #untouched: ReadonlySet<RulePart>;

  constructor(rules: ReplayRules = {}) {
    this.#rules = rules;
    const untouched = new Set<RulePart>(ruleParts);
    const ignore = rules.ignore;
    const listed = !ignore ? [] : Array.isArray(ignore) ? ignore : Object.values(ignore as Record<string, readonly string[]>).flat();
    for (const part of [...untouched]) {
      if (listed.some((path) => pathsIn([path], '', part).length > 0) || this.#normalizer(part)) untouched.delete(part);
    }
    this.#untouched = untouched;
  }

  /** Whether any rule applies to `part`. */
  touches(part: RulePart): boolean {
    return !this.#untouched.has(part);
  }

  /** `value` (one part of a record of `action`) as it is compared: ignored paths replaced, then normalized. */
  apply(part: RulePart, action: string, value: Json): Json {
    if (this.#untouched.has(part)) return value;
    const key = `${part}\u0000${action}`;
    let paths = this.#paths.get(key);
    if (!paths) this.#paths.set(key, (paths = pathsIn(this.#rules.ignore, action, part)));
    let out = value;
    if (paths.length > 0 && out !== null && typeof out === 'object') {
      out = structuredClone(out);
      for (const path of paths) {
        JSONPath({
          path, json: out as object, resultType: 'all', wrap: true,
          callback: (match: { parent: Record<string, unknown> | null; parentProperty: string | number }) => {
            if (match.parent) match.parent[match.parentProperty] = IGNORED;
          },
        });
      }
    }
    const normalize = this.#normalizer(part);
    if (!normalize) return out;
    try {
      return normalize(out, action);
    } catch (thrown) {
      const name = typeof this.#rules.normalize === 'function' ? 'replay.normalize()' : `replay.normalize['${part}']()`;
      throw userCodeError(`${name} for ${what[part]} of ${action}`, thrown, { doing: 'compare the replay with its original' });
    }
  }

  /** A result as it is compared (the rules of `result` paths and `normalize`). */
  normalize(action: string, value: Json): Json {
    return this.apply('result', action, value);
  }

  #normalizer(part: RulePart): ((value: Json, action: string) => Json) | undefined {
    const { normalize } = this.#rules;
    if (typeof normalize === 'function') return part === 'result' ? normalize : undefined;
    return normalize?.[part];
  }
}
