/**
 * `beamulator show <group-id>`: the shards of a sharded run as one run: each shard's line, what is
 * missing, and the complaints and actions of all shards in sim-time order.
 */
import { groupProblem, shardGroups, type ShardGroup } from '../engine/shard-groups.ts';
import { formatActionLine } from '../format/action-line.ts';
import type { ActionRecord, RunRecord, RunSummary } from '../store/records.ts';
import type { Redactor } from '../store/redact.ts';
import type { RunStore } from '../store/run-store.ts';
import { formatClock, formatDuration, toSeconds } from '../util/duration.ts';
import { ExitCode, isBeamulatorError } from '../util/errors.ts';
import { looksLikeRunId } from '../engine/shard.ts';
import { cliJson } from '../util/strict-json.ts';
import { styler, type Output } from './output.ts';

type ListedRun = RunRecord & { summary: RunSummary };

/**
 * What a ref names for the commands that take a run or a group (`show`, `stats`, `dashboard`): a
 * run id (or prefix, or `latest`), else a group's id. An unknown ref throws the run lookup's error.
 */
export async function resolveRunOrGroup(store: RunStore, ref: string): Promise<{ runId: string } | { group: ShardGroup<ListedRun> }> {
  try {
    return { runId: await store.resolveRunId(ref) };
  } catch (error) {
    const group = isBeamulatorError(error) && error.code === 'BEAM_RUN_NOT_FOUND' && !looksLikeRunId(ref) ? await findGroup(store, ref) : null;
    if (!group) throw error;
    return { group };
  }
}

/** The runs a ref names for commands that read a group as one run (`stats`, `dashboard`): one run, or a group's shards. */
export async function runsOfRef(store: RunStore, ref: string): Promise<{ runIds: string[]; title: string }> {
  const named = await resolveRunOrGroup(store, ref);
  if ('runId' in named) {
    const run = (await store.getRun(named.runId))!;
    return { runIds: [named.runId], title: `run ${named.runId}  ${run.simulation}  seed ${run.seed}  ${run.status}` };
  }
  const { group } = named;
  return {
    runIds: [...group.shards.values()].map((r) => r.runId),
    title: `group ${group.group}  ${group.simulation}  seed ${group.seed}  ${group.shards.size}/${group.count} shards`,
  };
}

/** The group `id` names, when it names one (group ids and run ids never look alike: see shard.ts). */
export async function findGroup(store: RunStore, id: string): Promise<ShardGroup<ListedRun> | null> {
  return shardGroups(await store.listRuns()).find((g) => g.group === id.trim()) ?? null;
}

export async function showGroup(store: RunStore, group: ShardGroup<ListedRun>, opts: { actions: number; all?: boolean; json?: boolean }, redactor: Redactor, output: Output): Promise<number> {
  const shards = [...group.shards].sort(([a], [b]) => a - b);
  const problem = groupProblem(group);
  const per = opts.all ? undefined : opts.actions;
  const [complaints, actions, actors] = await Promise.all([
    Promise.all(shards.map(([, r]) => store.complaints(r.runId))).then((all) => all.flat().sort(bySimTime)),
    per === 0 ? [] : Promise.all(shards.map(([, r]) => store.actions(r.runId, per !== undefined ? { limit: per } : {}))).then((all) => all.flat().sort(bySimTime)),
    Promise.all(shards.map(([, r]) => store.actors(r.runId))).then((all) => all.flat()),
  ]);
  if (opts.json) {
    output.out(`${cliJson({
      group: group.group, simulation: group.simulation, seed: group.seed, count: group.count, missing: group.missing, problem,
      shards: shards.map(([index, r]) => ({ index, run: redactor.record(r) })),
      complaints: complaints.map((c) => redactor.record(c)),
    })}\n`);
    return ExitCode.ok;
  }
  const s = styler(output.color);
  const names = new Map(actors.map((a) => [a.actorId, a.name]));
  const name = (id: number) => names.get(id) ?? `actor ${id}`;
  const total = (f: (r: ListedRun) => number) => shards.reduce((n, [, r]) => n + f(r), 0);
  output.out(`${s.bold(`group ${group.group}`)}  ${group.simulation}  seed ${group.seed}  ${problem ? s.yellow(`${group.shards.size}/${group.count} shards`) : s.green(`${group.count}/${group.count} shards`)}\n`);
  output.out(`  totals      ${total((r) => r.summary.actors)} actors, ${total((r) => r.summary.actions)} actions, ${total((r) => r.summary.complaints)} complaints\n`);
  for (const [index, r] of shards) {
    const status = r.status === 'completed' ? s.green(r.status) : s.yellow(r.status);
    output.out(`  shard ${`${index}/${group.count}`.padEnd(6)}${r.runId}  ${status}  sim ${formatDuration(toSeconds(r.simDurationMs))}, ${r.summary.actors} actors, ${r.summary.actions} actions, ${r.summary.complaints} complaints\n`);
  }
  if (problem) output.out(`  ${s.yellow('incomplete')}  ${problem}\n`);
  if (complaints.length > 0) {
    output.out(`\n${s.bold('complaints')} ${s.dim('(all shards, by sim time)')}\n`);
    for (const c of complaints.slice(0, 20).map((x) => redactor.record(x))) {
      output.out(`  ${c.severity.padEnd(9)} ${formatClock(c.simTime).padStart(8)}  ${name(c.actorId).padEnd(18)} ${c.message}\n`);
    }
    if (complaints.length > 20) output.out(s.dim(`  ... ${complaints.length - 20} more (--json for all)\n`));
  }
  if (actions.length > 0) {
    const limited = per !== undefined ? s.dim(` (first ${per} of each shard; --all for every one)`) : '';
    output.out(`\n${s.bold('actions')} ${s.dim('(all shards, by sim time)')}${limited}\n`);
    for (const a of actions) output.out(`  ${formatActionLine(redactor.record(a), { actor: name(a.actorId), redactor, color: output.color })}\n`);
  }
  output.out(s.dim(`\nShow one shard with \`beamulator show <run-id>\`.\n`));
  return ExitCode.ok;
}

function bySimTime(a: Pick<ActionRecord, 'simTime' | 'actorId'>, b: Pick<ActionRecord, 'simTime' | 'actorId'>): number {
  return a.simTime - b.simTime || a.actorId - b.actorId;
}
