/**
 * Where a replay rule applies. A rule path is the path a divergence report prints
 * (`result.items[0].id`, `args.since`, `complaint.detail.at`): a part of the record, then a
 * JSONPath inside it. A path that starts with `$` is a result path, as rules were written before
 * they could name a part.
 */

/** The parts of what a replay compares that a rule can name. */
export const ruleParts = ['result', 'args', 'complaint.detail', 'exchange.request.body'] as const;
export type RulePart = (typeof ruleParts)[number];

/** Parts users may reach for that are never compared: named in the error, with what to use instead. */
const notCompared: Readonly<Record<string, string>> = {
  'exchange.response.body': "a response is not compared, the action's result is: use a result path",
  'exchange.response.headers': "a response is not compared, the action's result is: use a result path",
  'exchange.request.headers': 'request headers are not compared',
  'complaint.message': 'a message is compared whole, with the values the target minted paired: move what changes into the detail',
};

export interface RulePath {
  part: RulePart;
  /** JSONPath inside the part (`$` for the whole of it). */
  jsonPath: string;
}

/**
 * Splits a rule path into its part and a JSONPath inside it; throws an Error whose message says
 * what is wrong (the caller names the simulation).
 *
 * @example
 * parseRulePath('$..id');               // { part: 'result', jsonPath: '$..id' }
 * parseRulePath('args.since');          // { part: 'args', jsonPath: '$.since' }
 * parseRulePath('complaint.detail..at'); // { part: 'complaint.detail', jsonPath: '$..at' }
 */
export function parseRulePath(path: string): RulePath {
  if (typeof path !== 'string' || path === '') throw new Error(`${JSON.stringify(path)} is not a path`);
  if (path.startsWith('$')) return { part: 'result', jsonPath: path };
  for (const [part, why] of Object.entries(notCompared)) {
    if (rootedAt(path, part)) throw new Error(`'${path}' names ${part}, which no replay compares (${why})`);
  }
  // Longest first: `exchange.request.body` before a shorter root that prefixes it.
  for (const part of [...ruleParts].sort((a, b) => b.length - a.length)) {
    if (rootedAt(path, part)) return { part, jsonPath: `$${path.slice(part.length)}` };
  }
  throw new Error(`'${path}' starts with neither $ (a result) nor ${ruleParts.join(', ')}`);
}

function rootedAt(path: string, part: string): boolean {
  return path === part || (path.startsWith(part) && (path[part.length] === '.' || path[part.length] === '['));
}

type PathRule = readonly string[] | Readonly<Record<string, readonly string[]>> | undefined;

/**
 * The JSONPaths of `rule` (an `ignore` or `minted` list, or lists by action name with `'*'` for
 * all) that apply to `part` of `action`'s records. Parsed again on each call: callers cache.
 */
export function pathsIn(rule: PathRule, action: string, part: RulePart): string[] {
  if (!rule) return [];
  const listed = Array.isArray(rule) ? rule as readonly string[] : [...((rule as Record<string, readonly string[]>)['*'] ?? []), ...((rule as Record<string, readonly string[]>)[action] ?? [])];
  const out: string[] = [];
  for (const path of listed) {
    const parsed = parseRulePath(path);
    if (parsed.part === part) out.push(parsed.jsonPath);
  }
  return out;
}

/**
 * What is wrong with a simulation's replay rules (for defineSimulation's error), or null.
 * `minted` values are found in results only.
 */
export function replayRulesProblem(rules: { ignore?: PathRule; minted?: PathRule; normalize?: unknown } | undefined): { reason: string; hint: string } | null {
  if (rules === undefined) return null;
  for (const key of ['ignore', 'minted'] as const) {
    const rule = rules[key];
    if (rule === undefined) continue;
    const lists = Array.isArray(rule) ? [rule] : typeof rule === 'object' && rule !== null ? Object.values(rule) : null;
    if (!lists || !lists.every((l) => Array.isArray(l))) {
      return { reason: `replay.${key} is neither a list of paths nor lists by action name`, hint: `Use ${key}: ['$..id'] or ${key}: { createTodo: ['result.id'], '*': [...] }` };
    }
    for (const path of lists.flat() as unknown[]) {
      let parsed: RulePath;
      try {
        parsed = parseRulePath(path as string);
      } catch (error) {
        return { reason: `replay.${key}: ${(error as Error).message}`, hint: `Start a path with $ or result (a result), args, complaint.detail or exchange.request.body: ${key}: ['args.since', 'complaint.detail..at']` };
      }
      if (key === 'minted' && parsed.part !== 'result') {
        return { reason: `replay.minted: '${String(path)}' is not in a result`, hint: "The target's minted values are found in results: use a result path ($.id or result.id); ignore other parts with replay.ignore" };
      }
    }
  }
  const { normalize } = rules;
  if (normalize !== undefined && typeof normalize !== 'function') {
    const parts = typeof normalize === 'object' && normalize !== null ? Object.entries(normalize) : null;
    const bad = parts === null ? 'is neither a function nor functions by part' : parts.find(([k, f]) => !(ruleParts as readonly string[]).includes(k) || typeof f !== 'function')?.[0];
    if (bad !== undefined) {
      return { reason: parts === null ? `replay.normalize ${bad}` : `replay.normalize.${bad} is not a function of ${ruleParts.join(', ')}`, hint: "Use normalize: (result, action) => value, or normalize: { args: (args, action) => value, 'complaint.detail': (detail, action) => value }" };
    }
  }
  return null;
}
