/**
 * Replay files: one recorded run in a self-contained, versioned JSON file, so CI can replay
 * it with no DuckDB file around (`beamulator export` writes them, `beamulator import` and
 * `beamulator replay` read them). The format is documented in replays/README.md.
 *
 * @example
 * const bundle = await readRunBundle(store, runId);
 * await writeReplayFile(bundle, 'replays/todo-regression.json');
 * const again = await readReplayFile('replays/todo-regression.json'); // deep-equals bundle
 * await importBundle(otherStore, again);                              // same run id, same rows
 */
import { createHash, randomBytes } from 'node:crypto';
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import { makeDirs } from '../util/make-dirs.ts';
import { dirname, join, resolve } from 'node:path';
import { wallNow } from '../clock/wall-clock.ts';
import type { RunRecord } from '../store/records.ts';
import { runNotFound } from '../store/run-id.ts';
import type { RunRows, RunStore } from '../store/run-store.ts';
import { BeamulatorError, errorMessage } from '../util/errors.ts';
import { version as beamulatorVersion } from '../util/version.ts';
import { canonicalJson, locateJsonError, sha256Of } from './canonical-json.ts';
import {
  actionFields, actorFields, complaintFields, eventFields, exchangeFields, isPlainObject, preview, readRecord, readRecords, runFields, ShapeError,
} from './replay-schema.ts';

export { exportParquet, parquetTables, type ParquetFile, type SqlRunStore } from './replay-parquet.ts';

/** The `format` field of every replay file. */
export const replayFormat = 'beamulator.replay';
/** The replay file version this beamulator writes and reads. */
export const replayFileVersion = 1;

/** One recorded run, everything a replay needs: what a replay file holds (minus its checksum). */
export interface ReplayBundle extends RunRows {
  format: typeof replayFormat;
  version: typeof replayFileVersion;
  /** When the file was exported, epoch ms. */
  exportedAt: number;
  /** The beamulator that exported it (the one that recorded it is `run.beamulatorVersion`). */
  beamulatorVersion: string;
  run: RunRecord;
}

export interface ReadReplayOptions {
  /** Accept a file whose checksum does not match (edited on purpose) or that has none. */
  allowEdited?: boolean;
}

/** A replay file as read: the bundle, and whether it was changed since export. */
export interface LoadedReplayFile {
  bundle: ReplayBundle;
  /** True when the checksum is missing or does not match (only with `allowEdited`). */
  edited: boolean;
}

const about = 'One run recorded by beamulator. Replay it with `beamulator replay <this file>`; '
  + 'import it with `beamulator import <this file>`. Format: replays/README.md in beamulator. Edits are detected by the checksum.';

/**
 * Every row of one run, read from the store (all actions, no limit), as a bundle to write.
 * Throws BEAM_RUN_NOT_FOUND for an unknown id (resolve prefixes first with `store.resolveRunId`).
 */
export async function readRunBundle(store: RunStore, runId: string, options: { exportedAt?: number } = {}): Promise<ReplayBundle> {
  const found = await store.getRun(runId);
  if (found === null) throw runNotFound(runId, store.path);
  const { summary: _summary, ...run } = found;
  const [actors, actions, complaints, exchanges, events] = await Promise.all([
    store.actors(runId), store.actions(runId), store.complaints(runId), store.exchanges(runId), store.events(runId),
  ]);
  return {
    format: replayFormat, version: replayFileVersion, exportedAt: options.exportedAt ?? wallNow(), beamulatorVersion,
    run, actors, actions, complaints, exchanges, events,
  };
}

/**
 * Checks a bundle's shape (as `readReplayFile` checks a file) and returns it with exactly the
 * fields of the format. Throws a ShapeError naming the first bad field.
 */
