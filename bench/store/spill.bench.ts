/**
 * Go/no-go micro-benchmark for a spill-file store (issue 13 §2): CPU per action (process-wide,
 * every thread, the store's close included) for the rows bench/http produces (one action + one
 * exchange per action, through the real encode functions and the default redactor), comparing in
 * ONE process, variants interleaved, ROUNDS rounds:
 *
 *   - writer:       the current RunWriter (typed appender calls, a transaction per 5000 rows);
 *   - writer-rg:    the same with batchSize 122,880 (a full row group per transaction);
 *   - csv-20k / csv-rg: rows written as CSV lines to a spill file (fs.writeSync in 256 kB
 *                   chunks), ingested with INSERT INTO t SELECT * FROM read_csv(...) every 20,000
 *                   rows / every 122,880 rows (a full row group);
 *   - json-20k / json-rg: the same with NDJSON (one JSON.stringify of an array per row) and read_json;
 *   - csv-spill / json-spill: the spill file alone, never ingested (what the JS side costs).
 *
 * Result (2026-12-01, bench/README.md "Spill file + bulk ingest"): no-go; DuckDB's ingest through
 * its readers costs about what the appender path costs per row, and the spill comes on top.
 *
 *   node --conditions=beamulator-source --import tsx bench/store/spill.bench.ts
 *   N=200000 ROUNDS=3 VARIANTS=writer,csv-rg node --conditions=beamulator-source --import tsx bench/store/spill.bench.ts
 *
 * Before timing, every spill variant's rows are checked against the writer's (same table
 * contents, NULL vs empty strings, quotes, newlines, unicode, JSON text) on tricky rows.
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRunStore, type DuckDBRunStore } from '../../src/store/duckdb-store.ts';
import type { ActionRecord, ExchangeRecord } from '../../src/store/records.ts';
import { Redactor } from '../../src/store/redact.ts';
import { encodeAction, encodeExchange, type ActionRow, type ExchangeRow } from '../../src/store/row-append.ts';

const N = Number(process.env.N ?? 200_000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const rowGroup = 122_880;
const chunkBytes = 256 * 1024;

const runId = '20261201-111559-8uuu';
const begin = {
  runId, kind: 'run' as const, parentRunId: null, simulation: 'bench', file: null, seed: '1', config: {}, codeHash: null,
  beamulatorVersion: 'bench', wallStartedAt: 1_790_000_000_000, simEpoch: 0,
};
const responseHeaders = { 'content-type': 'application/json', 'content-length': '20', date: 'Tue, 01 Dec 2026 11:15:59 GMT', connection: 'keep-alive', 'keep-alive': 'timeout=60' };

/** Action i and its exchange, as bench/http's crowd sim records them. */
function action(i: number): ActionRecord {
  return {
    runId, seq: i, actorId: i % 32, action: 'get', args: {}, outcome: 'ok', result: { ok: true, n: 1234 }, error: null,
    simTime: Math.floor(i / 32), step: 1 + Math.floor(i / 32), wallStartUs: 4276 + i * 40, wallEndUs: 4276 + i * 40 + 900, latencyMs: 0.9 + (i % 7) / 10,
  };
}
function exchange(i: number): ExchangeRecord {
  return {
    runId, actionSeq: i, n: 0, protocol: 'http', method: 'GET', url: '/x', requestHeaders: {}, requestBody: null, status: 200,
    responseHeaders, responseBody: '{"ok":true,"n":1234}', error: null, wallStartUs: 4645 + i * 40, durationMs: 0.8 + (i % 5) / 10,
  };
}

/** Rows that exercise the encodings: NULL vs '', quotes, commas, newlines, unicode, odd numbers. */
function trickyActions(): ActionRecord[] {
  const texts = ['', '"', 'a,b', 'line\nbreak\r\n', '√ünïcødé 🎉', '\\"\\', ' padded ', 'nul\u0001ctl', 'NULL', '\t'];
  return texts.map((t, i) => ({
    ...action(i), action: t, args: { t, n: [1, 2.5, -0] }, error: i % 2 === 0 ? t : null, result: i % 3 === 0 ? null : { t },
    simTime: i === 3 ? Number.NaN : i === 4 ? Number.POSITIVE_INFINITY : 1e-7 * i, latencyMs: i === 5 ? -1.5e300 : 0.1 * i,
    wallEndUs: i === 6 ? Number.NaN : 2 ** 60 + i,
  }));
}
function trickyExchanges(): ExchangeRecord[] {
  return trickyActions().map((a, i) => ({
    ...exchange(i), url: `/x?q=${a.action}`, requestBody: i % 2 === 0 ? a.action : null, responseBody: a.action, error: i === 7 ? '' : null,
    status: i === 8 ? null : 200, requestHeaders: { 'x-t': a.action },
  }));
}

