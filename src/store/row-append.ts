/**
 * Encoded rows (what the writer buffers) and the typed appender calls that write them,
 * one function per table, columns in schema order. Encoding happens at add time, so a row
 * is a snapshot (later mutation of the caller's objects does not change it), secrets are
 * already redacted, and every value has its column's type: an append can not fail halfway.
 */
import { LIST, VARCHAR, type DuckDBAppender } from '@duckdb/node-api';
import { toJson } from '../util/to-json.ts';
import type { ActionRecord, ActorRecord, ComplaintRecord, EventRecord, ExchangeRecord, Json, SnapshotRecord } from './records.ts';
import type { Redactor } from './redact.ts';

type Encoded<T, K extends keyof T> = Omit<T, K> & { [P in K]: string | null };

export type ActorRow = Encoded<ActorRecord, 'config' | 'initialState' | 'rngState'>;
export type ActionRow = Encoded<ActionRecord, 'args' | 'result'>;
export type ComplaintRow = Encoded<ComplaintRecord, 'detail'>;
export type ExchangeRow = Encoded<ExchangeRecord, 'requestHeaders' | 'responseHeaders'>;
export type EventRow = Encoded<EventRecord, 'detail'>;
export type SnapshotRow = Encoded<SnapshotRecord, 'state' | 'rngState' | 'detail'>;
/** A snapshot as the engine hands it over: its state already JSON text (the engine serialized it once, to check and keep it). */
export type SnapshotWrite = Omit<SnapshotRecord, 'state'> & { stateJson: string | null };

/** JSON text of a value (SQL NULL for null), never throwing: odd values go through toJson. */
export function jsonText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  try {
    return JSON.stringify(value) ?? null;
  } catch {
    return JSON.stringify(toJson(value));
  }
}

/** JSON text or null; throws on what JSON.stringify throws on (cycles, bigint). */
function strictJson(value: unknown): string | null {
  return value === null || value === undefined ? null : (JSON.stringify(value) ?? null);
}

/** Redacted JSON text of a value (SQL NULL for null), never throwing. */
export function redactedJson(redactor: Redactor | null, value: Json): string | null {
  if (redactor === null) return jsonText(value);
  try {
    return redactor.json(value, strictJson);
  } catch {
    // Cycles, bigints and the like: make it plain JSON first, then redact the text.
    return redactor.jsonText(JSON.stringify(toJson(value)));
  }
}

function contentType(headers: Record<string, string>): string | undefined {
  for (const name of Object.keys(headers)) if (name.toLowerCase() === 'content-type') return headers[name];
  return undefined;
}

/** An error message as stored: the secrets it quotes redacted (Redactor.text). */
function redactedText(redactor: Redactor | null, text: string | null): string | null {
  return redactor && typeof text === 'string' ? redactor.text(text) : text;
}

export function encodeActor(r: ActorRecord, runId: string, redactor: Redactor | null): ActorRow {
  return {
    runId: typeof r.runId === 'string' ? r.runId : runId, actorId: r.actorId, behavior: r.behavior, name: r.name,
    config: redactedJson(redactor, r.config), initialState: redactedJson(redactor, r.initialState),
    // An rng state is engine data a replay needs verbatim: never redacted.
    tags: Array.isArray(r.tags) ? r.tags.map(String) : [], rngState: jsonText(r.rngState), origin: r.origin, spawnAt: r.spawnAt,
  };
}

export function encodeAction(r: ActionRecord, runId: string, redactor: Redactor | null): ActionRow {
  return {
    runId: typeof r.runId === 'string' ? r.runId : runId, seq: r.seq, actorId: r.actorId, action: r.action, args: redactedJson(redactor, r.args),
    outcome: r.outcome, result: redactedJson(redactor, r.result), error: redactedText(redactor, r.error), simTime: r.simTime, step: r.step,
    wallStartUs: r.wallStartUs, wallEndUs: r.wallEndUs, latencyMs: r.latencyMs,
  };
}

export function encodeComplaint(r: ComplaintRecord, runId: string, redactor: Redactor | null): ComplaintRow {
  return {
    runId: typeof r.runId === 'string' ? r.runId : runId, seq: r.seq, actionSeq: r.actionSeq, actorId: r.actorId, severity: r.severity, message: r.message,
    trigger: r.trigger, detail: redactedJson(redactor, r.detail), simTime: r.simTime,
  };
}