function checkBundle(doc: Record<string, unknown>): ReplayBundle {
  const exportedAt = doc.exportedAt;
  if (typeof exportedAt !== 'number' || !Number.isFinite(exportedAt)) {
    throw new ShapeError('exportedAt', exportedAt === undefined ? 'is missing' : `must be a number (got ${preview(exportedAt)})`);
  }
  if (typeof doc.beamulatorVersion !== 'string') {
    throw new ShapeError('beamulatorVersion', doc.beamulatorVersion === undefined ? 'is missing' : `must be a string (got ${preview(doc.beamulatorVersion)})`);
  }
  if (doc.run === undefined) throw new ShapeError('run', 'is missing');
  const run = readRecord(doc.run, 'run', runFields);
  const id = run.runId;
  return {
    format: replayFormat, version: replayFileVersion, exportedAt, beamulatorVersion: doc.beamulatorVersion, run,
    actors: readRecords(doc.actors, 'actors', actorFields, id),
    actions: readRecords(doc.actions, 'actions', actionFields, id),
    complaints: readRecords(doc.complaints, 'complaints', complaintFields, id),
    exchanges: readRecords(doc.exchanges, 'exchanges', exchangeFields, id),
    events: readRecords(doc.events, 'events', eventFields, id),
  };
}

/** A bundle built in code, checked like a file (for write and import). */
function checkGivenBundle(bundle: ReplayBundle, doing: string): ReplayBundle {
  const value = bundle as unknown;
  if (!isPlainObject(value)) throw new BeamulatorError('BEAM_REPLAY_FILE', `cannot ${doing}: the bundle is not an object`, 'Pass what readRunBundle or readReplayFile returns');
  if (value.format !== replayFormat || value.version !== replayFileVersion) {
    throw new BeamulatorError('BEAM_REPLAY_FILE', `cannot ${doing}: the bundle is not a ${replayFormat} version ${replayFileVersion} bundle`,
      'Pass what readRunBundle or readReplayFile returns');
  }
  try {
    return checkBundle(value);
  } catch (error) {
    if (!(error instanceof ShapeError)) throw error;
    throw new BeamulatorError('BEAM_REPLAY_FILE', `cannot ${doing}: ${error.message}`, 'Pass what readRunBundle or readReplayFile returns, or fix that field');
  }
}

/** The checksum of a document: sha256 of its canonical JSON without the `checksum` field. */
export function replayChecksum(doc: Record<string, unknown>): string {
  const { checksum: _checksum, ...rest } = doc;
  return sha256Of(rest);
}

/**
 * The text of a replay file: pretty but compact, one record per line (diffs stay readable),
 * with its checksum. Throws BEAM_REPLAY_FILE for a bundle that does not have the format's shape.
 */
export function formatReplayFile(bundle: ReplayBundle): string {
  const b = checkGivenBundle(bundle, 'write a replay file');
  const text = new ReplayFileText(b);
  const parts = [text.start()];
  for (const key of fileLists) parts.push(text.open(key), text.rows(key, b[key]), text.close(key));
  parts.push(text.end());
  return parts.join('').replace(checksumPlaceholder, text.checksum());
}

/**
 * Writes a bundle as a replay file at `path`, creating its folders. Atomic: written to a
 * temporary file next to it, then renamed, so a reader never sees half a file.
 */
export async function writeReplayFile(bundle: ReplayBundle, path: string): Promise<void> {
  const b = checkGivenBundle(bundle, 'write a replay file');
  await writeReplayText(path, b, async (table, visit) => visit(b[table]));
}

/** What `exportReplayFile` wrote. */
export interface ExportedReplayFile {
  run: RunRecord;
  /** Rows per list. */
  counts: { [K in keyof RunRows]: number };
  bytes: number;
}

/**
 * Writes one run of a store as a replay file at `path` (what `readRunBundle` then
 * `writeReplayFile` would write, byte for byte), reading and writing its rows a chunk at a
 * time: memory stays bounded whatever the size of the run. Atomic like `writeReplayFile`.
 * Throws BEAM_RUN_NOT_FOUND for an unknown id.
 */
export async function exportReplayFile(store: RunStore, runId: string, path: string, options: { exportedAt?: number } = {}): Promise<ExportedReplayFile> {
  const found = await store.getRun(runId);
  if (found === null) throw runNotFound(runId, store.path);
  const { summary: _summary, ...run } = found;
  const counts = { actors: 0, actions: 0, complaints: 0, exchanges: 0, events: 0 };
  const header = { exportedAt: options.exportedAt ?? wallNow(), beamulatorVersion, run };
  const bytes = await writeReplayText(path, header, (table, visit) => store.scan(table, runId, (chunk) => {
    counts[table] += chunk.length;
    return visit(chunk);
  }));
  return { run, counts, bytes };
}

