import type { ActionRecord } from '../store/records.ts';
import { Redactor } from '../store/redact.ts';
import { formatClock } from '../util/duration.ts';
import { previewJson } from './json-preview.ts';
import { styler } from './styler.ts';

/** How one action line is drawn. */
export interface ActionLineOptions {
  /** The actor's name; null leaves the column out (lines that are all one actor's). */
  actor: string | null;
  /**
   * What the args and the answer hide (default: the built-in rules). Commands pass the project
   * config's patterns too, so a value recorded before a pattern was added is hidden as well.
   */
  redactor?: Redactor;
  color?: boolean;
  /** The invariant this action was a probe of, if it was one. */
  probeOf?: string;
  /** Seqs of other actors' actions of the same engine step (they ran concurrently). */
  concurrent?: readonly number[];
  /** Bold: the action a failure points at. */
  failing?: boolean;
}

/** Width of the args; the args and the answer (result or error) together get `lineWidth`. */
const argsWidth = 70;
const lineWidth = 150;
const builtIn = new Redactor();

/**
 * One action on one line, the same wherever actions are listed (`show`, fuzz and shrink results,
 * replay reports, vitest messages): seq, sim time, actor, action, args, outcome and the answer
 * (result or error), with secrets redacted and long values clipped (see previewJson).
 *
 * @example
 * formatActionLine(action, { actor: 'Organizer 1' });
 * // '#8   0:16:00  Organizer 1      completeTodo({"user":{"username":"Kian89-0","password":"[redacted]",…+1},"id":"t1"}) ok {"id":"t1","title":"Inflammatio sumo pax.","completed":true,"team":"red",…+3}'
 */
export function formatActionLine(a: ActionRecord, options: ActionLineOptions): string {
  const s = styler(options.color ?? false);
  const redactor = options.redactor ?? builtIn;
  const outcome = a.outcome === 'ok' ? s.green('ok') : a.outcome === 'error' ? s.yellow('error') : s.red('crash');
  const args = previewJson(redactor.value(a.args), argsWidth);
  const answer = a.outcome === 'ok' ? previewJson(redactor.value(a.result), lineWidth - args.length) : (a.error ?? '');
  const actor = options.actor === null ? '' : `${options.actor.padEnd(16)} `;
  const concurrent = options.concurrent?.length ? `${s.yellow(`[with ${options.concurrent.map((n) => `#${n}`).join(', ')}]`)} ` : '';
  const line = `#${String(a.seq).padEnd(3)} ${formatClock(a.simTime).padStart(7)}  ${actor}${concurrent}${probeMark(options.probeOf, s)}${a.action}(${args}) ${outcome}${answer ? ` ${s.dim(answer)}` : ''}`;
  return options.failing ? s.bold(line) : line;
}

/** Marks an invariant's probe (see the `probe` events), so a reader can tell it from what the behaviors chose. */
function probeMark(invariant: string | undefined, s: ReturnType<typeof styler>): string {
  return invariant === undefined ? '' : `${s.dim(`[probe of ${invariant}]`)} `;
}
