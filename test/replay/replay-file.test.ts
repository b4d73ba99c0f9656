import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import todo from '../../examples/todo/todo.sim.ts';
import { registerExportCommands } from '../../src/cli/export-commands.ts';
import type { Output } from '../../src/cli/output.ts';
import { openStore, runSimulation } from 'beamulator';
import {
  defaultReplayPath, exportParquet, exportReplayFile, formatReplayFile, importBundle, loadReplayFile, parquetTables, readReplayFile, readRunBundle,
  replayChecksum, writeReplayFile, type ReplayBundle,
} from '../../src/replay/replay-file.ts';
import type { DuckDBRunStore } from '../../src/store/duckdb-store.ts';
import { BeamulatorError, ExitCode, type ErrorCode } from '../../src/util/errors.ts';

let dir: string;
let dbPath: string;
let store: DuckDBRunStore;
let runId: string;
let bundle: ReplayBundle;
let fresh = 0;

/** A new, empty store file in the temp folder (closed by the test). */
function freshPath(): string {
  return join(dir, `fresh-${++fresh}.duckdb`);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'beam-replay-'));
  dbPath = join(dir, 'runs.duckdb');
  store = await openStore(dbPath);
  // A planted bug, so the run has complaints too (the example starts the app with its `bugs` parameter).
  runId = (await runSimulation(todo, { seed: 1, duration: '2h', db: store, params: { bugs: ['stale-read'] } })).runId;
  bundle = await readRunBundle(store, runId);
});

afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The BeamulatorError `fn` rejects with (fails the test when it resolves or throws something else). */
async function failure(fn: () => Promise<unknown>): Promise<BeamulatorError> {
  try {
    await fn();
  } catch (error) {
    expect(error).toBeInstanceOf(BeamulatorError);
    const e = error as BeamulatorError;
    expect(e.message).not.toContain('\n'); // one line
    return e;
  }
  throw new Error('expected a BeamulatorError, got success');
}

async function expectError(fn: () => Promise<unknown>, code: ErrorCode, message: RegExp): Promise<BeamulatorError> {
  const e = await failure(fn);
  expect(e.code).toBe(code);
  expect(e.message).toMatch(message);
  return e;
}

/** Writes the bundle's file, applies `edit` to the parsed document, writes it back; returns the path. */
async function editedFile(name: string, edit: (doc: any) => void): Promise<string> {
  const path = join(dir, 'bad', `${name}.json`);
  await writeReplayFile(bundle, path);
  const doc = JSON.parse(readFileSync(path, 'utf8'));
  edit(doc);
  writeFileSync(path, JSON.stringify(doc, null, 2));
  return path;
}

describe('readRunBundle', () => {
  it('reads every row of the run, records exactly as the store gives them', async () => {
    const run = (await store.getRun(runId))!;
    expect(bundle.format).toBe('beamulator.replay');
    expect(bundle.version).toBe(1);
    expect(typeof bundle.exportedAt).toBe('number');
    expect(bundle.run).not.toHaveProperty('summary');
    const { summary, ...record } = run;
    expect(bundle.run).toEqual(record);
    expect(bundle.run.status).toBe('completed');
    expect(bundle.run.params).toEqual({ bugs: ['stale-read'], teams: 3 });
    expect(bundle.actions).toHaveLength(summary.actions);
    expect(bundle.actions.length).toBeGreaterThan(50);
    expect(bundle.complaints).toHaveLength(summary.complaints);
    expect(bundle.complaints.length).toBeGreaterThan(0);
    expect(bundle.actors).toHaveLength(summary.actors);
    expect(bundle.exchanges.length).toBeGreaterThanOrEqual(bundle.actions.length);
    expect(bundle.events.length).toBeGreaterThan(0);
    expect(bundle.actions).toEqual(await store.actions(runId));
    expect(bundle.exchanges).toEqual(await store.exchanges(runId));
    // Secrets were redacted when recorded: the bundle has them redacted too.
    expect(JSON.stringify(bundle)).toContain('[redacted]');
  });

  it('throws BEAM_RUN_NOT_FOUND for an unknown run', async () => {
    await expectError(() => readRunBundle(store, 'nope'), 'BEAM_RUN_NOT_FOUND', /cannot find run 'nope'/);
  });
});

