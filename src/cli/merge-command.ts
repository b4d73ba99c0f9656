/**
 * `beamulator merge <store or replay file>... -o <store>`: the runs of many stores (the shards of a
 * run recorded on many machines, say) copied into one, keeping their ids. Stores are copied by
 * DuckDB itself (ATTACH, one INSERT per table); replay files are imported.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { atLeast } from '../engine/complaint.ts';
import { groupProblem, seedDisagreement, shardGroups } from '../engine/shard-groups.ts';
import { severities } from '../store/records.ts';
import { BeamulatorError, ExitCode } from '../util/errors.ts';
import { cliJson } from '../util/strict-json.ts';
import { parseFailOn } from './fail-on.ts';
import { dbFlag, styler, type Output } from './output.ts';
import { recoveringNotice } from './recovering-notice.ts';
import type { ProjectOptions } from './project-config.ts';

export interface MergeOptions extends ProjectOptions {
  out: string;
  json?: boolean;
  /** Exit 1 when the merged runs hold complaints this serious or worse (default: never). */
  failOn?: string;
}

/** Adds `merge` to the program. */
export function registerMergeCommand(program: Command, output: Output, setCode: (code: number) => void): void {
  program.command('merge')
    .argument('<files...>', 'run stores (.duckdb) or replay files (.json) to copy runs from')
    .description("copy the runs of many stores (e.g. the shards of a run) into one, keeping run ids; says when a group's shard is missing or failed")
    .requiredOption('-o, --out <store>', 'the run store to merge into (created when missing; runs it holds are kept)')
    .option('--fail-on <severity>', "exit 1 when the merged runs hold a complaint this serious or worse: urgent, annoying or justsayin (for CI's final job)")
    .option('--json', 'print the result as JSON')
    .action(async (files: string[], opts: MergeOptions) => {
      setCode(await mergeCommand(files, opts, output));
    });
}

type SourceKind = 'store' | 'replay-file';

