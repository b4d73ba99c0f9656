import { openStore, type DuckDBRunStore } from '../store/duckdb-store.ts';
import type { Redactor } from '../store/redact.ts';
import type { RunStore } from '../store/run-store.ts';
import { formatClock, formatDuration, toSeconds } from '../util/duration.ts';
import { controlLine } from '../format/control-line.ts';
import { ExitCode } from '../util/errors.ts';
import { formatActionLine } from '../format/action-line.ts';
import { formatRunSummary, groupComplaints } from './format-run.ts';
import { groupProblem, shardGroups, shardOfRun } from '../engine/shard-groups.ts';
import { resolveRunOrGroup, showGroup } from './show-group.ts';
import { probesOf } from '../engine/invariant-checks.ts';
import { describeReproduction } from '../format/reproduction-line.ts';
import type { Reproduction } from '../fuzz/reproduce.ts';
import { styler, type Output } from './output.ts';
import { recoveringNotice } from './recovering-notice.ts';
import { outputRedactor, type ProjectOptions } from './project-config.ts';
import { cliJson } from '../util/strict-json.ts';
import { storeBytes } from '../store/prune-store.ts';
import { formatBytes } from './format-bytes.ts';
import { fuzzFailureLine, storedFailureOf } from '../format/fuzz-failure-line.ts';

