import { wallNow } from '../clock/wall-clock.ts';
import type { RunKind } from '../store/records.ts';
import { pruneStore, type PruneSelection } from '../store/prune-store.ts';
import { parsePositiveDuration } from '../util/duration.ts';
import { BeamulatorError, ExitCode } from '../util/errors.ts';
import { cliJson } from '../util/strict-json.ts';
import { formatBytes } from './format-bytes.ts';
import { styler, type Output } from './output.ts';

export interface PruneCommandOptions {
  db: string;
  keep?: number;
  olderThan?: string;
  /** `--kind` flags, each one kind or a comma-separated list. */
  kind?: string[];
  dryRun?: boolean;
  json?: boolean;
}

const kinds: readonly RunKind[] = ['run', 'fuzz', 'replay'];

/** How many removed runs the text output lists (the JSON lists them all). */
const listed = 20;

/** `beamulator prune`: removes old runs from the store and reclaims their space. */
export async function pruneCommand(opts: PruneCommandOptions, output: Output): Promise<number> {
  const selection = selectionOf(opts);
  const result = await pruneStore(opts.db, selection, { dryRun: opts.dryRun ?? false });
  if (opts.json) {
    output.out(`${cliJson(result)}\n`);
    return ExitCode.ok;
  }
  const s = styler(output.color);
  const { removed, kept, rows } = result;
  const verb = result.dryRun ? 'would remove' : 'removed';
  output.out(`${result.dryRun ? 'dry run: ' : ''}${verb} ${removed.length} run${removed.length === 1 ? '' : 's'} from ${opts.db}, ${result.dryRun ? 'keeping' : 'kept'} ${kept}\n`);
  for (const r of removed.slice(0, listed)) {
    output.out(s.dim(`  ${r.runId.padEnd(20)} ${r.kind.padEnd(6)} ${r.simulation.slice(0, 14).padEnd(14)} ${r.status.padEnd(10)} ${new Date(r.wallStartedAt).toISOString().slice(0, 19).replace('T', ' ')}\n`));
  }
  if (removed.length > listed) output.out(s.dim(`  ... ${removed.length - listed} more (--json lists them all)\n`));
  if (removed.length > 0) output.out(`  rows     ${Object.entries(rows).map(([table, n]) => `${table} ${n}`).join(', ')}\n`);
  if (result.dryRun) {
    output.out(`  size     ${formatBytes(result.bytesBefore)} (nothing changed: --dry-run)\n`);
  } else {
    const freed = result.bytesBefore - result.bytesAfter;
    output.out(`  size     ${formatBytes(result.bytesBefore)} -> ${formatBytes(result.bytesAfter)}${freed > 0 ? s.green(` (${formatBytes(freed)} reclaimed)`) : ''}\n`);
  }
  return ExitCode.ok;
}

function selectionOf(opts: PruneCommandOptions): PruneSelection {
  if (opts.keep === undefined && opts.olderThan === undefined && opts.kind === undefined) {
    throw new BeamulatorError('BEAM_USAGE', 'cannot prune: no runs chosen', 'Say which runs to remove: --keep <n> (keep the newest n), --older-than <duration> (e.g. 7d), --kind <kind>; try --dry-run first');
  }
  const selection: PruneSelection = {};
  if (opts.keep !== undefined) selection.keep = opts.keep;
  if (opts.olderThan !== undefined) {
    // A bare number would be milliseconds: never what `--older-than 7` means.
    if (/^\s*\d+(\.\d+)?\s*$/.test(opts.olderThan)) {
      throw new BeamulatorError('BEAM_DURATION', `cannot use --older-than '${opts.olderThan}': it has no unit`, "Give one, e.g. '7d', '12h' or '2w'");
    }
    selection.startedBefore = wallNow() - parsePositiveDuration(opts.olderThan, '--older-than');
  }
  if (opts.kind !== undefined) {
    const given = opts.kind.flatMap((k) => k.split(',')).map((k) => k.trim()).filter((k) => k !== '');
    const unknown = given.find((k) => !(kinds as readonly string[]).includes(k));
    if (unknown !== undefined || given.length === 0) {
      throw new BeamulatorError('BEAM_USAGE', `cannot prune runs of kind '${unknown ?? ''}': no such kind`, `Use one of: ${kinds.join(', ')}`);
    }
    selection.kinds = given as RunKind[];
  }
  return selection;
}
