/**
 * `beamulator stats <run-id | group-id>`: latency percentiles per action, rates per behavior in
 * sim and wall time, error ratios and a complaint timeline, computed by DuckDB over the store.
 */
import type { Command } from 'commander';
import { defaultStorePath } from '../store/default-store-path.ts';
import type { RunStats } from '../store/run-stats.ts';
import { formatClock, formatDuration, toSeconds } from '../util/duration.ts';
import { ExitCode } from '../util/errors.ts';
import { cliJson } from '../util/strict-json.ts';
import { styler, type Output } from './output.ts';
import { recoveringNotice } from './recovering-notice.ts';
import { outputRedactor, type ProjectOptions } from './project-config.ts';

export interface StatsOptions extends ProjectOptions {
  db: string;
  json?: boolean;
}

/** Adds `stats` to the program. */
export function registerStatsCommand(program: Command, output: Output, setCode: (code: number) => void): void {
  program.command('stats')
    .argument('<run>', "a run id (or prefix, or 'latest'), or the group id of a sharded run")
    .description('statistics of a recorded run: latency per action, rates per behavior, error ratios, complaints over sim time')
    .option('--db <path>', 'run store file', defaultStorePath)
    .option('--json', 'print as JSON')
    .action(async (ref: string, opts: StatsOptions) => {
      setCode(await statsCommand(ref, opts, output));
    });
}

export async function statsCommand(ref: string, opts: StatsOptions, output: Output): Promise<number> {
  const [{ openStore }, { readRunStats }, { runsOfRef }] = await Promise.all([
    import('../store/duckdb-store.ts'), import('../store/run-stats.ts'), import('./show-group.ts'),
  ]);
  const store = await openStore(opts.db, { readOnly: true, onRecovering: recoveringNotice(output, opts.db) });
  let stats: RunStats;
  let title: string;
  try {
    const runs = await runsOfRef(store, ref);
    title = runs.title;
    stats = await readRunStats(store, runs.runIds);
  } finally {
    await store.close();
  }
  // Complaint messages are the user's text, stored redacted; today's config patterns apply too.
  const redactor = outputRedactor(opts.projectConfig);
  stats = { ...stats, topComplaints: stats.topComplaints.map((c) => redactor.record(c)) };
  if (opts.json) {
    output.out(`${cliJson(stats)}\n`);
    return ExitCode.ok;
  }
  output.out(formatStats(title, stats, output.color));
  return ExitCode.ok;
}

const ms = (v: number | null) => (v === null ? '-' : v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0));
const pct = (ratio: number) => `${(ratio * 100).toFixed(1)}%`;
const rate = (v: number | null) => (v === null ? '-' : v < 10 ? v.toFixed(2) : v < 1000 ? v.toFixed(1) : Math.round(v).toLocaleString('en'));