export function encodeExchange(r: ExchangeRecord, runId: string, redactor: Redactor | null): ExchangeRow {
  const reqHeaders = r.requestHeaders ?? {};
  const resHeaders = r.responseHeaders ?? {};
  return {
    runId: typeof r.runId === 'string' ? r.runId : runId, actionSeq: r.actionSeq, n: r.n, protocol: r.protocol, method: r.method,
    url: redactor && typeof r.url === 'string' ? redactor.url(r.url) : r.url,
    requestHeaders: jsonText(redactor ? redactor.headers(reqHeaders) : reqHeaders),
    requestBody: redactor ? redactor.body(r.requestBody ?? null, contentType(reqHeaders)) : r.requestBody,
    status: r.status, responseHeaders: jsonText(redactor ? redactor.headers(resHeaders) : resHeaders),
    responseBody: redactor ? redactor.body(r.responseBody ?? null, contentType(resHeaders)) : r.responseBody,
    error: redactedText(redactor, r.error), wallStartUs: r.wallStartUs, durationMs: r.durationMs,
  };
}

export function encodeEvent(r: EventRecord, runId: string, redactor: Redactor | null): EventRow {
  return { runId: typeof r.runId === 'string' ? r.runId : runId, seq: r.seq, simTime: r.simTime, actorId: r.actorId, kind: r.kind, detail: redactedJson(redactor, r.detail) };
}

export function encodeSnapshot(r: SnapshotWrite, runId: string, redactor: Redactor | null): SnapshotRow {
  return {
    runId: typeof r.runId === 'string' ? r.runId : runId, simTime: r.simTime, actorId: r.actorId,
    state: redactor && r.stateJson !== null ? redactor.jsonText(r.stateJson) : r.stateJson,
    rngState: jsonText(r.rngState), nextWake: r.nextWake, detail: jsonText(r.detail),
  };
}

// ---- typed appends: never appendValue (10x slower) ----

/** The longest string appended since the last reset (see commit-rows.ts: DuckDB's memory need grows with it). */
export const longestAppended = { chars: 0 };

function str(app: DuckDBAppender, v: string | null | undefined): void {
  if (typeof v === 'string') {
    if (v.length > longestAppended.chars) longestAppended.chars = v.length;
    app.appendVarchar(v);
  }
  else if (v === null || v === undefined) app.appendNull();
  else app.appendVarchar(String(v));
}

function int(app: DuckDBAppender, v: number | null): void {
  if (typeof v === 'number' && Number.isInteger(v) && v >= -2147483648 && v <= 2147483647) app.appendInteger(v);
  else app.appendNull();
}

/** BIGINT's range as doubles: beyond it a value is stored as NULL (appendBigInt would throw, failing the whole batch). */
const int64Limit = 2 ** 63;

function big(app: DuckDBAppender, v: number | null): void {
  if (typeof v === 'number' && Number.isSafeInteger(v)) app.appendBigInt(BigInt(v));
  else if (typeof v === 'number' && Number.isFinite(v) && v < int64Limit && v >= -int64Limit) app.appendBigInt(BigInt(Math.round(v)));
  else app.appendNull();
}

function dbl(app: DuckDBAppender, v: number | null): void {
  if (typeof v === 'number') app.appendDouble(v);
  // A journal line's NaN, ±Infinity and -0 (JSON has none of them: see journalLine).
  else if (typeof v === 'string') app.appendDouble(Number(v));
  else app.appendNull();
}

const varcharList = LIST(VARCHAR);

export function appendActor(app: DuckDBAppender, r: ActorRow): void {
  str(app, r.runId); int(app, r.actorId); str(app, r.behavior); str(app, r.name); str(app, r.config); str(app, r.initialState);
  for (const tag of r.tags) if (tag.length > longestAppended.chars) longestAppended.chars = tag.length;
  app.appendList(r.tags, varcharList);
  str(app, r.rngState); str(app, r.origin); dbl(app, r.spawnAt);
  app.endRow();
}

