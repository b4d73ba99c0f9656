import type { ComplaintRecord, RunSummary, Severity } from '../store/records.ts';
import { severities } from '../store/records.ts';
import { formatClock, formatDuration, toSeconds } from '../util/duration.ts';
import { styler } from './output.ts';
import { paramText } from '../util/param-text.ts';

export interface RunHeadline {
  runId: string;
  simulation: string;
  seed: string;
  status: string;
  stopReason: string | null;
  simDurationMs: number;
  wallMs: number | null;
  summary: RunSummary;
  crashes: number;
  /** The run's resolved parameters (null: recorded before runs had them). */
  params?: Readonly<Record<string, unknown>> | null;
  /** Where each parameter's value came from, when known (a live run): env ones are marked. */
  paramSources?: Readonly<Record<string, string>>;
}

export interface ComplaintGroup {
  severity: Severity;
  message: string;
  count: number;
  first: ComplaintRecord;
}

/** Groups complaints by (severity, message), most serious first, keeping the first occurrence. */
export function groupComplaints(complaints: Iterable<ComplaintRecord>): ComplaintGroup[] {
  const groups = new Map<string, ComplaintGroup>();
  for (const c of complaints) {
    const key = `${c.severity}\u0000${c.message}`;
    const g = groups.get(key);
    if (g) g.count++;
    else groups.set(key, { severity: c.severity, message: c.message, count: 1, first: c });
  }
  return [...groups.values()].sort((a, b) => severities.indexOf(a.severity) - severities.indexOf(b.severity) || b.count - a.count);
}

/** The summary `beamulator run` and `show` print. */
export function formatRunSummary(run: RunHeadline, groups: ComplaintGroup[], actorName: (id: number) => string, color: boolean): string {
  const s = styler(color);
  const { summary } = run;
  const lines: string[] = [];
  const status = run.status === 'completed' ? s.green(run.status) : run.status === 'running' ? s.cyan(run.status) : s.yellow(run.status);
  lines.push(`${s.bold(`run ${run.runId}`)}  ${run.simulation}  seed ${run.seed}  ${status}${run.stopReason ? ` (${run.stopReason})` : ''}`);
  const params = Object.entries(run.params ?? {});
  if (params.length > 0) lines.push(`  params      ${params.map(([name, value]) => formatParam(name, value, run.paramSources?.[name], s)).join('  ')}`);
  const wall = run.wallMs !== null ? ` in ${formatDuration(Math.round(run.wallMs))} wall` : '';
  lines.push(`  sim time    ${formatDuration(toSeconds(run.simDurationMs))}${wall}, ${summary.actors} actors`);
  const o = summary.byOutcome;
  lines.push(`  actions     ${summary.actions}  (ok ${o.ok}, error ${o.error > 0 ? s.yellow(o.error) : 0}, crash ${o.crash > 0 ? s.red(o.crash) : 0})`);
  const v = summary.bySeverity;
  const complaintsLine = `  complaints  ${summary.complaints}  (urgent ${v.urgent > 0 ? s.red(v.urgent) : 0}, annoying ${v.annoying > 0 ? s.yellow(v.annoying) : 0}, justsayin ${v.justsayin})`;
  lines.push(complaintsLine);
  for (const g of groups.slice(0, 8)) {
    const mark = g.severity === 'urgent' ? s.red(g.severity) : g.severity === 'annoying' ? s.yellow(g.severity) : g.severity;
    const at = `first by ${actorName(g.first.actorId)} at ${formatClock(g.first.simTime)}${g.first.actionSeq !== null ? `, action #${g.first.actionSeq}` : ''}`;
    lines.push(`    ${mark.padEnd(color ? mark.length + (9 - g.severity.length) : 9)} ${g.count}x ${g.message} ${s.dim(`(${at})`)}`);
  }
  if (groups.length > 8) lines.push(s.dim(`    ... ${groups.length - 8} more kinds of complaint`));
  if (run.crashes > 0) lines.push(`  crashes     ${s.red(run.crashes)} behavior crash${run.crashes === 1 ? '' : 'es'} (actors restarted; see the run's events)`);
  return lines.join('\n') + '\n';
}

function formatParam(name: string, value: unknown, source: string | undefined, s: ReturnType<typeof styler>): string {
  const text = paramText(value);
  return `${name}=${text === '' ? s.dim('(empty)') : text}${source?.startsWith('env ') ? s.dim(` (${source})`) : ''}`;
}