export async function mergeCommand(files: string[], opts: MergeOptions, output: Output): Promise<number> {
  const failOn = opts.failOn === undefined ? null : parseFailOn(opts.failOn);
  const kinds = files.map((file) => [file, sourceKind(file, opts.out)] as const);
  const [{ openStore }, replay, { redactPatterns }] = await Promise.all([
    import('../store/duckdb-store.ts'), import('../replay/replay-file.ts'), import('./project-config.ts'),
  ]);
  const store = await openStore(opts.out, { redact: { extra: redactPatterns(opts.projectConfig) }, onRecovering: recoveringNotice(output, opts.out) });
  const merged: Array<{ source: string; kind: SourceKind; copied: string[]; alreadyThere: string[] }> = [];
  let groups;
  let failing = 0;
  // Per group: shards that were seeded from the target with other actors (see seedDisagreement).
  const seeds = new Map<string, string | null>();
  try {
    for (const [file, kind] of kinds) {
      if (kind === 'store') {
        merged.push({ ...(await store.mergeFrom(file)), kind });
        continue;
      }
      const { bundle } = await replay.loadReplayFile(file);
      const existing = await store.getRun(bundle.run.runId);
      if (existing) {
        merged.push({ source: file, kind, copied: [], alreadyThere: [bundle.run.runId] });
        continue;
      }
      merged.push({ source: file, kind, copied: [await replay.importBundle(store, bundle)], alreadyThere: [] });
    }
    const touched = new Set(merged.flatMap((m) => [...m.copied, ...m.alreadyThere]));
    const runs = await store.listRuns();
    if (failOn) {
      const counted = severities.filter((v) => atLeast(v, failOn));
      for (const r of runs) if (touched.has(r.runId)) for (const v of counted) failing += r.summary.bySeverity[v];
    }
    // Only the groups this merge brought: the target store may hold older, unrelated ones.
    groups = shardGroups(runs).filter((g) => [...g.shards.values()].some((r) => touched.has(r.runId)));
    for (const g of groups) {
      const shards = await Promise.all([...g.shards].map(async ([index, r]) => ({ index, actors: await store.actors(r.runId) })));
      seeds.set(g.group, seedDisagreement(shards));
    }
  } finally {
    await store.close();
  }
  const problems = groups.map((g) => ({ g, problem: groupProblem(g), seed: seeds.get(g.group) ?? null }));
  const exitCode = problems.some((p) => p.problem || p.seed) ? ExitCode.incomplete : failing > 0 ? ExitCode.complaints : ExitCode.ok;
  if (opts.json) {
    output.out(`${cliJson({
      out: opts.out, sources: merged, exitCode, failOn: failOn ?? 'none', failingComplaints: failing,
      groups: problems.map(({ g, problem, seed }) => ({
        group: g.group, simulation: g.simulation, seed: g.seed, count: g.count,
        shards: Object.fromEntries([...g.shards].map(([i, r]) => [i, { runId: r.runId, status: r.status }])), missing: g.missing, problem, seedDisagreement: seed,
      })),
    })}\n`);
    return exitCode;
  }
  const s = styler(output.color);
  for (const m of merged) {
    const again = m.alreadyThere.length > 0 ? s.dim(`, ${m.alreadyThere.length} already there`) : '';
    output.out(`  ${m.source}  ${m.copied.length} run${m.copied.length === 1 ? '' : 's'} copied${again}\n`);
  }
  const total = merged.reduce((n, m) => n + m.copied.length, 0);
  output.out(`merged ${total} run${total === 1 ? '' : 's'} from ${merged.length} file${merged.length === 1 ? '' : 's'} into ${opts.out}\n`);
  for (const { g, problem, seed } of problems) {
    const shards = `${g.shards.size}/${g.count} shards`;
    output.out(`  group ${s.bold(g.group)}  ${g.simulation}  seed ${g.seed}  ${problem || seed ? s.yellow(shards) : s.green(shards)}\n`);
  }
  output.out(`  inspect   beamulator runs${dbFlag(opts.out)}\n`);
  for (const { g, problem } of problems) {
    if (problem) output.err(`beamulator: group ${g.group} is incomplete: ${problem}. Rerun the missing shards with --shard i/${g.count} --group ${g.group} and merge again\n`);
  }
  for (const { g, seed } of problems) {
    if (seed) output.err(`beamulator: group ${g.group} does not add up: ${seed}. Start every shard before any of them changes what fromTarget reads (or give each the same data), and run the group again\n`);
  }
  if (failing > 0) output.err(`beamulator: the merged runs hold ${failing} complaint${failing === 1 ? '' : 's'} at or above '${failOn}'. \`beamulator show <group-id>${dbFlag(opts.out)}\` lists them\n`);
  return exitCode;
}

/** A replay file (JSON) or a DuckDB store, told by its first bytes; one clear line for anything else. */
function sourceKind(file: string, out: string): SourceKind {
  if (path.resolve(file) === path.resolve(out)) {
    throw new BeamulatorError('BEAM_USAGE', `cannot merge ${file} into itself`, 'Give -o a different file from the inputs');
  }
  const stat = statSync(file, { throwIfNoEntry: false });
  if (!stat) throw new BeamulatorError('BEAM_REPLAY_NOT_FOUND', `cannot merge ${file}: no such file`, 'Check the path; merge takes run stores (.duckdb) and replay files');
  if (stat.isDirectory()) throw new BeamulatorError('BEAM_USAGE', `cannot merge ${file}: it is a folder`, 'Pass the store files inside it, e.g. stores/*.duckdb');
  const head = Buffer.alloc(16);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  if (head.subarray(8, 12).toString('latin1') === 'DUCK') return 'store';
  if (/^\s*\{/.test(head.toString('utf8'))) return 'replay-file';
  throw new BeamulatorError('BEAM_USAGE', `cannot merge ${file}: it is neither a run store nor a replay file`, 'Pass .duckdb files beamulator wrote or replay files from `beamulator export`');
}