/** A replay file's fields other than its rows. */
type ReplayHeader = Pick<ReplayBundle, 'exportedAt' | 'beamulatorVersion' | 'run'>;

/** The rows of one list, a chunk at a time, in the list's order. */
type RowScan = (table: keyof RunRows, visit: (rows: readonly object[]) => Promise<void>) => Promise<void>;

/** The lists in file order (see ReplayFileText). */
const fileLists = ['actors', 'actions', 'complaints', 'events', 'exchanges'] as const satisfies ReadonlyArray<keyof RunRows>;

/** Stands for the checksum until the whole file has been hashed: the length of a real one. */
const checksumPlaceholder = `sha256:${'0'.repeat(64)}`;

/**
 * A replay file's text, made a piece at a time while its checksum (see replayChecksum) is
 * hashed along, so rows can be written as they are read. Call start, then open, rows (any
 * number of chunks) and close for each list of `fileLists` in order, then end; the text holds
 * `checksumPlaceholder` where `checksum()` goes. Canonical JSON orders the lists by key (actions,
 * actors, complaints, events, exchanges) while the file shows the actors first: their canonical
 * text is kept (they are few) and hashed after the actions.
 */
class ReplayFileText {
  readonly #header: ReplayHeader;
  readonly #hash = createHash('sha256');
  readonly #actors: string[] = [];
  #count = 0;

  constructor(header: ReplayHeader) {
    this.#header = header;
  }

  start(): string {
    const h = this.#header;
    this.#hash.update(`{"about":${canonicalJson(about)},"actions":[`, 'utf8');
    const field = (key: string, value: unknown) => `  ${JSON.stringify(key)}: ${JSON.stringify(value)}`;
    return `{\n${[
      field('format', replayFormat), field('version', replayFileVersion), field('about', about), field('checksum', checksumPlaceholder),
      field('exportedAt', h.exportedAt), field('beamulatorVersion', h.beamulatorVersion), field('run', h.run),
    ].join(',\n')}`;
  }

  open(key: keyof RunRows): string {
    this.#count = 0;
    return `,\n  ${JSON.stringify(key)}: [`;
  }

  rows(key: keyof RunRows, rows: readonly object[]): string {
    let text = '';
    for (const row of rows) {
      const canonical = canonicalJson(row);
      if (key === 'actors') this.#actors.push(canonical);
      else this.#hash.update(this.#count === 0 ? canonical : `,${canonical}`, 'utf8');
      text += `${this.#count++ === 0 ? '\n' : ',\n'}    ${JSON.stringify(row)}`;
    }
    return text;
  }

  close(key: keyof RunRows): string {
    const h = this.#header;
    const next: Record<keyof RunRows, string> = {
      actors: '',
      actions: `],"actors":[${this.#actors.join(',')}],"beamulatorVersion":${canonicalJson(h.beamulatorVersion)},"complaints":[`,
      complaints: '],"events":[',
      events: '],"exchanges":[',
      exchanges: `],"exportedAt":${canonicalJson(h.exportedAt)},"format":${canonicalJson(replayFormat)},"run":${canonicalJson(h.run)},"version":${replayFileVersion}}`,
    };
    this.#hash.update(next[key], 'utf8');
    return this.#count === 0 ? ']' : '\n  ]';
  }

  end(): string {
    return '\n}\n';
  }

  checksum(): string {
    return `sha256:${this.#hash.digest('hex')}`;
  }
}

/** Pieces of text are gathered up to this many characters before a write. */
const writeChunk = 1 << 20;

/**
 * Writes a replay file's text to a temporary file next to `path`, the rows as `scan` hands them
 * over, then puts the checksum in and renames it: a reader never sees half a file. Returns its size.
 */
