import { formatActionLine } from '../format/action-line.ts';
import { previewJson } from '../format/json-preview.ts';
import { styler } from '../format/styler.ts';
import { formatClock, formatDuration } from '../util/duration.ts';
import type { ActorRecord, ComplaintRecord } from '../store/records.ts';
import { Redactor } from '../store/redact.ts';
import type { DivergenceKind, DivergentPage } from './compare.ts';
import type { ReplayReport } from './replay-run.ts';
import { clip } from '../util/clip.ts';

const kindText: Record<DivergenceKind, string> = {
  'simulation-changed': 'the simulation changed: the replay made a different action here',
  'carried-over': 'a value the target answered differently earlier went into this action',
  'result-changed': 'the target answered differently',
  'request-changed': 'the action sent a different request than the recording',
  'complaint-changed': 'the replay raised a different complaint on this action',
  missing: 'the replay ended before this action',
  extra: 'the replay made an action the original did not',
};

/**
 * The one-screen replay report (identical) or the first divergence with its context (diverged).
 * `redactor`: what the shown values hide besides what the report was redacted with (the CLI's project config).
 */
export function formatReplayReport(
  report: ReplayReport, actors: readonly ActorRecord[], color: boolean, originalComplaints?: readonly ComplaintRecord[], redactor: Redactor = new Redactor(),
): string {
  const s = styler(color);
  const names = new Map(actors.map((a) => [a.actorId, a.name]));
  const name = (id: number) => names.get(id) ?? `actor ${id}`;
  const how = `${report.mode}${report.offline ? ', offline' : ''}`;
  const lines: string[] = [];
  const head = `replay ${report.replayRunId} of run ${report.parentRunId} (${report.simulation}, ${how})`;
  if (report.identical) {
    lines.push(`${s.bold(head)}: ${s.green('identical')}`);
    lines.push(`  ${report.compared} actions compared in ${formatDuration(Math.round(report.wallMs))}`);
  } else {
    const first = report.divergences[0]!;
    lines.push(`${s.bold(head)}: ${s.red('diverged')} at action #${first.seq}`);
    if (report.targetState === 'as-found') {
      lines.push(s.yellow("  the target's prior state was not controlled: it was used as found (no target.reset, not started for the replay), and what it held may explain this. Give the simulation target.reset, or replay against a fresh target"));
    }
    lines.push(`  ${report.divergenceCount} divergence${report.divergenceCount === 1 ? '' : 's'} in ${report.compared} actions compared (original: ${report.original}), ${formatDuration(Math.round(report.wallMs))}`);
    lines.push('');
    // A browser action's result is what its page showed or did, not only what the target answered.
    const why = first.page && first.kind === 'result-changed' ? 'the page showed or did something else' : kindText[first.kind];
    lines.push(`  ${s.bold('first divergence')}: ${why}`);
    lines.push(`    #${first.seq}  ${formatClock(first.simTime)}  ${name(first.actorId)}  ${first.action}(${previewJson(redactor.value(first.args), 90)})`);
    if (report.context.length > 0) {
      lines.push(`  ${s.dim(`before it, ${name(first.actorId)} did (original log):`)}`);
      for (const a of report.context) lines.push(s.dim(`    ${formatActionLine(a, { actor: null, redactor })}`));
    }
    lines.push(`  ${s.bold('original → replay')}:`);
    for (const d of first.differences) lines.push(`    ${d}`);
    if (first.from !== undefined) lines.push(`    ${s.dim(`(the replayed value came from the answer to #${first.from}, which already differed from the recording or was ignored)`)}`);
    if (first.page) lines.push(...pageLines(first.page, s));
    const others = report.divergences.slice(1, 6);
    if (others.length > 0) {
      lines.push(`  ${s.dim('next divergences:')}`);
      for (const d of others) lines.push(s.dim(`    #${d.seq}  ${formatClock(d.simTime)}  ${name(d.actorId)}  ${d.action}: ${d.kind}`));
    }
  }
  if (report.complaints && originalComplaints) {
    const line = complaintsLine(originalComplaints, report.complaints, report.divergences.filter((d) => d.kind === 'complaint-changed').length);
    if (line) lines.push(`  ${line}`);
  }
  if (report.stoppedEarly) {
    const { reason, actions, beyondCut } = report.stoppedEarly;
    lines.push(s.dim(`  the original stopped early (${reason}) after ${actions} actions: the replay stopped there too${beyondCut > 0 ? ` (${beyondCut} past the original's last action, whose turn it cut short, not compared)` : ''}`));
  }
  if (report.seedCheck) lines.push(s.dim(`  --check-target: the target still holds what the run was seeded from (${report.seedCheck.actors} actor${report.seedCheck.actors === 1 ? '' : 's'})`));
  if (report.mintedPairs > 0) lines.push(s.dim(`  ${report.mintedPairs} value${report.mintedPairs === 1 ? '' : 's'} the target minted anew (ids, tokens) paired with the recorded ones`));
  if (report.stoppedBy) lines.push(s.yellow(`  note: after it diverged, your code stopped the replay: ${report.stoppedBy}`));
  if (report.codeChanged) lines.push(s.yellow('  note: the simulation file changed since the run was recorded (its code hash differs)'));
  return lines.join('\n') + '\n';
}

/** What the replay's page showed at a browser action's divergence, its selector, and both screenshots. */
function pageLines(page: DivergentPage, s: ReturnType<typeof styler>): string[] {
  const lines = [`  ${s.bold('the page')} (replay, after the action): ${page.url}${page.title ? ` "${clip(page.title, 60)}"` : ''}`];
  if (page.selector) lines.push(`    selector  ${page.selector}`);
  if (page.selectors.length > 1) lines.push(s.dim(`    acted on  ${page.selectors.join(' → ')}`));
  lines.push(`    showed    ${page.text ? clip(page.text, 200) : '(no text)'}`);
  lines.push(`    screenshots (next to the store): original ${page.originalScreenshot ?? '(none: the original took one only for a failure or complaint)'}`);
  lines.push(`                                     replay   ${page.screenshot ?? '(none: the replay is not stored)'}`);
  return lines;
}

/** Whether the replay raised the original's complaints again: what a user replaying a failure wants to know first. */
function complaintsLine(original: readonly ComplaintRecord[], replay: readonly ComplaintRecord[], changed: number): string | null {
  if (original.length === 0 && replay.length === 0) return null;
  const text = (c: ComplaintRecord) => `${c.severity}: ${c.message}`;
  const same = original.length === replay.length && original.every((c, i) => text(c) === text(replay[i]!) && c.actionSeq === replay[i]!.actionSeq);
  const plural = (n: number) => `${n} complaint${n === 1 ? '' : 's'}`;
  // The same messages, other details (complaint-changed divergences): not "as in the original".
  if (same && changed > 0) return `${plural(replay.length)} raised again, ${changed} with another detail than the original's (complaint-changed above)`;
  if (same) return `${plural(replay.length)} raised again, as in the original (first: ${clip(text(replay[0]!), 90)})`;
  return `complaints differ: the original had ${original.length}, the replay raised ${replay.length}${replay[0] ? ` (first: ${clip(text(replay[0]), 90)})` : ''}`;
}

