/**
 * `beamulator export` and `beamulator import`: a recorded run to a replay file (and Parquet),
 * and a replay file back into a run store. Registered on the program by main.ts; the store
 * and replay modules load only when a command runs.
 */
import type { Command } from 'commander';
import { defaultStorePath } from '../store/default-store-path.ts';
import type { RunRecord } from '../store/records.ts';
import { runNotFound } from '../store/run-id.ts';
import { ExitCode } from '../util/errors.ts';
import { shellQuote } from '../util/reproduce-command.ts';
import { dbFlag, styler, type Output } from './output.ts';
import { recoveringNotice } from './recovering-notice.ts';
import type { ProjectOptions } from './project-config.ts';
import { cliJson } from '../util/strict-json.ts';

export interface ExportOptions extends ProjectOptions {
  db: string;
  out?: string;
  parquet?: string;
  json?: boolean;
}

export interface ImportOptions extends ProjectOptions {
  db: string;
  as?: string;
  allowEdited?: boolean;
  json?: boolean;
}

/** Adds `export` and `import` to the program. */
export function registerExportCommands(program: Command, output: Output, setCode: (code: number) => void): void {
  program.command('export')
    .argument('<run-id>', "a run id, a unique prefix of one, or 'latest'")
    .description('write a recorded run to a self-contained replay file (JSON), to replay it without the run store')
    .option('-o, --out <file>', "replay file to write (default: <replays>/<simulation>-<run-id>.json, replays/ unless the config's replays says otherwise)")
    .option('--db <path>', 'run store file', defaultStorePath)
    .option('--parquet <dir>', 'write the run\'s tables as <dir>/<table>.parquet instead (add -o to write the replay file too)')
    .option('--json', 'print the result as JSON')
    .action(async (runId: string, opts: ExportOptions) => {
      setCode(await exportCommand(runId, opts, output));
    });

  program.command('import')
    .argument('<file>', 'a replay file written by `beamulator export`')
    .description('copy the run of a replay file into a run store, keeping its id')
    .option('--db <path>', 'run store file', defaultStorePath)
    .option('--as <run-id>', 'import under this id instead of the original (when the store already has it)')
    .option('--allow-edited', 'accept a file edited after export (its checksum does not match)')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, opts: ImportOptions) => {
      setCode(await importCommand(file, opts, output));
    });
}

/** A file size in binary units (KB = 1024 B), as `export` has always printed it. */
function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** DuckDB's memory for an export: its windows of rows are small, and blocks of a read-only store are read again. */
const exportMemoryLimit = '64MB';

