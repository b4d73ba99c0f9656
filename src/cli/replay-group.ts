/**
 * `beamulator replay <group-id>`: every shard of a sharded virtual-time run replayed in turn in
 * this process, each compared with its own original, then one line for the group. Anything that
 * is not a group id goes to `replayCommand` as it is.
 */
import { existsSync } from 'node:fs';
import { openStore } from '../store/duckdb-store.ts';
import { ExitCode } from '../util/errors.ts';
import { cliJson } from '../util/strict-json.ts';
import { groupProblem } from '../engine/shard-groups.ts';
import { looksLikeRunId } from '../engine/shard.ts';
import { replayCommand, type ReplayCommandOptions } from './replay-command.ts';
import { styler, type Output } from './output.ts';
import { recoveringNotice } from './recovering-notice.ts';
import { findGroup } from './show-group.ts';

export async function replayRunOrGroup(ref: string, opts: ReplayCommandOptions, output: Output): Promise<number> {
  const group = looksLikeRunId(ref) || ref.endsWith('.json') || existsSync(ref) || opts.db === ':memory:' || !existsSync(opts.db) ? null : await groupNamed(ref, opts.db, output);
  if (!group) return replayCommand(ref, opts, output);
  const s = styler(output.color);
  const shards = [...group.shards].sort(([a], [b]) => a - b);
  const problem = groupProblem(group);
  const codes: Array<{ index: number; runId: string; exitCode: number }> = [];
  for (const [index, run] of shards) {
    if (!opts.json) output.out(`${s.bold(`shard ${index}/${group.count}`)} ${s.dim(`(run ${run.runId})`)}\n`);
    // Each shard's report goes out as replayCommand prints it (a JSON document per shard with --json).
    codes.push({ index, runId: run.runId, exitCode: await replayCommand(run.runId, opts, output) });
    if (codes.at(-1)!.exitCode === ExitCode.interrupted) break;
  }
  const worst = codes.find((c) => c.exitCode !== ExitCode.ok)?.exitCode ?? (problem ? ExitCode.incomplete : ExitCode.ok);
  const identical = codes.filter((c) => c.exitCode === ExitCode.ok).length;
  if (opts.json) {
    output.out(`${cliJson({ group: group.group, count: group.count, shards: codes, missing: group.missing, problem, exitCode: worst })}\n`);
  } else {
    const line = `group ${group.group}: ${identical}/${codes.length} shard replays identical${problem ? `; ${problem}` : ''}`;
    output.out(`\n${worst === ExitCode.ok ? s.green(line) : s.yellow(line)}\n`);
  }
  return worst;
}

async function groupNamed(ref: string, db: string, output: Output) {
  const store = await openStore(db, { readOnly: true, onRecovering: recoveringNotice(output, db) });
  try {
    return await findGroup(store, ref);
  } finally {
    await store.close();
  }
}
