import type { EventRecord } from '../store/records.ts';
import { previewJson } from './json-preview.ts';

/**
 * One `control` event (a RunControl call) on one line, for `show`: what changed, who it was
 * about, and where the call came from.
 *
 * @example
 * controlLine({ op: 'spawn', behavior: 'Shopper', count: 2, ids: [4, 5], source: 'dashboard', clientId: 'tab-1' }, name);
 * // 'spawn 2 Shopper: #4, #5  (dashboard tab-1)'
 */
export function controlLine(detail: EventRecord['detail'], name: (actorId: number) => string): string {
  const d = (detail ?? {}) as Record<string, unknown>;
  const who = typeof d.actor === 'number' ? name(d.actor) : '';
  const from = `(${String(d.source ?? 'api')}${d.clientId !== undefined ? ` ${String(d.clientId)}` : ''})`;
  const what = (() => {
    switch (d.op) {
      case 'spawn': return `spawn ${String(d.count)} ${String(d.behavior)}: ${((d.ids as number[] | undefined) ?? []).map((id) => `#${id}`).join(', ')}`;
      case 'remove': return `remove ${who}`;
      case 'replace': return `replace ${who}'s behavior with ${String(d.behavior)}`;
      case 'runAction': return `run ${String(d.action)}(${previewJson(d.args, 40)}) as ${who}`;
      case 'setState': return `set ${who}'s state ${'patch' in d ? `+ ${previewJson(d.patch, 40)}` : `= ${previewJson(d.state, 40)}`}`;
      case 'tag': return `tag ${who} ${String(d.tag)}`;
      case 'untag': return `untag ${who} ${String(d.tag)}`;
      case 'send': return `send ${previewJson(d.body, 40)} to ${typeof d.to === 'number' ? name(d.to) : previewJson(d.to, 30)}`;
      default: return String(d.op);
    }
  })();
  return `${what}  ${from}`;
}