/** `beamulator export <run-id>`. */
export async function exportCommand(idArg: string, opts: ExportOptions, output: Output): Promise<number> {
  const [{ openStore }, replay, { replaysDir }] = await Promise.all([
    import('../store/duckdb-store.ts'), import('../replay/replay-file.ts'), import('./project-config.ts'),
  ]);
  // DuckDB otherwise keeps every block of the run it reads cached (20-40 MB of the peak of a
  // 120 MB run); its Parquet writer needs more than that limit for itself, so --parquet goes without.
  const store = await openStore(opts.db, { readOnly: true, memoryLimit: opts.parquet === undefined ? exportMemoryLimit : undefined, onRecovering: recoveringNotice(output, opts.db) });
  let runId: string;
  let run: RunRecord;
  let file: string | null = null;
  let exported: Awaited<ReturnType<typeof replay.exportReplayFile>> | null = null;
  let parquet: Awaited<ReturnType<typeof replay.exportParquet>> | null = null;
  try {
    runId = await store.resolveRunId(idArg);
    const found = await store.getRun(runId);
    if (found === null) throw runNotFound(runId, store.path);
    run = found;
    if (opts.out !== undefined || opts.parquet === undefined) {
      file = opts.out ?? replay.defaultReplayPath(run, replaysDir(opts.projectConfig));
      // Rows go from the store to the file a chunk at a time: a run of any size exports in bounded memory.
      exported = await replay.exportReplayFile(store, runId, file);
    }
    if (opts.parquet !== undefined) parquet = await replay.exportParquet(store, runId, opts.parquet);
  } finally {
    await store.close();
  }
  const bytes = exported?.bytes ?? null;
  const replayCommand = file !== null ? `beamulator replay ${shellQuote(file)}` : null;
  const counts = exported?.counts ?? parquetCounts(parquet ?? []);
  if (opts.json) {
    output.out(`${cliJson({
      runId, simulation: run.simulation, status: run.status, file, bytes, ...counts, parquet, replayCommand,
    })}\n`);
    return ExitCode.ok;
  }
  const s = styler(output.color);
  const what = `${run.simulation}, ${counts.actions} actions, ${counts.complaints} complaints`;
  if (file !== null) {
    output.out(`exported run ${s.bold(runId)} (${what}) to ${file}${bytes !== null ? s.dim(` (${formatBytes(bytes)})`) : ''}\n`);
  } else {
    output.out(`exported run ${s.bold(runId)} (${what}) as Parquet\n`);
  }
  if (run.status === 'abandoned') {
    output.out(s.yellow(`  note      the run never finished (abandoned): it holds what was recorded before its process died\n`));
  }
  if (parquet !== null) {
    output.out(`  parquet   ${parquet.map((p) => `${p.path} (${p.rows})`).join(', ')}\n`);
  }
  if (replayCommand !== null) output.out(`  replay    ${replayCommand}\n`);
  return ExitCode.ok;
}

/** Rows per table as counted by a Parquet export (when no replay file was written). */
function parquetCounts(files: ReadonlyArray<{ table: string; rows: number }>): Record<'actors' | 'actions' | 'complaints' | 'exchanges' | 'events', number> {
  const rows = (table: string) => files.find((f) => f.table === table)?.rows ?? 0;
  return { actors: rows('actors'), actions: rows('actions'), complaints: rows('complaints'), exchanges: rows('exchanges'), events: rows('events') };
}

/** `beamulator import <file>`. */
export async function importCommand(file: string, opts: ImportOptions, output: Output): Promise<number> {
  const [{ openStore }, replay, { redactPatterns }] = await Promise.all([
    import('../store/duckdb-store.ts'), import('../replay/replay-file.ts'), import('./project-config.ts'),
  ]);
  const { bundle, edited } = await replay.loadReplayFile(file, { allowEdited: opts.allowEdited ?? false });
  // Imported rows pass through the store's redaction: the config's patterns too.
  const redact = redactPatterns(opts.projectConfig);
  const store = await openStore(opts.db, { redact: { extra: redact }, onRecovering: recoveringNotice(output, opts.db) });
  let runId: string;
  try {
    runId = await replay.importBundle(store, bundle, opts.as !== undefined ? { runId: opts.as } : {});
  } finally {
    await store.close();
  }
  const db = dbFlag(opts.db);
  const showCommand = `beamulator show ${runId}${db}`;
  if (opts.json) {
    output.out(`${cliJson({
      runId, originalRunId: bundle.run.runId, file, db: opts.db, edited, simulation: bundle.run.simulation, status: bundle.run.status,
      actions: bundle.actions.length, complaints: bundle.complaints.length, showCommand,
    })}\n`);
    return ExitCode.ok;
  }
  const s = styler(output.color);
  const renamed = runId !== bundle.run.runId ? ` as ${s.bold(runId)}` : '';
  output.out(`imported run ${s.bold(bundle.run.runId)}${renamed} (${bundle.run.simulation}, seed ${bundle.run.seed}, ${bundle.run.status}, `
    + `${bundle.actions.length} actions) into ${opts.db}\n`);
  if (edited) output.out(s.yellow('  note      the file was edited after export (checksum mismatch, accepted with --allow-edited)\n'));
  output.out(`  inspect   ${showCommand}\n`);
  return ExitCode.ok;
}
