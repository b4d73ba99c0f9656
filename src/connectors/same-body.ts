import { REDACTED } from '../store/redact.ts';

/** How a redacted form parameter reads in a urlencoded body. */
const encodedRedacted = new URLSearchParams({ x: REDACTED }).toString().slice(2);

/**
 * Whether a request body sent during an offline replay matches the recorded one. The recording
 * was redacted with its store's rules, which the replay does not know: a recorded `[redacted]`
 * value (JSON field or form parameter) matches whatever the replay sent there.
 *
 * @example
 * sameBody('{"user":"ann","password":"[redacted]"}', '{"user":"ann","password":"s3cret"}'); // true
 * sameBody('{"title":"milk"}', '{"title":"bread"}'); // false
 */
export function sameBody(recorded: string | null, actual: string | null): boolean {
  if (recorded === actual) return true;
  if (!recorded || !actual) return !recorded && !actual; // null and '' both mean "no body"
  if (!recorded.includes(REDACTED) && !recorded.includes(encodedRedacted)) return false;
  try {
    return matches(JSON.parse(recorded), JSON.parse(actual));
  } catch {
    // Not JSON: a urlencoded form, compared parameter by parameter.
    const want = new URLSearchParams(recorded);
    const got = new URLSearchParams(actual);
    if ([...want.keys()].length !== [...got.keys()].length) return false;
    for (const [name, value] of want) {
      if (!got.has(name) || (value !== REDACTED && got.get(name) !== value)) return false;
    }
    return true;
  }
}

function matches(recorded: unknown, actual: unknown): boolean {
  if (recorded === REDACTED) return true;
  if (recorded === null || actual === null || typeof recorded !== 'object' || typeof actual !== 'object') return recorded === actual;
  if (Array.isArray(recorded) !== Array.isArray(actual)) return false;
  const a = recorded as Record<string, unknown>;
  const b = actual as Record<string, unknown>;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && matches(a[k], b[k]));
}