async function withStore<T>(db: string, output: Output, fn: (store: DuckDBRunStore) => Promise<T>): Promise<T> {
  const store = await openStore(db, { readOnly: true, onRecovering: recoveringNotice(output, db) });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** `beamulator runs`: the recorded runs, newest first. */
export async function runsCommand(opts: { db: string; limit: number; json?: boolean } & ProjectOptions, output: Output): Promise<number> {
  return withStore(opts.db, output, async (store) => {
    // What the store holds was redacted with the rules of its day: the config's patterns of today apply too.
    const redactor = outputRedactor(opts.projectConfig);
    const runs = (await store.listRuns({ limit: opts.limit })).map((r) => redactor.record(r));
    const [count] = await store.sql('SELECT count(*) AS n FROM runs');
    const total = Number(count?.n ?? 0);
    const bytes = store.path === ':memory:' ? 0 : storeBytes(store.path);
    if (opts.json) {
      output.out(`${cliJson({ store: { path: store.path, bytes, runs: total }, runs })}\n`);
      return ExitCode.ok;
    }
    if (runs.length === 0) {
      output.out(`no runs in ${opts.db} yet. Record one with \`beamulator run\`.\n`);
      return ExitCode.ok;
    }
    const s = styler(output.color);
    output.out(s.dim(`${'RUN'.padEnd(20)} ${'KIND'.padEnd(6)} ${'SIMULATION'.padEnd(14)} ${'STATUS'.padEnd(10)} ${'STARTED (UTC)'.padEnd(19)} ${'SIM TIME'.padStart(9)} ${'ACTIONS'.padStart(8)} ${'COMPLAINTS'.padStart(10)}  SEED`) + '\n');
    // The shards of a run show as one line: the group, its totals and how many shards it has.
    const groups = new Map(shardGroups(runs).map((g) => [g.group, g]));
    const shown = new Set<string>();
    const line = (id: string, kind: string, r: (typeof runs)[number], status: string, actions: number, complaintCount: number, seed: string) => {
      const started = new Date(r.wallStartedAt).toISOString().slice(0, 19).replace('T', ' ');
      const complaints = complaintCount > 0 ? s.yellow(String(complaintCount).padStart(10)) : String(0).padStart(10);
      output.out(`${id.padEnd(20)} ${kind.padEnd(6)} ${r.simulation.slice(0, 14).padEnd(14)} ${status.padEnd(10)} ${started} ${formatDuration(toSeconds(r.simDurationMs)).padStart(9)} ${String(actions).padStart(8)} ${complaints}  ${seed}\n`);
    };
    for (const r of runs) {
      const group = r.kind === 'run' ? groups.get(shardOfRun(r)?.group ?? '') : undefined;
      if (group) {
        if (shown.has(group.group)) continue;
        shown.add(group.group);
        const shards = [...group.shards.values()];
        const problem = groupProblem(group);
        const status = problem ? 'incomplete' : 'completed';
        const sum = (f: (x: (typeof runs)[number]) => number) => shards.reduce((n, x) => n + f(x), 0);
        const count = `${group.shards.size}/${group.count} shards`;
        line(group.group, 'group', r, status, sum((x) => x.summary.actions), sum((x) => x.summary.complaints), `${r.seed}  ${problem ? s.yellow(count) : s.dim(count)}`);
        continue;
      }
      // A fuzz run that failed on an invariant or a crash has no complaint row for it: it counts too.
      const fuzzFailure = r.kind === 'fuzz' ? storedFailureOf(r) : null;
      const complaints = r.summary.complaints + (fuzzFailure && fuzzFailure.kind !== 'complaint' ? 1 : 0);
      // A fuzz run is made by its choice tapes, not its seed (show <id> says more).
      line(r.runId, r.kind, r, r.status, r.summary.actions, complaints, r.kind === 'fuzz' ? s.dim('(tapes)') : r.seed);
    }
    output.out(s.dim(`\n${runs.length < total ? `${runs.length} of ${total} runs` : `${total} run${total === 1 ? '' : 's'}`} in ${opts.db}, ${formatBytes(bytes)} (\`beamulator prune\` removes old ones)`));
    output.out(s.dim(`\nShow one with \`beamulator show <run-id>\` (a unique prefix or 'latest' works too${shown.size > 0 ? '; a group id shows its shards' : ''}).\n`));
    return ExitCode.ok;
  });
}

/** `beamulator show <run-id>`: summary, complaints, actions. */
export async function showCommand(idArg: string, opts: { db: string; actions: number; all?: boolean; json?: boolean } & ProjectOptions, output: Output): Promise<number> {
  return withStore(opts.db, output, async (store) => {
    // What the store holds was redacted with the rules of its day: the config's patterns of today apply too.
    const redactor = outputRedactor(opts.projectConfig);
    const named = await resolveRunOrGroup(store, idArg);
    if ('group' in named) return showGroup(store, named.group, opts, redactor, output);
    const { runId } = named;
    if (opts.json) {
      await writeRunJson(store, runId, redactor, output);
      return ExitCode.ok;
    }
    const limit = opts.all ? undefined : opts.actions;
    const shown = <T extends object>(rows: T[]) => rows.map((r) => redactor.record(r));
    const [run, actors, complaints, events, actions] = await Promise.all([
      store.getRun(runId).then((r) => redactor.record(r!)), store.actors(runId).then(shown), store.complaints(runId).then(shown), store.events(runId).then(shown),
      limit === 0 ? [] : store.actions(runId, limit !== undefined ? { limit } : {}).then(shown),
    ]);
    const names = new Map(actors.map((a) => [a.actorId, a.name]));
    const name = (id: number) => names.get(id) ?? `actor ${id}`;
    const s = styler(output.color);
    const crashEvents = events.filter((e) => e.kind === 'crash');
    // A crash that stopped the run (a checker's, an invariant's) is the run's error, not an actor's crash.
    const actorCrashes = crashEvents.filter((e) => !(e.detail as { fatal?: boolean }).fatal).length;
    output.out(formatRunSummary({ ...run, wallMs: run.wallEndedAt !== null ? run.wallEndedAt - run.wallStartedAt : null, crashes: actorCrashes }, groupComplaints(complaints), name, output.color));
    if (run.file) output.out(s.dim(`  file        ${run.file}\n`));
    const shard = shardOfRun(run);
    if (shard) output.out(`  shard       ${shard.index}/${shard.count} of group ${shard.group} ${s.dim(`(\`beamulator show ${shard.group}\` shows them all)`)}\n`);
    if (run.kind === 'replay') output.out(`  replay of   ${run.parentRunId ?? '?'}: ${describeComparison(run.comparison, s)}\n`);
    if (run.kind === 'fuzz') {
      output.out(`  fuzz        ${describeFuzzRun(run.config, s)}\n`);
      const failure = storedFailureOf(run);
      if (failure) output.out(`  failure     ${s.red(fuzzFailureLine(failure))}\n`);
    }
    if (run.error) output.out(`  error       ${s.red(run.error)}\n`);
    if (complaints.length > 0) {
      output.out(`\n${s.bold('complaints')}\n`);
      for (const c of complaints.slice(0, 20)) {
        output.out(`  ${c.severity.padEnd(9)} ${formatClock(c.simTime).padStart(8)}  ${name(c.actorId).padEnd(18)} ${c.message}${c.actionSeq !== null ? s.dim(` (action #${c.actionSeq})`) : ''}\n`);
      }
      if (complaints.length > 20) output.out(s.dim(`  ... ${complaints.length - 20} more (--json for all)\n`));
    }
    if (crashEvents.length > 0) {
      output.out(`\n${s.bold('crashes')}\n`);
      for (const e of crashEvents.slice(0, 10)) {
        // Runs recorded before crashes named what threw and where (`what`, `at`) show their stack's first frame.
        const detail = e.detail as { error?: string; turn?: number; stack?: string[]; what?: string; at?: string | null; fatal?: boolean };
        const who = e.actorId === null ? 'the run' : name(e.actorId);
        const when = detail.turn !== undefined ? ` (turn ${detail.turn})` : '';
        const where = detail.what !== undefined ? (detail.at ? ` at ${detail.at}` : '') : detail.stack?.[0] ? ` ${detail.stack[0]}` : '';
        output.out(`  ${formatClock(e.simTime).padStart(8)}  ${who.padEnd(18)} ${detail.fatal ? `${detail.what} threw ` : ''}${detail.error ?? '?'}${when}${s.dim(where)}\n`);
      }
      if (crashEvents.length > 10) output.out(s.dim(`  ... ${crashEvents.length - 10} more (--json for all)\n`));
    }
    const controls = events.filter((e) => e.kind === 'control');
    if (controls.length > 0) {
      output.out(`\n${s.bold('control calls')} ${s.dim('(changes made while it ran; a replay makes them again)')}\n`);
      for (const e of controls.slice(0, 10)) output.out(`  ${formatClock(e.simTime).padStart(8)}  ${controlLine(e.detail, name)}\n`);
      if (controls.length > 10) output.out(s.dim(`  ... ${controls.length - 10} more (--json for all)\n`));
    }
    if (actions.length > 0) {
      output.out(`\n${s.bold('actions')}${actions.length < run.summary.actions ? s.dim(` (first ${actions.length} of ${run.summary.actions}; --all for every one)`) : ''}\n`);
      const probes = probesOf(events);
      for (const a of actions) output.out(`  ${formatActionLine(a, { actor: name(a.actorId), redactor, color: output.color, probeOf: probes[a.seq] })}\n`);
    }
    return ExitCode.ok;
  });
}

/**
 * `show --json`: `{ run, actors, actions, complaints, events }` as JSON.stringify(value, null, 2)
 * would print it, written a chunk of rows at a time (a run of any size in bounded memory).
 */
async function writeRunJson(store: RunStore, runId: string, redactor: Redactor, output: Output): Promise<void> {
  const pretty = (value: unknown, depth: number) => cliJson(value).replaceAll('\n', `\n${'  '.repeat(depth)}`);
  output.out(`{\n  "run": ${pretty(redactor.record((await store.getRun(runId))!), 1)}`);
  for (const table of ['actors', 'actions', 'complaints', 'events'] as const) {
    let n = 0;
    output.out(`,\n  "${table}": [`);
    await store.scan(table, runId, async (rows) => {
      output.out(rows.map((r) => `${n++ === 0 ? '\n' : ',\n'}    ${pretty(redactor.record(r), 2)}`).join(''));
      await output.drained?.();
    });
    output.out(n === 0 ? ']' : '\n  ]');
  }
  output.out('\n}\n');
}

/** One line about a fuzz run: it is a shrunk failure driven by tapes (the seed does not make it), and how it reproduced. */
function describeFuzzRun(config: unknown, s: ReturnType<typeof styler>): string {
  const meta = (config as { meta?: { fuzzSpec?: { actors?: unknown[]; overlap?: boolean }; reproduced?: Reproduction | null } } | null)?.meta;
  const actors = meta?.fuzzSpec?.actors?.length ?? 0;
  const r = meta?.reproduced;
  // A run recorded before reproduction moved to fresh processes keeps another shape: not described.
  const described = r && typeof r.attempts === 'number' ? describeReproduction(r) : null;
  const reproduced = !described ? 'reproduction not checked'
    : described.flaky ? s.yellow(`FLAKY: ${described.text}`) : described.unchecked ? described.text : s.green(described.text);
  return `a shrunk failure of ${actors} actor${actors === 1 ? '' : 's'} on choice tapes (overlap ${meta?.fuzzSpec?.overlap ? 'on' : 'off'}; the seed plays no part), ${reproduced}`;
}

/** One line about a replay's comparison with its parent run. */
function describeComparison(comparison: unknown, s: ReturnType<typeof styler>): string {
  const c = comparison as { mode?: string; offline?: boolean; compared?: number; divergences?: number; first?: { seq: number; action: string; kind: string } | null } | null;
  if (!c) return 'no comparison stored (the replay did not finish)';
  const how = `${c.mode ?? '?'}${c.offline ? ', offline' : ''}`;
  if (!c.divergences) return `${s.green('identical')} (${how}, ${c.compared ?? 0} actions compared)`;
  const first = c.first ? `, first at action #${c.first.seq} ${c.first.action} (${c.first.kind})` : '';
  return `${s.red('diverged')} (${how}): ${c.divergences} divergences${first}`;
}
