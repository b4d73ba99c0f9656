import { describe, expect, it } from 'vitest';
import { controlLine } from '../../src/format/control-line.ts';
import type { Json } from '../../src/store/records.ts';

const name = (id: number) => ['Ann', 'Bob'][id] ?? `actor ${id}`;

describe('controlLine (show)', () => {
  it('says what each control call changed, about whom, and where it came from', () => {
    const calls: Json[] = [
      { op: 'spawn', behavior: 'Shopper', count: 2, ids: [4, 5], source: 'dashboard', clientId: 'tab-1' },
      { op: 'remove', actor: 1, source: 'api' },
      { op: 'replace', actor: 0, behavior: 'Auditor', source: 'script' },
      { op: 'runAction', actor: 0, action: 'buy', args: { item: 'lamp' }, source: 'api' },
      { op: 'setState', actor: 1, patch: { vip: true }, source: 'api' },
      { op: 'setState', actor: 1, state: { n: 1 }, source: 'replay' },
      { op: 'tag', actor: 0, tag: 'vip', source: 'api' },
      { op: 'untag', actor: 0, tag: 'vip', source: 'api' },
      { op: 'send', to: 1, body: { sale: 0.2 }, source: 'api' },
      { op: 'send', to: { tag: 'seller' }, body: 'hi' },
    ];
    expect(calls.map((d) => controlLine(d, name))).toEqual([
      'spawn 2 Shopper: #4, #5  (dashboard tab-1)',
      'remove Bob  (api)',
      "replace Ann's behavior with Auditor  (script)",
      'run buy({"item":"lamp"}) as Ann  (api)',
      'set Bob\'s state + {"vip":true}  (api)',
      'set Bob\'s state = {"n":1}  (replay)',
      'tag Ann vip  (api)',
      'untag Ann vip  (api)',
      'send {"sale":0.2} to Bob  (api)',
      'send "hi" to {"tag":"seller"}  (api)',
    ]);
  });
});