// ---- spill encodings ----

function csvText(v: string | null): string {
  if (v === null || v === undefined) return '';
  if (v === '') return '""';
  // Quote only when needed: most of this bench's JSON text has quotes, so it is quoted.
  return /[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}
function csvNum(v: number | null): string {
  if (typeof v !== 'number' || Number.isNaN(v)) return v === null ? '' : Number.isNaN(v) ? 'nan' : '';
  return v === Infinity ? 'inf' : v === -Infinity ? '-inf' : String(v);
}
/** BIGINT as the appender path stores it: NULL unless a finite number within range, rounded. */
function csvBig(v: number | null): string {
  return typeof v === 'number' && Number.isFinite(v) && v < 2 ** 63 && v >= -(2 ** 63) ? BigInt(Math.round(v)).toString() : '';
}
function csvInt(v: number | null): string {
  return typeof v === 'number' && Number.isInteger(v) && v >= -2147483648 && v <= 2147483647 ? String(v) : '';
}
function csvDbl(v: number | null): string {
  return typeof v === 'number' ? csvNum(v) : '';
}

function actionCsv(r: ActionRow): string {
  return `${csvText(r.runId)},${csvBig(r.seq)},${csvInt(r.actorId)},${csvText(r.action)},${csvText(r.args)},${csvText(r.outcome)},${csvText(r.result)},${csvText(r.error)},${csvDbl(r.simTime)},${csvBig(r.step)},${csvBig(r.wallStartUs)},${csvBig(r.wallEndUs)},${csvDbl(r.latencyMs)}\n`;
}
function exchangeCsv(r: ExchangeRow): string {
  return `${csvText(r.runId)},${csvBig(r.actionSeq)},${csvInt(r.n)},${csvText(r.protocol)},${csvText(r.method)},${csvText(r.url)},${csvText(r.requestHeaders)},${csvText(r.requestBody)},${csvInt(r.status)},${csvText(r.responseHeaders)},${csvText(r.responseBody)},${csvText(r.error)},${csvBig(r.wallStartUs)},${csvDbl(r.durationMs)}\n`;
}

/** NDJSON: numbers DuckDB can not read from JSON (NaN, inf, out-of-range) as strings it casts, or null. */
function jNum(v: number | null): number | string | null {
  return typeof v !== 'number' ? null : Number.isFinite(v) ? v : Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
}
function jBig(v: number | null): number | string | null {
  return typeof v === 'number' && Number.isFinite(v) && v < 2 ** 63 && v >= -(2 ** 63) ? (Number.isSafeInteger(v) ? v : BigInt(Math.round(v)).toString()) : null;
}
function jInt(v: number | null): number | null {
  return typeof v === 'number' && Number.isInteger(v) && v >= -2147483648 && v <= 2147483647 ? v : null;
}
function actionJson(r: ActionRow): string {
  return `${JSON.stringify([r.runId, jBig(r.seq), jInt(r.actorId), r.action, r.args, r.outcome, r.result, r.error, jNum(r.simTime), jBig(r.step), jBig(r.wallStartUs), jBig(r.wallEndUs), jNum(r.latencyMs)])}\n`;
}
function exchangeJson(r: ExchangeRow): string {
  return `${JSON.stringify([r.runId, jBig(r.actionSeq), jInt(r.n), r.protocol, r.method, r.url, r.requestHeaders, r.requestBody, jInt(r.status), r.responseHeaders, r.responseBody, r.error, jBig(r.wallStartUs), jNum(r.durationMs)])}\n`;
}

const actionCols: Array<[string, string]> = [
  ['run_id', 'VARCHAR'], ['seq', 'BIGINT'], ['actor_id', 'INTEGER'], ['action', 'VARCHAR'], ['args', 'VARCHAR'], ['outcome', 'VARCHAR'],
  ['result', 'VARCHAR'], ['error', 'VARCHAR'], ['sim_time', 'DOUBLE'], ['step', 'BIGINT'], ['wall_start_us', 'BIGINT'], ['wall_end_us', 'BIGINT'], ['latency_ms', 'DOUBLE'],
];
const exchangeCols: Array<[string, string]> = [
  ['run_id', 'VARCHAR'], ['action_seq', 'BIGINT'], ['n', 'INTEGER'], ['protocol', 'VARCHAR'], ['method', 'VARCHAR'], ['url', 'VARCHAR'],
  ['request_headers', 'VARCHAR'], ['request_body', 'VARCHAR'], ['status', 'INTEGER'], ['response_headers', 'VARCHAR'], ['response_body', 'VARCHAR'],
  ['error', 'VARCHAR'], ['wall_start_us', 'BIGINT'], ['duration_ms', 'DOUBLE'],
];
const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;

function readCsv(file: string, cols: Array<[string, string]>): string {
  const columns = `{${cols.map(([n, t]) => `${sqlString(n)}: ${sqlString(t)}`).join(', ')}}`;
  return `read_csv(${sqlString(file)}, columns = ${columns}, header = false, delim = ',', quote = '"', escape = '"', new_line = '\\n', `
    + `auto_detect = false, allow_quoted_nulls = false, strict_mode = true, parallel = false)`;
}
/** NDJSON of arrays: each line one array, its elements picked by position. */
function readJson(file: string, cols: Array<[string, string]>): string {
  const picks = cols.map(([n, t], i) => (t === 'VARCHAR' ? `r[${i + 1}]->>'$' AS ${n}` : `TRY_CAST(r[${i + 1}]->>'$' AS ${t}) AS ${n}`)).join(', ');
  return `(SELECT ${picks} FROM read_json(${sqlString(file)}, format = 'newline_delimited', columns = {r: 'JSON[]'}, records = false, maximum_object_size = 1048576))`;
}

interface Spill { fd: number; path: string; text: string; rows: number }

class SpillWriter {
  readonly #redactor = new Redactor({});
  readonly #dir: string;
  #a: Spill;
  #x: Spill;
  #n = 0;
  constructor(readonly store: DuckDBRunStore, dir: string, readonly format: 'csv' | 'json', readonly batch: number) {
    this.#dir = dir;
    this.#a = this.#open('a');
    this.#x = this.#open('x');
  }
  #open(kind: string): Spill {
    const path = join(this.#dir, `spill-${kind}-${this.#n++}.${this.format}`);
    return { fd: openSync(path, 'w'), path, text: '', rows: 0 };
  }
  #put(s: Spill, line: string): void {
    s.text += line;
    s.rows++;
    if (s.text.length >= chunkBytes) this.#write(s);
  }
  #write(s: Spill): void {
    if (s.text.length === 0) return;
    writeSync(s.fd, s.text);
    s.text = '';
  }
  async add(a: ActionRecord, x: ExchangeRecord): Promise<void> {
    const ar = encodeAction(a, runId, this.#redactor);
    const xr = encodeExchange(x, runId, this.#redactor);
    this.#put(this.#a, this.format === 'csv' ? actionCsv(ar) : actionJson(ar));
    this.#put(this.#x, this.format === 'csv' ? exchangeCsv(xr) : exchangeJson(xr));
    if (this.#a.rows >= this.batch) await this.ingest();
  }
  async ingest(): Promise<void> {
    const a = this.#a;
    const x = this.#x;
    if (a.rows === 0 && x.rows === 0) return;
    this.#write(a);
    this.#write(x);
    closeSync(a.fd);
    closeSync(x.fd);
    this.#a = this.#open('a');
    this.#x = this.#open('x');
    const read = this.format === 'csv' ? readCsv : readJson;
    await this.store.sql('BEGIN TRANSACTION');
    await this.store.sql(`INSERT INTO actions SELECT * FROM ${read(a.path, actionCols)}`);
    await this.store.sql(`INSERT INTO exchanges SELECT * FROM ${read(x.path, exchangeCols)}`);
    await this.store.sql('COMMIT');
    rmSync(a.path);
    rmSync(x.path);
  }
  async close(ingest = true): Promise<void> {
    if (ingest) await this.ingest();
    else {
      this.#write(this.#a);
      this.#write(this.#x);
    }
    closeSync(this.#a.fd);
    closeSync(this.#x.fd);
    rmSync(this.#a.path);
    rmSync(this.#x.path);
  }
}

/** csv-spill, json-spill: the spill file alone (encode, serialize, write), never ingested: the JS side's share. */
type Variant = 'writer' | 'writer-rg' | 'csv-20k' | 'csv-rg' | 'json-20k' | 'json-rg' | 'csv-spill' | 'json-spill';
const allVariants: Variant[] = ['writer', 'writer-rg', 'csv-20k', 'csv-rg', 'json-20k', 'json-rg', 'csv-spill', 'json-spill'];
const variants = (process.env.VARIANTS?.split(',') as Variant[] | undefined) ?? allVariants;

/** Writes `n` actions (or the given rows) with one variant into a fresh store; returns the store's file. */
async function write(variant: Variant, dir: string, n: number, rows?: { a: ActionRecord[]; x: ExchangeRecord[] }, keepOpen = false): Promise<DuckDBRunStore | null> {
  const file = join(dir, `${variant}.duckdb`);
  // read_json wants 32 MB buffers, and a row group of read_csv rows (122,880 exchanges) more than
  // the run store's 64 MB: those variants get 256 MB (MEMORY_LIMIT overrides every variant's).
  const memoryLimit = process.env.MEMORY_LIMIT ?? (variant.startsWith('json') || variant === 'csv-rg' ? '256MB' : undefined);
  const store = await openRunStore(file, { ...(variant === 'writer-rg' ? { batchSize: rowGroup } : {}), ...(memoryLimit ? { memoryLimit } : {}) });
  const count = rows ? rows.a.length : n;
  if (variant === 'writer' || variant === 'writer-rg') {
    const writer = await store.beginRun(begin);
    for (let i = 0; i < count; i++) {
      writer.addAction(rows ? rows.a[i]! : action(i));
      writer.addExchange(rows ? rows.x[i]! : exchange(i));
      // The engine lets the event loop turn at its yield points: auto-flush and the timer run there.
      if ((i & 1023) === 1023) await new Promise(setImmediate);
    }
    await writer.finish({ status: 'completed', simDurationMs: 0, stopReason: null, error: null });
  } else {
    await store.sql(`INSERT INTO runs (run_id, kind, simulation, seed, status, beamulator_version, wall_started_at, sim_duration_ms, sim_epoch)
      VALUES ('${runId}', 'run', 'bench', '1', 'running', 'bench', 0, 0, 0)`);
    const [format, size] = variant.split('-') as ['csv' | 'json', string];
    const spill = new SpillWriter(store, dir, format, size === 'rg' ? rowGroup : size === 'spill' ? Infinity : 20_000);
    for (let i = 0; i < count; i++) {
      await spill.add(rows ? rows.a[i]! : action(i), rows ? rows.x[i]! : exchange(i));
      if ((i & 1023) === 1023) await new Promise(setImmediate);
    }
    await spill.close(size !== 'spill');
  }
  if (keepOpen) return store;
  await store.close();
  return null;
}

async function tableText(store: DuckDBRunStore, table: string, order: string): Promise<string> {
  const rows = await store.sql(`SELECT * FROM ${table} ORDER BY ${order}`);
  return JSON.stringify(rows, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
}

/** Every spill variant stores exactly what the writer stores, tricky rows and bench rows alike. */
async function check(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'beam-spill-check-'));
  try {
    const rows = { a: [...trickyActions(), ...Array.from({ length: 50 }, (_, i) => action(100 + i))], x: [...trickyExchanges(), ...Array.from({ length: 50 }, (_, i) => exchange(100 + i))] };
    let want: string | null = null;
    for (const v of ['writer', ...variants.filter((v) => !v.startsWith('writer') && !v.endsWith('-spill'))] as Variant[]) {
      const store = (await write(v, dir, 0, rows, true))!;
      const got = `${await tableText(store, 'actions', 'seq')}\n${await tableText(store, 'exchanges', 'action_seq, n')}`;
      await store.close();
      if (want === null) want = got;
      else if (got !== want) {
        const w = want.split('},{');
        const g = got.split('},{');
        const k = w.findIndex((s, i) => s !== g[i]);
        throw new Error(`${v} stores other rows than the writer: first difference\n  writer: ${w[k]}\n  ${v}: ${g[k]}`);
      }
    }
    console.log(`check: ${variants.filter((v) => !v.startsWith('writer') && !v.endsWith('-spill')).join(', ')} store the same rows as the writer (${rows.a.length} tricky + bench rows)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await check();
const cpu: Record<string, number[]> = {};
const wall: Record<string, number[]> = {};
// Warm-up (JIT, DuckDB's allocations).
{
  const dir = mkdtempSync(join(tmpdir(), 'beam-spill-'));
  for (const v of variants) await write(v, dir, 20_000);
  rmSync(dir, { recursive: true, force: true });
}
for (let round = 0; round < ROUNDS; round++) {
  // Rotate the order each round so no variant always follows the same one.
  const order = variants.map((_, i) => variants[(i + round) % variants.length]!);
  for (const v of order) {
    const dir = mkdtempSync(join(tmpdir(), 'beam-spill-'));
    try {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      await write(v, dir, N);
      const c = process.cpuUsage(c0);
      (cpu[v] ??= []).push((c.user + c.system) / N);
      (wall[v] ??= []).push(((performance.now() - t0) * 1000) / N);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log(`round ${round + 1}: ${variants.map((v) => `${v} ${cpu[v]!.at(-1)!.toFixed(1)}`).join(', ')} µs CPU/action`);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`\n${N} actions (+ ${N} exchanges) per variant, ${ROUNDS} rounds; CPU µs per action (all threads, close included), median [range]; wall µs per action`);
const base = median(cpu.writer ?? [NaN]);
for (const v of variants) {
  const xs = cpu[v]!;
  console.log(`  ${v.padEnd(10)} ${median(xs).toFixed(1).padStart(6)} [${Math.min(...xs).toFixed(1)}-${Math.max(...xs).toFixed(1)}]  ${(median(xs) / base).toFixed(2)}x writer   wall ${median(wall[v]!).toFixed(1)}`);
}