function formatStats(title: string, stats: RunStats, color: boolean): string {
  const s = styler(color);
  const lines: string[] = [s.bold(title)];
  const wall = stats.wallMs !== null ? ` in ${formatDuration(Math.round(stats.wallMs))} wall` : '';
  lines.push(`  ${stats.actions} actions by ${stats.actors} actors, ${formatDuration(toSeconds(stats.simDurationMs))} of sim time${wall}; ${stats.failedRatio > 0 ? s.yellow(pct(stats.failedRatio)) : '0%'} failed`);
  if (stats.byAction.length > 0) {
    const width = Math.max(6, ...stats.byAction.map((a) => a.action.length));
    lines.push('', s.dim(`  ${'ACTION'.padEnd(width)} ${'COUNT'.padStart(7)} ${'OK'.padStart(7)} ${'ERROR'.padStart(6)} ${'CRASH'.padStart(6)} ${'FAILED'.padStart(7)}   ${'P50'.padStart(7)} ${'P90'.padStart(7)} ${'P99'.padStart(7)} ${'MAX'.padStart(7)}  (latency, ms)`));
    for (const a of stats.byAction) {
      const failed = pct(a.failedRatio).padStart(7);
      lines.push(`  ${a.action.padEnd(width)} ${String(a.count).padStart(7)} ${String(a.ok).padStart(7)} ${String(a.error).padStart(6)} ${String(a.crash).padStart(6)} ${a.failedRatio > 0 ? s.yellow(failed) : failed}   ${ms(a.p50).padStart(7)} ${ms(a.p90).padStart(7)} ${ms(a.p99).padStart(7)} ${ms(a.max).padStart(7)}`);
    }
  }
  if (stats.byBehavior.length > 0) {
    const width = Math.max(8, ...stats.byBehavior.map((b) => b.behavior.length));
    lines.push('', s.dim(`  ${'BEHAVIOR'.padEnd(width)} ${'ACTORS'.padStart(7)} ${'ACTIONS'.padStart(8)} ${'FAILED'.padStart(7)} ${'PER SIM H'.padStart(10)} ${'PER WALL S'.padStart(11)}`));
    for (const b of stats.byBehavior) {
      lines.push(`  ${b.behavior.padEnd(width)} ${String(b.actors).padStart(7)} ${String(b.actions).padStart(8)} ${String(b.failed).padStart(7)} ${rate(b.perSimHour).padStart(10)} ${rate(b.perWallSecond).padStart(11)}`);
    }
  }
  if (stats.pace.length > 0) {
    lines.push('', s.dim(`  paced (lag: actual minus intended dispatch time of each turn, wall ms)`));
    for (const p of stats.pace) {
      const shard = stats.pace.length > 1 ? `${p.runId}  ` : '';
      const speed = p.endSpeed !== null && p.endSpeed !== p.speed ? `speed ${p.speed}x (${p.endSpeed}x at the end)` : `speed ${p.speed}x`;
      const changes = p.changes > 0 ? `, ${p.changes} pause/speed change${p.changes === 1 ? '' : 's'}` : '';
      const lag = p.turns === null ? 'lag unknown (the run did not end: killed or still running)' : `lag p50 ${ms(p.lagP50Ms)}  p99 ${ms(p.lagP99Ms)}  max ${ms(p.lagMaxMs)} over ${p.turns} turns`;
      const late = p.lagP99Ms !== null && p.lagP99Ms > 100 ? s.yellow(lag) : lag;
      lines.push(`  ${shard}${speed}${changes}: ${late}`);
    }
  }
  const withComplaints = stats.complaintTimeline.filter((b) => b.bySeverity.urgent + b.bySeverity.annoying + b.bySeverity.justsayin > 0);
  if (withComplaints.length === 0) {
    lines.push('', '  no complaints');
  } else {
    lines.push('', s.dim(`  complaints over sim time (${stats.complaintTimeline.length} slices of ${formatDuration(toSeconds(stats.complaintTimeline[0]!.to))})`));
    for (const b of stats.complaintTimeline) {
      const { urgent, annoying, justsayin } = b.bySeverity;
      const total = urgent + annoying + justsayin;
      const bar = total > 0 ? `${s.red('#'.repeat(Math.min(urgent, 40)))}${s.yellow('#'.repeat(Math.min(annoying, 40)))}${'.'.repeat(Math.min(justsayin, 40))}` : '';
      lines.push(`  ${formatClock(b.from).padStart(8)}  ${String(total).padStart(5)}  ${bar}`.trimEnd());
    }
    lines.push('', s.dim('  most frequent complaints'));
    for (const c of stats.topComplaints) {
      const mark = c.severity === 'urgent' ? s.red(c.severity) : c.severity === 'annoying' ? s.yellow(c.severity) : c.severity;
      lines.push(`  ${mark.padEnd(color ? 9 + 10 : 9)} ${String(c.count).padStart(5)}x  ${c.message}  ${s.dim(`(first at ${formatClock(c.firstAt)})`)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