async function writeReplayText(path: string, header: ReplayHeader, scan: RowScan): Promise<number> {
  const target = resolve(path);
  const temp = `${target}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  if (await stat(target).then((s) => s.isDirectory(), () => false)) {
    throw new BeamulatorError('BEAM_USAGE', `cannot write replay file ${path}: it is a folder`, `Name a file, e.g. -o ${join(path, 'run.json')}`);
  }
  try {
    await makeDirs(dirname(target));
    const handle = await open(temp, 'wx');
    let bytes = 0;
    try {
      const text = new ReplayFileText(header);
      const start = text.start();
      const checksumAt = Buffer.byteLength(start.slice(0, start.indexOf(checksumPlaceholder)), 'utf8');
      let pending = start;
      const write = async (piece: string, force = false) => {
        pending += piece;
        if (pending.length < writeChunk && !force) return;
        await handle.writeFile(pending, 'utf8');
        bytes += Buffer.byteLength(pending, 'utf8');
        pending = '';
      };
      for (const key of fileLists) {
        await write(text.open(key));
        await scan(key, (rows) => write(text.rows(key, rows)));
        await write(text.close(key));
      }
      await write(text.end(), true);
      await handle.write(text.checksum(), checksumAt, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
    return bytes;
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    // A store that failed while its rows were read says so itself.
    if (error instanceof BeamulatorError) throw error;
    throw new BeamulatorError('BEAM_REPLAY_FILE', `cannot write replay file ${path}: ${errorMessage(error)}`,
      'Check the path and its permissions, or write elsewhere with -o <file>', { cause: error });
  }
}

/**
 * Checks the text of a replay file (`path` only names it in messages). Throws one
 * BeamulatorError per problem: BEAM_REPLAY_FILE (truncated or not JSON, not a replay file,
 * a missing or invalid field), BEAM_REPLAY_VERSION, BEAM_REPLAY_EDITED (unless `allowEdited`).
 */
export function parseReplayFile(text: string, path: string, options: ReadReplayOptions = {}): LoadedReplayFile {
  const cannot = (code: 'BEAM_REPLAY_FILE' | 'BEAM_REPLAY_VERSION' | 'BEAM_REPLAY_EDITED', why: string, hint: string) =>
    new BeamulatorError(code, `cannot read replay file ${path}: ${why}`, hint);
  const reexport = 'Export the run again with `beamulator export <run-id>`';
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') throw cannot('BEAM_REPLAY_FILE', 'it is empty (truncated or not JSON)', `${reexport}, or restore the file`);
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch (error) {
    const at = locateJsonError(body);
    const where = at ? `${at.problem} at line ${at.line}, column ${at.column} (byte ${Buffer.byteLength(body.slice(0, at.offset), 'utf8')} of ${Buffer.byteLength(body, 'utf8')})` : errorMessage(error);
    throw cannot('BEAM_REPLAY_FILE', `it is truncated or not JSON: ${where}`, `${reexport}, or restore the file`);
  }
  if (!isPlainObject(doc)) {
    throw cannot('BEAM_REPLAY_FILE', `it is not a beamulator replay file (it holds a JSON ${Array.isArray(doc) ? 'array' : typeof doc === 'object' ? 'null' : typeof doc}, not an object with format '${replayFormat}')`,
      'Give a file written by `beamulator export`');
  }
  if (doc.format !== replayFormat) {
    throw cannot('BEAM_REPLAY_FILE', `it is not a beamulator replay file (${doc.format === undefined ? 'it has no format field' : `format is ${preview(doc.format)}`}, expected '${replayFormat}')`,
      'Give a file written by `beamulator export`');
  }
  const version = doc.version;
  if (typeof version !== 'number' || !Number.isInteger(version)) {
    throw cannot('BEAM_REPLAY_FILE', version === undefined ? 'version is missing' : `version must be a whole number (got ${preview(version)})`,
      `${reexport}, or restore the file`);
  }
  if (version !== replayFileVersion) {
    const newer = version > replayFileVersion;
    const by = typeof doc.beamulatorVersion === 'string' ? ` ${doc.beamulatorVersion}` : '';
    throw cannot('BEAM_REPLAY_VERSION',
      `it was written by a${newer ? ' newer' : 'n older'} beamulator${by} (replay file version ${version}, this one reads ${replayFileVersion})`,
      newer ? 'Upgrade beamulator to read it' : `${reexport} with this beamulator, or read it with the beamulator that wrote it`);
  }
  let bundle: ReplayBundle;
  try {
    bundle = checkBundle(doc);
  } catch (error) {
    if (!(error instanceof ShapeError)) throw error;
    throw cannot('BEAM_REPLAY_FILE', error.message, `${reexport}, or fix that field`);
  }
  const stored = doc.checksum;
  const edited = typeof stored !== 'string' || stored !== replayChecksum(doc);
  if (edited && !options.allowEdited) {
    const id = bundle.run.runId;
    throw cannot('BEAM_REPLAY_EDITED',
      typeof stored === 'string' ? 'it was edited after export (checksum mismatch)' : 'it has no checksum, so it may have been edited after export',
      `Export it again with \`beamulator export ${id}\` from a store that holds run ${id}, or, if you edited it on purpose, pass --allow-edited`);
  }
  return { bundle, edited };
}