describe('replay files', () => {
  it('writes a file that reads back as the same bundle', async () => {
    const path = join(dir, 'nested', 'folder', 'run.json');
    await writeReplayFile(bundle, path);
    expect(await readReplayFile(path)).toEqual(bundle);
    expect(await loadReplayFile(path)).toEqual({ bundle, edited: false });
    // Atomic write: no temporary file left behind.
    expect(readdirSync(join(dir, 'nested', 'folder'))).toEqual(['run.json']);
  });

  it('exportReplayFile streams a run from the store into the very file writeReplayFile writes', async () => {
    // Longer than one scan window (512 keys), so rows come in several chunks of several queries.
    const own = await openStore(freshPath());
    try {
      await streamsLikeWrite(own);
    } finally {
      await own.close();
    }
  });

  async function streamsLikeWrite(store: DuckDBRunStore): Promise<void> {
    const long = (await runSimulation(todo, { seed: 2, duration: '16h', db: store })).runId;
    const whole = await readRunBundle(store, long, { exportedAt: 1 });
    expect(whole.actions.length).toBeGreaterThan(600);
    const [written, streamed] = [join(dir, 'whole.json'), join(dir, 'streamed.json')];
    await writeReplayFile(whole, written);
    const exported = await exportReplayFile(store, long, streamed, { exportedAt: 1 });
    expect(readFileSync(streamed, 'utf8')).toBe(readFileSync(written, 'utf8'));
    expect(exported.bytes).toBe(readFileSync(streamed).length);
    expect(exported.counts).toEqual({ actors: whole.actors.length, actions: whole.actions.length, complaints: whole.complaints.length,
      exchanges: whole.exchanges.length, events: whole.events.length });
    expect(await readReplayFile(streamed)).toEqual(whole);
    await expectError(() => exportReplayFile(store, 'nope', join(dir, 'never.json')), 'BEAM_RUN_NOT_FOUND', /cannot find run 'nope'/);
    expect(existsSync(join(dir, 'never.json'))).toBe(false);
  }

  it('is pretty but compact: one record per line, checksum near the top, deterministic', async () => {
    const text = formatReplayFile(bundle);
    const lines = text.split('\n');
    expect(lines[0]).toBe('{');
    expect(lines[1]).toBe('  "format": "beamulator.replay",');
    expect(lines[2]).toBe('  "version": 1,');
    expect(lines.find((l) => l.startsWith('  "checksum"'))).toMatch(/^ {2}"checksum": "sha256:[0-9a-f]{64}",$/);
    const rows = bundle.actors.length + bundle.actions.length + bundle.complaints.length + bundle.exchanges.length + bundle.events.length;
    expect(lines.filter((l) => l.startsWith('    {"runId":')).length).toBe(rows);
    expect(text.endsWith('}\n')).toBe(true);
    expect(formatReplayFile(bundle)).toBe(text);
    expect(formatReplayFile({ ...bundle, exportedAt: bundle.exportedAt + 1 })).not.toBe(text);
  });

  it('keeps its checksum valid when only reformatted (canonical JSON)', async () => {
    const path = join(dir, 'reformatted.json');
    await writeReplayFile(bundle, path);
    const doc = JSON.parse(readFileSync(path, 'utf8'));
    const reordered = { events: doc.events, ...doc };
    writeFileSync(path, JSON.stringify(reordered, null, '\t'));
    expect(await readReplayFile(path)).toEqual(bundle);
  });

  it('round-trips odd values: unicode, nulls for measured numbers (NaN), an empty run', async () => {
    const odd: ReplayBundle = {
      ...bundle,
      run: { ...bundle.run, error: 'Zoë 🚀 "quoted" \\ back\nslash \u0000', config: { deep: [1, null, { a: 1.5e300 }] } },
      actions: bundle.actions.slice(0, 2).map((a, i) => (i === 0 ? { ...a, latencyMs: Number.NaN, wallEndUs: Number.NaN } : a)),
      complaints: [], exchanges: [], events: [], actors: [],
    };
    const path = join(dir, 'odd.json');
    await writeReplayFile(odd, path);
    expect(readFileSync(path, 'utf8')).toContain('"complaints": []');
    expect(await readReplayFile(path)).toEqual(odd);
  });

  it('refuses to write a bundle that does not have the format', async () => {
    const broken = { ...bundle, actions: [{ ...bundle.actions[0]!, seq: 'one' as unknown as number }] };
    await expectError(() => writeReplayFile(broken, join(dir, 'never.json')), 'BEAM_REPLAY_FILE',
      /^cannot write a replay file: actions\[0\]\.seq must be a whole number \(got "one"\)/);
    expect(existsSync(join(dir, 'never.json'))).toBe(false);
  });

  it('reports a file that cannot be written', async () => {
    const blocker = join(dir, 'blocker');
    writeFileSync(blocker, 'a file, not a folder');
    await expectError(() => writeReplayFile(bundle, join(blocker, 'x.json')), 'BEAM_REPLAY_FILE', /^cannot write replay file .*blocker\/x\.json: /);
  });
});

