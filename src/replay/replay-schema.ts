/**
 * The shape of a replay file, checked field by field. A check names the first bad path
 * (`actions[3].seq`) and what it expected; it is reasonable, not exhaustive: Json columns
 * (args, result, state, detail...) may hold any JSON.
 *
 * Each table's fields are listed as a mapped type over its record, so adding a field to a
 * record in records.ts fails to compile until it is described here.
 */
import type {
  ActionRecord, ActorOrigin, ActorRecord, ComplaintRecord, EventKind, EventRecord, ExchangeRecord, Outcome, RunKind, RunRecord,
  RunStatus, Severity,
} from '../store/records.ts';

/** A problem found at `path` (a JS-like path into the file, '' for the whole document). */
export class ShapeError extends Error {
  constructor(readonly path: string, readonly problem: string) {
    super(path === '' ? problem : `${path} ${problem}`);
    this.name = 'ShapeError';
  }
}

interface Field {
  /** A problem with the value ("must be a whole number (got "7")"), or null when it is fine. */
  check: (value: unknown) => string | null;
  /** The value to use when the field is absent; without it, absent is an error. */
  absent?: () => unknown;
  /** Turns the stored value into the record's value (null -> NaN for measured numbers). */
  decode?: (value: unknown) => unknown;
}

type Fields<T> = { [K in keyof T]-?: Field };