/** Reads and checks a replay file, telling whether it was edited (see parseReplayFile). */
export async function loadReplayFile(path: string, options: ReadReplayOptions = {}): Promise<LoadedReplayFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new BeamulatorError('BEAM_REPLAY_NOT_FOUND', `cannot read replay file ${path}: no such file`,
        'Check the path; write one with `beamulator export <run-id>`', { cause: error });
    }
    const why = code === 'EISDIR' ? 'it is a folder' : errorMessage(error);
    throw new BeamulatorError('BEAM_REPLAY_FILE', `cannot read replay file ${path}: ${why}`, 'Give the path of a .json file written by `beamulator export`', { cause: error });
  }
  return parseReplayFile(text, path, options);
}

/**
 * Reads a replay file and checks it: format, version, every record's shape, and the checksum
 * (a file edited after export is refused unless `allowEdited`). Errors are BeamulatorErrors:
 * BEAM_REPLAY_NOT_FOUND, BEAM_REPLAY_FILE, BEAM_REPLAY_VERSION, BEAM_REPLAY_EDITED.
 */
export async function readReplayFile(path: string, options: ReadReplayOptions = {}): Promise<ReplayBundle> {
  return (await loadReplayFile(path, options)).bundle;
}

/** Ids that `--as` accepts: what fits in a file name and a command line. */
export const importRunIdPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/**
 * Writes a bundle's run and all its rows into a store, atomically, and returns the run id.
 * The run keeps its id (and everything else: kind, status, stop reason, wall times, seed,
 * parent) unless `runId` is given. A store that already holds that id is left untouched and
 * BEAM_RUN_EXISTS is thrown: import under another id with `runId`. Rows pass through the
 * store's redaction, which leaves already redacted values as they are.
 */
export async function importBundle(store: RunStore, bundle: ReplayBundle, options: { runId?: string } = {}): Promise<string> {
  const checked = checkGivenBundle(bundle, 'import the replay bundle');
  const runId = options.runId ?? checked.run.runId;
  if (options.runId !== undefined && (!importRunIdPattern.test(runId) || /^(latest|last)$/i.test(runId))) {
    throw new BeamulatorError('BEAM_USAGE', `cannot import run ${checked.run.runId} as '${runId}': not a usable run id`,
      "Use up to 100 letters, digits, '.', '_' and '-' (not 'latest'), e.g. ci-regression-1");
  }
  const { actors, actions, complaints, exchanges, events } = checked;
  await store.importRun({ ...checked.run, runId }, { actors, actions, complaints, exchanges, events });
  return runId;
}

/** Where `beamulator export` writes by default: `<dir>/<simulation>-<run-id>.json` (dir: `replays`). */
export function defaultReplayPath(run: Pick<RunRecord, 'simulation' | 'runId'>, dir = 'replays'): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '') || 'run';
  return join(dir, `${safe(run.simulation)}-${safe(run.runId)}.json`);
}
