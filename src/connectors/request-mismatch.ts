import { matchesRecording } from '../store/json-equal.ts';
import type { ExchangeRecord, Json } from '../store/records.ts';
import { REDACTED, redactBody } from '../store/redact.ts';

/** A request as a mismatch report shows it; `body` only when the bodies differ. */
export interface RequestView {
  method: string;
  url: string;
  body?: string | null;
}

/** A request of an offline replay that differs from the recorded exchange it was matched to by (action seq, n). */
export interface RequestMismatch {
  actionSeq: number;
  n: number;
  /** As recorded: `url` is path+query for the run's target, absolute for other origins. */
  expected: RequestView;
  /** What the action sent, with `url` in the same form as `expected.url`, and its body redacted like a recording. */
  actual: RequestView;
}

/**
 * Compares a request an offline replay is about to answer with the recorded one (the caller
 * says whether the urls match: the built-in connector and foreign clients write them differently).
 * Null when it is the same request.
 *
 * @example
 * const mismatch = requestMismatch(recorded, seq, n, { method, url, body, contentType }, url === recorded.url);
 * if (mismatch) onMismatch(mismatch);
 */
export function requestMismatch(
  recorded: ExchangeRecord, actionSeq: number, n: number,
  actual: { method: string; url: string; body: string | null; contentType: string | undefined }, urlMatches: boolean,
): RequestMismatch | null {
  const bodyChanged = !sameBody(recorded.requestBody, actual.body);
  if (!bodyChanged && urlMatches && recorded.method.toUpperCase() === actual.method) return null;
  if (!bodyChanged) return { actionSeq, n, expected: { method: recorded.method, url: recorded.url }, actual: { method: actual.method, url: actual.url } };
  return {
    actionSeq, n,
    expected: { method: recorded.method, url: recorded.url, body: recorded.requestBody },
    actual: { method: actual.method, url: actual.url, body: redactBody(actual.body, actual.contentType) },
  };
}

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
    return matchesRecording(JSON.parse(recorded) as Json, JSON.parse(actual) as Json);
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
