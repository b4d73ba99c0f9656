import diff from 'microdiff';
import { matchesRecording } from '../store/json-equal.ts';
import { Redactor } from '../store/redact.ts';
import type { ActionRecord, ComplaintRecord, Json } from '../store/records.ts';
import type { RequestView } from '../connectors/request-mismatch.ts';
import type { ActionPageView } from '../connectors/page-view.ts';
import type { MintedValues } from './minted-values.ts';
import type { ReplayNormalizer } from './replay-normalizer.ts';

/**
 * - `simulation-changed`: the replay made a different action (actor, name or args) at this seq.
 * - `carried-over`: same actor and action, but the args carry a value an earlier result brought
 *   in where the recording had another (that result differed, or its difference was ignored).
 * - `result-changed`: same action, different outcome, error or (normalized) result.
 * - `request-changed`: offline replay: the action sent a request other than the recorded one.
 * - `complaint-changed`: (rerun) the replay raised another complaint than the original at this
 *   point of the order of complaints, or none, or one more (its detail compared by the rules).
 * - `missing`: the original has an action here, the replay ended before it.
 * - `extra`: the replay made an action past the end of the original.
 */
export type DivergenceKind = 'simulation-changed' | 'carried-over' | 'result-changed' | 'request-changed' | 'complaint-changed' | 'missing' | 'extra';

export interface Divergence {
  kind: DivergenceKind;
  seq: number;
  simTime: number;
  actorId: number;
  action: string;
  args: Json;
  /** What the original recorded (null for `extra`). */
  expected: Json;
  /** What the replay did (null for `missing`). */
  actual: Json;
  /** One line per differing field: `result.completed: true → false`. */
  differences: string[];
  /** `carried-over`: the seq of the earlier action whose result brought the differing value in. */
  from?: number;
  /** A browser action (the replay's first divergent one): what its page showed, and the screenshots. */
  page?: DivergentPage;
}

/** A browser action's divergence: what the replay's page showed after it, beside what the original stored. */
export interface DivergentPage extends Omit<ActionPageView, 'screenshot'> {
  /**
   * The selector an error of either side names (a selector timeout, a strict-mode violation); without
   * an error, the last one the replay's action acted on (see `selectors`); null when it acted on none.
   */
  selector: string | null;
  /** The replay's screenshot of the page, relative to its store's folder (null: not taken, e.g. no store). */
  screenshot: string | null;
  /** The original's screenshot of that action (taken when it failed or was complained about), relative to its store's folder; null when none was taken. */
  originalScreenshot: string | null;
}

const builtInRedactor = new Redactor();

/**
 * Compares what the replay did at one seq with what the original recorded. The original was
 * redacted with its store's rules, which may have changed since: a value it stored as
 * `[redacted]` matches whatever the replay has there. A divergence shows both sides redacted
 * with `redactor` (default: the built-in rules), as the replay's own store would store them.
 * With `minted` (live replays), values the target minted anew are paired with the recorded
 * ones and compare equal (see MintedValues); call in the order the actions finished.
 */
export function compareAction(
  expected: ActionRecord | undefined, actual: ActionRecord | undefined, normalizer: ReplayNormalizer, redactor: Redactor = builtInRedactor,
  minted?: MintedValues,
): Divergence | null {
  if (!expected && !actual) return null;
  if (!actual) {
    const original = redactor.record(expected!);
    return divergence('missing', original, view(original), null, ['the replay ended before this action']);
  }
  if (!expected) {
    const replayed = redactor.record(actual);
    return divergence('extra', replayed, null, view(replayed), ['the original ended before this action']);
  }
  const sameAction = expected.actorId === actual.actorId && expected.action === actual.action;
  // Args as compared: the values the target minted anew put back to the recorded ones, then the rules.
  const expectedArgs = normalizer.apply('args', expected.action, expected.args);
  const args = normalizer.apply('args', actual.action, minted ? minted.toRecorded(actual.args) : actual.args);
  if (!sameAction || !matchesRecording(expectedArgs, args)) {
    const original = redactor.record(expected);
    const replayed = redactor.record(actual);
    const differences = orHidden(describeDifferences(
      { actorId: original.actorId, action: original.action, args: redactor.value(expectedArgs) }, { actorId: replayed.actorId, action: replayed.action, args: redactor.value(args) },
    ));
    const from = sameAction && minted ? carriedFrom(expectedArgs, args, minted) : undefined;
    if (from === undefined) return divergence('simulation-changed', original, view(original), view(replayed), differences);
    return { ...divergence('carried-over', original, view(original), view(replayed), differences), from };
  }
  const expectedResult = normalizer.apply('result', expected.action, expected.result);
  const actualResult = normalizer.apply('result', actual.action, minted ? minted.result(actual.seq, expected.result, actual.result) : actual.result);
  // Compared field by field: the {outcome, error, result} views are built only for a divergence.
  if (expected.outcome === actual.outcome && expected.error === actual.error && matchesRecording(expectedResult, actualResult)) return null;
  const before: Json = { outcome: expected.outcome, error: expected.error, result: redactor.value(expectedResult) };
  const after: Json = { outcome: actual.outcome, error: actual.error, result: redactor.value(actualResult) };
  return divergence('result-changed', redactor.record(expected), before, after, orHidden(describeDifferences(before, after)));
}

/**
 * Compares a complaint the replay raised with the original's at the same place in the order of
 * complaints (either may be missing): severity, message, action, actor and detail, the detail
 * through the rules (`complaint.detail` paths, by the name of the action it was raised on) and,
 * live, with the values the target minted anew put back to the recorded ones, in the message too.
 * `at`: the original's action the complaint was raised on (its seq, time and actor locate the divergence).
 */