export function appendAction(app: DuckDBAppender, r: ActionRow): void {
  str(app, r.runId); big(app, r.seq); int(app, r.actorId); str(app, r.action); str(app, r.args); str(app, r.outcome);
  str(app, r.result); str(app, r.error); dbl(app, r.simTime); big(app, r.step); big(app, r.wallStartUs); big(app, r.wallEndUs);
  dbl(app, r.latencyMs);
  app.endRow();
}

export function appendComplaint(app: DuckDBAppender, r: ComplaintRow): void {
  str(app, r.runId); big(app, r.seq); big(app, r.actionSeq); int(app, r.actorId); str(app, r.severity); str(app, r.message);
  str(app, r.trigger); str(app, r.detail); dbl(app, r.simTime);
  app.endRow();
}

export function appendExchange(app: DuckDBAppender, r: ExchangeRow): void {
  str(app, r.runId); big(app, r.actionSeq); int(app, r.n); str(app, r.protocol); str(app, r.method); str(app, r.url);
  str(app, r.requestHeaders); str(app, r.requestBody); int(app, r.status); str(app, r.responseHeaders); str(app, r.responseBody);
  str(app, r.error); big(app, r.wallStartUs); dbl(app, r.durationMs);
  app.endRow();
}

export function appendEvent(app: DuckDBAppender, r: EventRow): void {
  str(app, r.runId); big(app, r.seq); dbl(app, r.simTime); int(app, r.actorId); str(app, r.kind); str(app, r.detail);
  app.endRow();
}

export function appendSnapshot(app: DuckDBAppender, r: SnapshotRow): void {
  str(app, r.runId); dbl(app, r.simTime); int(app, r.actorId); str(app, r.state); str(app, r.rngState); dbl(app, r.nextWake); str(app, r.detail);
  app.endRow();
}

/** How rows of one table are written: what the writer buffers and a journal line names by index. */
export interface RowTable<R = any> {
  readonly table: string;
  readonly append: (app: DuckDBAppender, row: R) => void;
  /** The encoded row's fields, in column order (a journal line is their values: row-journal.ts). */
  readonly columns: readonly string[];
  /** Indexes of its DOUBLE columns: the values JSON can not carry exactly (NaN, ±Infinity, -0) live there. */
  readonly doubles: readonly number[];
}

function rowTable<R>(table: string, append: (app: DuckDBAppender, row: R) => void, columns: readonly (keyof R & string)[], doubles: readonly (keyof R & string)[]): RowTable<R> {
  return { table, append, columns, doubles: doubles.map((d) => columns.indexOf(d)) };
}

/**
 * Every table a run writes, in commit order: actors first, so a reader never sees an action of
 * an actor it does not know. Each one's first column is runId.
 */
export const rowTables: readonly RowTable[] = [
  rowTable<ActorRow>('actors', appendActor, ['runId', 'actorId', 'behavior', 'name', 'config', 'initialState', 'tags', 'rngState', 'origin', 'spawnAt'], ['spawnAt']),
  rowTable<ActionRow>('actions', appendAction,
    ['runId', 'seq', 'actorId', 'action', 'args', 'outcome', 'result', 'error', 'simTime', 'step', 'wallStartUs', 'wallEndUs', 'latencyMs'], ['simTime', 'latencyMs']),
  rowTable<ExchangeRow>('exchanges', appendExchange,
    ['runId', 'actionSeq', 'n', 'protocol', 'method', 'url', 'requestHeaders', 'requestBody', 'status', 'responseHeaders', 'responseBody', 'error', 'wallStartUs', 'durationMs'],
    ['durationMs']),
  rowTable<ComplaintRow>('complaints', appendComplaint, ['runId', 'seq', 'actionSeq', 'actorId', 'severity', 'message', 'trigger', 'detail', 'simTime'], ['simTime']),
  rowTable<EventRow>('events', appendEvent, ['runId', 'seq', 'simTime', 'actorId', 'kind', 'detail'], ['simTime']),
  rowTable<SnapshotRow>('snapshots', appendSnapshot, ['runId', 'simTime', 'actorId', 'state', 'rngState', 'nextWake', 'detail'], ['simTime', 'nextWake']),
];
