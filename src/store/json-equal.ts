import { REDACTED } from './redact.ts';
import type { Json } from './records.ts';

/** Deep equality of JSON values (key order ignored); no string building, since it runs per action. */
export function equal(a: Json, b: Json): boolean {
  return same(a, b, false);
}

/** Deep equality where a value the recording stored as `[redacted]` matches anything. */
export function matchesRecording(recorded: Json, actual: Json): boolean {
  return same(recorded, actual, true);
}

/**
 * Url equality where a part the recording stored as `[redacted]` (a secret query parameter's value,
 * the password of the user info; see Redactor.url) matches any text up to the next delimiter.
 *
 * @example
 * urlMatchesRecording('/items?api_key=[redacted]&page=2', '/items?api_key=k-123&page=2') // true
 */
export function urlMatchesRecording(recorded: string, actual: string): boolean {
  if (recorded === actual) return true;
  if (!recorded.includes(REDACTED)) return false;
  const pattern = recorded.split(REDACTED).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^&#@/]*');
  return new RegExp(`^${pattern}$`).test(actual);
}

function same(a: Json, b: Json, redactedMatches: boolean): boolean {
  if (a === b || (redactedMatches && a === REDACTED)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!same(a[i]!, b[i]!, redactedMatches)) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  let count = 0;
  for (const key in a) {
    count++;
    if (!Object.prototype.hasOwnProperty.call(b, key) || !same(a[key]!, b[key]!, redactedMatches)) return false;
  }
  for (const _ in b) count--;
  return count === 0;
}