export function compareComplaint(
  expected: ComplaintRecord | undefined, actual: ComplaintRecord | undefined, actionOf: (seq: number | null) => ActionRecord | undefined,
  normalizer: ReplayNormalizer, redactor: Redactor = builtInRedactor, minted?: MintedValues,
): Divergence | null {
  if (!expected && !actual) return null;
  const view = (c: ComplaintRecord | undefined, replayed: boolean): Json => {
    if (!c) return null;
    const action = actionOf(c.actionSeq)?.action ?? '';
    const detail = replayed && minted ? minted.toRecorded(c.detail) : c.detail;
    const message = replayed && minted ? minted.textToRecorded(c.message) : c.message;
    return { complaint: { actionSeq: c.actionSeq, actorId: c.actorId, severity: c.severity, message, detail: normalizer.apply('complaint.detail', action, detail) } };
  };
  const before = view(expected, false);
  const after = view(actual, true);
  if (before !== null && after !== null && matchesRecording(before, after)) return null;
  const shownBefore = redactor.value(before);
  const shownAfter = redactor.value(after);
  const differences = !expected ? ['the original raised no complaint here: ' + describe(actual!)] : !actual ? ['the replay did not raise it: ' + describe(expected)]
    : orHidden(describeDifferences(shownBefore, shownAfter));
  const c = (expected ?? actual)!;
  const at = actionOf(c.actionSeq);
  return {
    kind: 'complaint-changed', seq: at?.seq ?? c.actionSeq ?? -1, simTime: at?.simTime ?? c.simTime, actorId: at?.actorId ?? c.actorId,
    action: at?.action ?? '(no action)', args: at ? redactor.value(at.args) : null, expected: shownBefore, actual: shownAfter, differences,
  };
}

function describe(c: ComplaintRecord): string {
  return `${c.severity}: ${short(c.message)}`;
}

/**
 * When every value where the args differ came into the replay from an earlier result that
 * already differed from the recording: the seq of the first such result. Else undefined (the
 * behavior chose other args: the simulation changed).
 */
function carriedFrom(expected: Json, actual: Json, minted: MintedValues): number | undefined {
  let from: number | undefined;
  let all = true;
  const walk = (e: Json, a: Json) => {
    if (!all || matchesRecording(e, a)) return;
    if (e !== null && a !== null && typeof e === 'object' && typeof a === 'object' && Array.isArray(e) === Array.isArray(a)) {
      const ea = e as Record<string, Json>;
      const aa = a as Record<string, Json>;
      for (const key of new Set([...Object.keys(ea), ...Object.keys(aa)])) walk(ea[key] ?? null, aa[key] ?? null);
      return;
    }
    const seq = minted.carriedFrom(a);
    if (seq === undefined) all = false;
    else from = from === undefined ? seq : Math.min(from, seq);
  };
  walk(expected, actual);
  return all ? from : undefined;
}

/** Differences of redacted values: when none shows, the difference is in what redaction hides. */
function orHidden(differences: string[]): string[] {
  return differences.length > 0 ? differences : ['a redacted value differs'];
}

/** A request that differs from the recording (offline replay). */
export function requestDivergence(action: ActionRecord, n: number, expected: RequestView, actual: RequestView): Divergence {
  const sameLine = expected.method === actual.method && expected.url === actual.url;
  const lines = [sameLine ? `request #${n}: ${expected.method} ${expected.url}, another body` : `request #${n}: ${expected.method} ${expected.url} → ${actual.method} ${actual.url}`];
  if (expected.body !== undefined || actual.body !== undefined) {
    const before = parsedBody(expected.body ?? null);
    const after = parsedBody(actual.body ?? null);
    // describeDifferences() gives `path: a → b` lines for two objects, one `a → b` line otherwise.
    const fields = typeof before === 'object' && typeof after === 'object' && before !== null && after !== null;
    for (const line of describeDifferences(before, after)) lines.push(`request #${n} body${fields ? (line.startsWith('[') ? '' : '.') : ': '}${line}`);
  }
  return divergence('request-changed', action, { request: n, ...expected } as Json, { request: n, ...actual } as Json, lines);
}

/** A JSON body as a value (so it diffs field by field), anything else as its text. */
function parsedBody(body: Json): Json {
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body) as Json;
  } catch {
    return body;
  }
}

function view(a: ActionRecord): Json {
  return { actorId: a.actorId, action: a.action, args: a.args, outcome: a.outcome, error: a.error, result: a.result };
}

function divergence(kind: DivergenceKind, at: ActionRecord, expected: Json, actual: Json, differences: string[]): Divergence {
  return { kind, seq: at.seq, simTime: at.simTime, actorId: at.actorId, action: at.action, args: at.args, expected, actual, differences };
}

/** Field-level differences, at most 12 lines (`path: before → after`). */
export function describeDifferences(before: Json, after: Json): string[] {
  if (typeof before !== 'object' || typeof after !== 'object' || before === null || after === null) {
    return [`${short(before)} → ${short(after)}`];
  }
  const lines = diff(before as Record<string, unknown>, after as Record<string, unknown>).map((d) => {
    const path = d.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('').replace(/^\./, '');
    if (d.type === 'CREATE') return `${path}: (absent) → ${short(d.value as Json)}`;
    if (d.type === 'REMOVE') return `${path}: ${short(d.oldValue as Json)} → (absent)`;
    return `${path}: ${short(d.oldValue as Json)} → ${short(d.value as Json)}`;
  });
  return lines.length > 12 ? [...lines.slice(0, 12), `... ${lines.length - 12} more differences`] : lines;
}

function short(value: Json): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}