/** A short rendering of a bad value for messages. */
export function preview(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

const got = (v: unknown) => ` (got ${preview(v)})`;

const str: Field = { check: (v) => (typeof v === 'string' ? null : `must be a string${got(v)}`) };
const nonEmpty: Field = { check: (v) => (typeof v === 'string' && v.length > 0 ? null : `must be a non-empty string${got(v)}`) };
const strOrNull: Field = { check: (v) => (v === null || typeof v === 'string' ? null : `must be a string or null${got(v)}`) };
const int: Field = { check: (v) => (Number.isSafeInteger(v) ? null : `must be a whole number${got(v)}`) };
const intOrNull: Field = { check: (v) => (v === null || Number.isSafeInteger(v) ? null : `must be a whole number or null${got(v)}`) };
const num: Field = { check: (v) => (typeof v === 'number' && Number.isFinite(v) ? null : `must be a number${got(v)}`) };
const numOrNull: Field = { check: (v) => (v === null || (typeof v === 'number' && Number.isFinite(v)) ? null : `must be a number or null${got(v)}`) };
/**
 * A measured number (wall times, latencies, steps): the store keeps an invalid one as NULL and
 * reads it back as NaN, which JSON writes as null. So null is accepted and read as NaN.
 */
const measured: Field = {
  check: (v) => (v === null || typeof v === 'number' ? null : `must be a number or null${got(v)}`),
  decode: (v) => (v === null ? Number.NaN : v),
};
/** Any JSON value (present: null is a value, a missing key is not). */
const json: Field = { check: () => null };
const strings: Field = {
  check: (v) => (Array.isArray(v) && v.every((s) => typeof s === 'string') ? null : `must be a list of strings${got(v)}`),
};
const headers: Field = {
  check: (v) => (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((h) => typeof h === 'string')
    ? null : `must be an object of header names to strings${got(v)}`),
};

/** One of a closed set; the `Record` makes the compiler insist the set is the whole union. */
function oneOf<T extends string>(values: Record<T, true>): Field {
  const allowed = Object.keys(values);
  return {
    check: (v) => (typeof v === 'string' && allowed.includes(v) ? null : `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}${got(v)}`),
  };
}

const runKinds: Record<RunKind, true> = { run: true, replay: true, fuzz: true };
const runStatuses: Record<RunStatus, true> = { running: true, completed: true, stopped: true, failed: true, abandoned: true };
const outcomes: Record<Outcome, true> = { ok: true, error: true, crash: true };
const severities: Record<Severity, true> = { urgent: true, annoying: true, justsayin: true };
const origins: Record<ActorOrigin, true> = { config: true, target: true, seeder: true, runtime: true };
const eventKinds: Record<EventKind, true> = {
  spawn: true, stop: true, retire: true, crash: true, restart: true, 'give-up': true, limit: true, interrupt: true, probe: true, resume: true, 'snapshots-off': true, screenshot: true, trace: true, control: true, message: true, 'overlap-order': true, pace: true,
};

export const runFields: Fields<RunRecord> = {
  runId: nonEmpty, kind: oneOf(runKinds), parentRunId: strOrNull, simulation: str, file: strOrNull, seed: str,
  status: oneOf(runStatuses), config: json, codeHash: strOrNull, beamulatorVersion: str, wallStartedAt: num,
  wallEndedAt: numOrNull, simDurationMs: num, simEpoch: num, stopReason: strOrNull, error: strOrNull,
  // Added after the first files could have been written: absent reads as null.
  comparison: { ...json, absent: () => null },
  params: { check: (v) => (v === null || isPlainObject(v) ? null : `must be an object of parameter values or null${got(v)}`), absent: () => null },
};

export const actorFields: Fields<ActorRecord> = {
  runId: str, actorId: int, behavior: str, name: str, config: json, initialState: json, tags: strings, rngState: json,
  origin: oneOf(origins), spawnAt: measured,
};

export const actionFields: Fields<ActionRecord> = {
  runId: str, seq: int, actorId: int, action: str, args: json, outcome: oneOf(outcomes), result: json, error: strOrNull,
  simTime: num, step: measured, wallStartUs: measured, wallEndUs: measured, latencyMs: measured,
};

export const complaintFields: Fields<ComplaintRecord> = {
  runId: str, seq: int, actionSeq: intOrNull, actorId: int, severity: oneOf(severities), message: str, trigger: str,
  detail: json, simTime: num,
};

export const exchangeFields: Fields<ExchangeRecord> = {
  runId: str, actionSeq: int, n: int, protocol: oneOf({ http: true }), method: str, url: str, requestHeaders: headers,
  requestBody: strOrNull, status: intOrNull, responseHeaders: headers, responseBody: strOrNull, error: strOrNull,
  wallStartUs: measured, durationMs: measured,
};

export const eventFields: Fields<EventRecord> = {
  runId: str, seq: int, simTime: num, actorId: intOrNull, kind: oneOf(eventKinds), detail: json,
};

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function hasOwn(obj: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

/**
 * Checks one record and returns it with exactly the fields of `fields` (unknown keys dropped,
 * absent defaults filled, measured nulls as NaN). Throws a ShapeError naming the first bad field.
 */
export function readRecord<T>(value: unknown, path: string, fields: Fields<T>): T {
  if (!isPlainObject(value)) throw new ShapeError(path, `must be an object${got(value)}`);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(fields)) {
    const field = (fields as Record<string, Field>)[key]!;
    const at = `${path}.${key}`;
    if (!hasOwn(value, key) || value[key] === undefined) {
      if (field.absent) {
        out[key] = field.absent();
        continue;
      }
      throw new ShapeError(at, 'is missing');
    }
    const raw = value[key];
    const problem = field.check(raw);
    if (problem !== null) throw new ShapeError(at, problem);
    out[key] = field.decode ? field.decode(raw) : raw;
  }
  return out as T;
}

/** Checks a list of records, each of which must belong to run `runId`. */
export function readRecords<T extends { runId: string }>(value: unknown, path: string, fields: Fields<T>, runId: string): T[] {
  if (value === undefined) throw new ShapeError(path, 'is missing');
  if (!Array.isArray(value)) throw new ShapeError(path, `must be a list${got(value)}`);
  return value.map((item, i) => {
    const record = readRecord(item, `${path}[${i}]`, fields);
    if (record.runId !== runId) throw new ShapeError(`${path}[${i}].runId`, `must be the run's id '${runId}'${got(record.runId)}`);
    return record;
  });
}