describe('bad replay files: one clear error each', () => {
  it('missing', async () => {
    const e = await expectError(() => readReplayFile(join(dir, 'no-such.json')), 'BEAM_REPLAY_NOT_FOUND',
      /^cannot read replay file .*no-such\.json: no such file\. /);
    expect(e.exitCode).toBe(ExitCode.notFound);
  });

  it('a folder', async () => {
    await expectError(() => readReplayFile(dir), 'BEAM_REPLAY_FILE', /: it is a folder\. /);
  });

  it('truncated (cut in half)', async () => {
    const path = join(dir, 'bad', 'truncated.json');
    await writeReplayFile(bundle, path);
    const text = readFileSync(path, 'utf8');
    writeFileSync(path, text.slice(0, Math.floor(text.length / 2)));
    await expectError(() => readReplayFile(path), 'BEAM_REPLAY_FILE',
      /: it is truncated or not JSON: .*unexpected end of input at line \d+, column \d+ \(byte \d+ of \d+\)\. Export the run again/);
  });

  it('empty, and not JSON at all', async () => {
    const empty = join(dir, 'bad', 'empty.json');
    writeFileSync(empty, '  \n');
    await expectError(() => readReplayFile(empty), 'BEAM_REPLAY_FILE', /: it is empty \(truncated or not JSON\)/);
    const text = join(dir, 'bad', 'text.json');
    writeFileSync(text, '{\n  "format": "beamulator.replay",\n  oops\n}');
    await expectError(() => readReplayFile(text), 'BEAM_REPLAY_FILE',
      /: it is truncated or not JSON: expected a property name in double quotes, found 'o' at line 3, column 3 \(byte 37 of 43\)/);
  });

  it('not ours', async () => {
    const other = join(dir, 'bad', 'package.json');
    writeFileSync(other, JSON.stringify({ name: 'x', version: '1.0.0' }));
    await expectError(() => readReplayFile(other), 'BEAM_REPLAY_FILE', /: it is not a beamulator replay file \(it has no format field, expected 'beamulator\.replay'\)/);
    const wrong = await editedFile('format', (doc) => { doc.format = 'har'; });
    await expectError(() => readReplayFile(wrong), 'BEAM_REPLAY_FILE', /: it is not a beamulator replay file \(format is "har", expected 'beamulator\.replay'\)/);
    const list = join(dir, 'bad', 'list.json');
    writeFileSync(list, '[1, 2]');
    await expectError(() => readReplayFile(list), 'BEAM_REPLAY_FILE', /it holds a JSON array/);
  });

  it('another version', async () => {
    const newer = await editedFile('v2', (doc) => { doc.version = 2; });
    await expectError(() => readReplayFile(newer), 'BEAM_REPLAY_VERSION',
      /: it was written by a newer beamulator 0\.\d+\.\d+\S* \(replay file version 2, this one reads 1\)\. Upgrade beamulator/);
    const older = await editedFile('v0', (doc) => { doc.version = 0; });
    await expectError(() => readReplayFile(older), 'BEAM_REPLAY_VERSION', /an older beamulator .*\(replay file version 0, this one reads 1\)/);
    // allowEdited does not make another version readable.
    await expectError(() => readReplayFile(newer, { allowEdited: true }), 'BEAM_REPLAY_VERSION', /version 2/);
    const text = await editedFile('vtext', (doc) => { doc.version = '1'; });
    await expectError(() => readReplayFile(text), 'BEAM_REPLAY_FILE', /: version must be a whole number \(got "1"\)/);
  });

  it('hand-edited (one action result changed), and the opt-out', async () => {
    const path = await editedFile('edited', (doc) => { doc.actions[3].result = { hacked: true }; });
    await expectError(() => readReplayFile(path), 'BEAM_REPLAY_EDITED',
      new RegExp(`: it was edited after export \\(checksum mismatch\\)\\. Export it again with \`beamulator export ${runId}\`.*--allow-edited`));
    const read = await loadReplayFile(path, { allowEdited: true });
    expect(read.edited).toBe(true);
    expect(read.bundle.actions[3]!.result).toEqual({ hacked: true });
    expect({ ...read.bundle, actions: bundle.actions }).toEqual(bundle);
    const noChecksum = await editedFile('no-checksum', (doc) => { delete doc.checksum; });
    await expectError(() => readReplayFile(noChecksum), 'BEAM_REPLAY_EDITED', /it has no checksum/);
    expect((await loadReplayFile(noChecksum, { allowEdited: true })).edited).toBe(true);
  });

  it('a missing or invalid field names its path', async () => {
    const cases: Array<[string, (doc: any) => void, RegExp]> = [
      ['missing-seq', (doc) => { delete doc.actions[3].seq; }, /: actions\[3\]\.seq is missing\. /],
      ['string-seq', (doc) => { doc.actions[3].seq = '3'; }, /: actions\[3\]\.seq must be a whole number \(got "3"\)/],
      ['outcome', (doc) => { doc.actions[0].outcome = 'fine'; }, /: actions\[0\]\.outcome must be one of 'ok', 'error', 'crash' \(got "fine"\)/],
      ['actions', (doc) => { delete doc.actions; }, /: actions is missing/],
      ['run', (doc) => { doc.run = 'x'; }, /: run must be an object \(got "x"\)/],
      ['run-seed', (doc) => { doc.run.seed = 1; }, /: run\.seed must be a string \(got 1\)/],
      ['headers', (doc) => { doc.exchanges[0].requestHeaders = { a: 1 }; }, /: exchanges\[0\]\.requestHeaders must be an object of header names to strings/],
      ['other-run', (doc) => { doc.events[1].runId = 'someone-else'; }, /: events\[1\]\.runId must be the run's id '.*' \(got "someone-else"\)/],
      ['exported-at', (doc) => { delete doc.exportedAt; }, /: exportedAt is missing/],
    ];
    for (const [name, edit, message] of cases) {
      const path = await editedFile(name, edit);
      // Shape errors come before the checksum: the precise problem, even with allowEdited.
      await expectError(() => readReplayFile(path), 'BEAM_REPLAY_FILE', message);
      await expectError(() => readReplayFile(path, { allowEdited: true }), 'BEAM_REPLAY_FILE', message);
    }
  });

  it('ignores unknown fields (an edit: checksum) and fills a field added later (comparison)', async () => {
    const path = await editedFile('extra', (doc) => { doc.note = 'mine'; doc.actions[0].extra = 1; delete doc.run.comparison; });
    await expectError(() => readReplayFile(path), 'BEAM_REPLAY_EDITED', /checksum mismatch/);
    expect(await readReplayFile(path, { allowEdited: true })).toEqual(bundle);
  });

  it('reads a file written before runs had parameters (no run.params, checksum intact) with params null', async () => {
    const doc = JSON.parse(formatReplayFile(bundle));
    delete doc.run.params;
    doc.checksum = replayChecksum(doc);
    const path = join(dir, 'before-params.json');
    writeFileSync(path, JSON.stringify(doc));
    const read = await readReplayFile(path);
    expect(read.run.params).toBeNull();
    expect(read).toEqual({ ...bundle, run: { ...bundle.run, params: null } });
  });
});

describe('importBundle', () => {
  it('writes the run into a fresh store: every table equal, run row preserved (status, wall times, stop reason)', async () => {
    const other = await openStore(freshPath());
    try {
      const fromFile = await readReplayFile(await writeFile(bundle));
      expect(await importBundle(other, fromFile)).toBe(runId);
      expect(await readRunBundle(other, runId, { exportedAt: bundle.exportedAt })).toEqual(bundle);
      const [a, b] = [(await store.getRun(runId))!, (await other.getRun(runId))!];
      expect(b).toEqual(a);
      expect(b.wallEndedAt).toBe(bundle.run.wallEndedAt);
    } finally {
      await other.close();
    }
  });

  it('refuses an id the store already has, and imports under a new id when asked', async () => {
    const path = freshPath();
    const other = await openStore(path);
    try {
      await importBundle(other, bundle);
      const e = await expectError(() => importBundle(other, bundle), 'BEAM_RUN_EXISTS',
        new RegExp(`^cannot import run ${runId}: run store .* already has a run with that id\\. .*--as <new-id>`));
      expect(e.exitCode).toBe(ExitCode.usage);
      expect((await other.listRuns()).length).toBe(1);
      expect(await other.actions(runId)).toEqual(bundle.actions);
      await expectError(() => importBundle(store, bundle), 'BEAM_RUN_EXISTS', /already has a run with that id/);

      expect(await importBundle(other, bundle, { runId: 'ci-copy.1' })).toBe('ci-copy.1');
      const copy = await readRunBundle(other, 'ci-copy.1', { exportedAt: bundle.exportedAt });
      const withId = <T extends { runId: string }>(rows: T[]) => rows.map((r) => ({ ...r, runId: 'ci-copy.1' }));
      expect(copy).toEqual({
        ...bundle, run: { ...bundle.run, runId: 'ci-copy.1' }, actors: withId(bundle.actors), actions: withId(bundle.actions),
        complaints: withId(bundle.complaints), exchanges: withId(bundle.exchanges), events: withId(bundle.events),
      });
      expect(await other.resolveRunId('ci-copy')).toBe('ci-copy.1');
      await expectError(() => importBundle(other, bundle, { runId: 'latest' }), 'BEAM_USAGE', /as 'latest': not a usable run id/);
      await expectError(() => importBundle(other, bundle, { runId: 'a b' }), 'BEAM_USAGE', /not a usable run id/);
    } finally {
      await other.close();
    }
  });

  it('is atomic: a failed import leaves nothing behind', async () => {
    const other = await openStore(freshPath());
    try {
      await other.sql('DROP TABLE events'); // the last table written: everything before it must be rolled back
      await expectError(() => importBundle(other, bundle), 'BEAM_STORE', /^cannot import run .* in run store/);
      expect(await other.sql('SELECT (SELECT count(*) FROM runs) AS runs, (SELECT count(*) FROM actions) AS actions')).toEqual([{ runs: 0n, actions: 0n }]);
    } finally {
      await other.close();
    }
  });

  it('refuses a read-only store and a broken bundle', async () => {
    const ro = await openStore(dbPath, { readOnly: true });
    try {
      await expectError(() => importBundle(ro, { ...bundle, run: { ...bundle.run, runId: 'x' } }), 'BEAM_REPLAY_FILE', /actors\[0\]\.runId must be the run's id 'x'/);
      await expectError(() => importBundle(ro, bundle, { runId: 'ro-copy' }), 'BEAM_STORE', /opened read-only/);
    } finally {
      await ro.close();
    }
  });
});

async function writeFile(b: ReplayBundle): Promise<string> {
  const path = join(dir, 'files', `${b.run.runId}-${++fresh}.json`);
  await writeReplayFile(b, path);
  return path;
}

describe('exportParquet', () => {
  it('writes each table of the run, read back by DuckDB with the same row counts', async () => {
    const out = join(dir, "parquet 'quoted'");
    const files = await exportParquet(store, runId, out);
    expect(files.map((f) => f.table)).toEqual(parquetTables.map((t) => t.table));
    const expected: Record<string, number> = {
      runs: 1, actors: bundle.actors.length, actions: bundle.actions.length, complaints: bundle.complaints.length,
      exchanges: bundle.exchanges.length, events: bundle.events.length,
    };
    for (const f of files) {
      expect(f.path).toBe(join(out, `${f.table}.parquet`));
      expect(f.rows).toBe(expected[f.table]);
      const [row] = await store.sql(`SELECT count(*) AS n, count(DISTINCT run_id) AS ids, min(run_id) AS id FROM read_parquet($1)`, [f.path]);
      expect(row).toEqual({ n: BigInt(expected[f.table]!), ids: 1n, id: runId });
    }
    const [first] = await store.sql(`SELECT seq, action FROM read_parquet($1) ORDER BY seq LIMIT 1`, [join(out, 'actions.parquet')]);
    expect(first).toEqual({ seq: BigInt(bundle.actions[0]!.seq), action: bundle.actions[0]!.action });
    expect(readdirSync(out).sort()).toEqual(parquetTables.map((t) => `${t.table}.parquet`).sort());
  });

  it('throws BEAM_RUN_NOT_FOUND for an unknown run', async () => {
    await expectError(() => exportParquet(store, 'nope', join(dir, 'pq-none')), 'BEAM_RUN_NOT_FOUND', /nope/);
  });
});

describe('beamulator export / import (commander)', () => {
  function cli() {
    const out: string[] = [];
    const err: string[] = [];
    const output: Output = { out: (t) => { out.push(t); }, err: (t) => { err.push(t); }, isTTY: false, color: false, errColor: false };
    let code = -1;
    const program = new Command('beamulator').exitOverride().configureOutput({ writeOut: output.out, writeErr: output.err });
    registerExportCommands(program, output, (c) => { code = c; });
    return {
      run: async (...args: string[]) => {
        await program.parseAsync(args, { from: 'user' });
        return { code, out: out.join(''), err: err.join('') };
      },
    };
  }

  it('export: writes the file and prints where, and how to replay it', async () => {
    const file = join(dir, 'cli', 'out.json');
    const r = await cli().run('export', runId.slice(0, 12), '--db', dbPath, '-o', file);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`^exported run ${runId} \\(todo, ${bundle.actions.length} actions, ${bundle.complaints.length} complaints\\) to ${file} \\(\\d+\\.\\d KB\\)\n`));
    expect(r.out).toContain(`  replay    beamulator replay ${file}\n`);
    expect(r.out.trim().split('\n')).toHaveLength(2);
    expect({ ...(await readReplayFile(file)), exportedAt: 0 }).toEqual({ ...bundle, exportedAt: 0 });
  });

  it('export: default path replays/<simulation>-<run-id>.json, --json, latest', async () => {
    expect(defaultReplayPath({ simulation: 'my sim/ä', runId: 'r1' })).toBe('replays/my-sim-r1.json');
    const cwd = process.cwd();
    const work = join(dir, 'cwd');
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work);
    process.chdir(work);
    try {
      const r = await cli().run('export', 'latest', '--db', dbPath, '--json');
      const result = JSON.parse(r.out);
      expect(result).toMatchObject({
        runId, simulation: 'todo', status: 'completed', file: `replays/todo-${runId}.json`, actions: bundle.actions.length,
        parquet: null, replayCommand: `beamulator replay replays/todo-${runId}.json`,
      });
      expect(existsSync(join(work, 'replays', `todo-${runId}.json`))).toBe(true);
    } finally {
      process.chdir(cwd);
    }
  });

  it('export --parquet: only Parquet unless -o is given too', async () => {
    const pq = join(dir, 'cli-parquet');
    const r = await cli().run('export', runId, '--db', dbPath, '--parquet', pq);
    expect(r.out).toMatch(/^exported run \S+ \(todo, .*\) as Parquet\n {2}parquet {3}.*actions\.parquet \(\d+\)/);
    expect(r.out).not.toContain('replay ');
    expect(readdirSync(pq)).toHaveLength(6);
    const file = join(dir, 'cli', 'both.json');
    const both = await cli().run('export', runId, '--db', dbPath, '--parquet', join(dir, 'cli-parquet-2'), '-o', file);
    expect(both.out).toContain(`replay    beamulator replay ${file}`);
    expect(existsSync(file)).toBe(true);
  });

  it('export: an unknown run is BEAM_RUN_NOT_FOUND, a missing store BEAM_STORE', async () => {
    await expectError(() => cli().run('export', 'zzz', '--db', dbPath), 'BEAM_RUN_NOT_FOUND', /cannot find run 'zzz'/);
    await expectError(() => cli().run('export', 'latest', '--db', join(dir, 'none.duckdb')), 'BEAM_STORE', /no such file/);
  });

  it('import: prints the run id and how to show it; again is refused; --as imports a copy', async () => {
    const file = await writeFile(bundle);
    const db = freshPath();
    const r = await cli().run('import', file, '--db', db);
    expect(r.code).toBe(0);
    expect(r.out).toBe(`imported run ${runId} (todo, seed 1, completed, ${bundle.actions.length} actions) into ${db}\n`
      + `  inspect   beamulator show ${runId} --db ${db}\n`);
    await expectError(() => cli().run('import', file, '--db', db), 'BEAM_RUN_EXISTS', /already has a run with that id/);
    const copy = await cli().run('import', file, '--db', db, '--as', 'copy-1', '--json');
    expect(JSON.parse(copy.out)).toMatchObject({ runId: 'copy-1', originalRunId: runId, edited: false, showCommand: `beamulator show copy-1 --db ${db}` });
    const check = await openStore(db, { readOnly: true });
    try {
      expect((await check.listRuns()).map((run) => run.runId).sort()).toEqual(['copy-1', runId].sort());
    } finally {
      await check.close();
    }
  });

  it('import: an edited file is refused unless --allow-edited', async () => {
    const file = await editedFile('cli-edited', (doc) => { doc.actions[0].result = null; });
    const db = freshPath();
    await expectError(() => cli().run('import', file, '--db', db), 'BEAM_REPLAY_EDITED', /checksum mismatch/);
    const r = await cli().run('import', file, '--db', db, '--allow-edited');
    expect(r.out).toContain('the file was edited after export');
    await expectError(() => cli().run('import', join(dir, 'missing.json'), '--db', db), 'BEAM_REPLAY_NOT_FOUND', /no such file/);
  });
});
