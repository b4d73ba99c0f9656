import { describe, expect, it } from 'vitest';
import { lostUpdate, monotonicReads, readYourWrites } from '../../src/checkers/index.ts';
import type { Json } from '../../src/store/records.ts';
import { act, feed, item, itemModel, type Item } from './helpers.ts';

describe('readYourWrites', () => {
  const ryw = readYourWrites(itemModel);

  it('flags a read of my own write that shows the old value, pointing at the write and the read', () => {
    const write = act(0, 'setDone', { id: 't1' }, item('t1', { done: true, version: 2 }));
    const read = act(0, 'list', {}, [item('t1', { done: false })]);
    const found = feed(ryw, [act(0, 'list', {}, [item('t1')]), write, read]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      actorId: 0, actionSeq: read.seq, simTime: read.simTime,
      actions: { write: write.seq, read: read.seq },
      detail: { key: 't1', field: 'done', written: true, shown: false },
    });
  });

  it('complains once per write, and is silent when the read shows the write', () => {
    const stale = [item('t1')];
    expect(feed(ryw, [act(0, 'setDone', { id: 't1' }, null), act(0, 'list', {}, stale), act(0, 'get', { id: 't1' }, item('t1'))])).toHaveLength(1);
    expect(feed(ryw, [act(0, 'setDone', { id: 't1' }, null), act(0, 'get', { id: 't1' }, item('t1', { done: true }))])).toEqual([]);
  });

  it("does not hold another actor to my write, nor me once someone else wrote the field", () => {
    expect(feed(ryw, [act(0, 'setDone', { id: 't1' }, null), act(1, 'list', {}, [item('t1')])])).toEqual([]);
    expect(feed(ryw, [act(0, 'rename', { id: 't1', title: 'a' }, null), act(1, 'rename', { id: 't1', title: 'b' }, null), act(0, 'get', { id: 't1' }, item('t1', { title: 'b' }))])).toEqual([]);
    // Another actor's write of a different field leaves my expectation standing.
    expect(feed(ryw, [act(0, 'setDone', { id: 't1' }, null), act(1, 'rename', { id: 't1', title: 'b' }, null), act(0, 'get', { id: 't1' }, item('t1', { title: 'b' }))])).toHaveLength(1);
  });

  it('forgets a deleted key, and a write that failed', () => {
    expect(feed(ryw, [act(0, 'setDone', { id: 't1' }, null), act(1, 'remove', { id: 't1' }, null), act(0, 'get', { id: 't1' }, item('t1'))])).toEqual([]);
    expect(feed(ryw, [act(0, 'setDone', { id: 't1' }, null), act(0, 'setDone', { id: 't1' }, null, { outcome: 'error' }), act(0, 'get', { id: 't1' }, item('t1'))])).toEqual([]);
  });

  it('judges nothing that another actor may have raced within the same step, whatever order the records arrive in', () => {
    // Step 5: actor 0 renames to 'a' and reads back 'b', while actor 1 renames to 'b' (finished last, smaller seq).
    const records = [
      act(0, 'rename', { id: 't1', title: 'a' }, null, { step: 5, seq: 101 }),
      act(0, 'get', { id: 't1' }, item('t1', { title: 'b' }), { step: 5, seq: 102 }),
      act(1, 'rename', { id: 't1', title: 'b' }, null, { step: 5, seq: 100 }),
      act(0, 'get', { id: 't1' }, item('t1', { title: 'b' }), { step: 6, seq: 103 }),
    ];
    expect(feed(ryw, records)).toEqual([]);
  });

  it('reports a step only once the step is over (or at the end)', () => {
    const run = ryw.start();
    expect(run.onAction(act(0, 'setDone', { id: 't1' }, null, { step: 1, seq: 1 }))).toBeNull();
    expect(run.onAction(act(0, 'get', { id: 't1' }, item('t1'), { step: 1, seq: 2 }))).toBeNull();
    const v = run.onAction(act(2, 'other', {}, null, { step: 2, seq: 3 }));
    expect(v).toHaveLength(1);
    expect(run.atEnd!()).toBeNull();
  });

  it('keeps no state between runs', () => {
    const records = [act(0, 'setDone', { id: 't1' }, null), act(0, 'get', { id: 't1' }, item('t1'))];
    expect(feed(ryw, records)).toHaveLength(1);
    expect(feed(ryw, records.slice(1))).toEqual([]);
  });
});

describe('readYourWrites: lost creates', () => {
  const model = {
    ...itemModel,
    writes: { ...itemModel.writes, create: (_args: Record<string, Json>, created: Item | null) => created && { key: created.id, fields: { title: created.title } } },
    listings: { list: true, search: (args: { title?: string }) => args.title === undefined },
    reads: { ...itemModel.reads, search: itemModel.reads.list! },
  };
  const ryw = readYourWrites(model);

  it("flags my listing that misses what I created, pointing at the create and the listing, once", () => {
    const create = act(0, 'create', {}, item('t9'));
    const listing = act(0, 'list', {}, [item('t1')]);
    const found = feed(ryw, [create, act(0, 'list', {}, [item('t1'), item('t9')]), listing, act(0, 'list', {}, [])]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      message: "read-your-writes: my listing does not show 't9', which I wrote and nobody deleted",
      actorId: 0, actionSeq: listing.seq, actions: { write: create.seq, read: listing.seq }, detail: { key: 't9', missing: true },
    });
  });

  it('judges only listings: a get, a filtered search, another actor and a failed create prove nothing', () => {
    expect(feed(ryw, [act(0, 'create', {}, item('t9')), act(0, 'get', { id: 't1' }, item('t1')), act(0, 'search', { title: 'x' }, [])])).toEqual([]);
    expect(feed(ryw, [act(0, 'create', {}, item('t9')), act(0, 'search', {}, [])])).toHaveLength(1);
    expect(feed(ryw, [act(0, 'create', {}, item('t9')), act(1, 'list', {}, [])])).toEqual([]);
    expect(feed(ryw, [act(0, 'create', {}, null, { outcome: 'error' }), act(0, 'list', {}, [])])).toEqual([]);
  });

  it('forgets an entity that anyone deleted or tried to, or that someone else deleted in the same step', () => {
    expect(feed(ryw, [act(0, 'create', {}, item('t9')), act(1, 'remove', { id: 't9' }, null), act(0, 'list', {}, [])])).toEqual([]);
    expect(feed(ryw, [act(0, 'create', {}, item('t9')), act(0, 'remove', { id: 't9' }, null, { outcome: 'error' }), act(0, 'list', {}, [])])).toEqual([]);
    expect(feed(ryw, [act(0, 'create', {}, item('t9'), { step: 1 }), act(1, 'remove', { id: 't9' }, null, { step: 2, seq: 900 }), act(0, 'list', {}, [], { step: 2, seq: 901 })])).toEqual([]);
  });

  it('an update counts as a write too, and allowDrops turns the check off', () => {
    const records = () => [act(0, 'setDone', { id: 't1' }, null), act(0, 'list', {}, [])];
    expect(feed(ryw, records())).toHaveLength(1);
    expect(feed(readYourWrites({ ...model, allowDrops: true }), records())).toEqual([]);
    expect(feed(readYourWrites(itemModel), records())).toEqual([]);
  });
});

describe('monotonicReads', () => {
  const mono = monotonicReads({ reads: itemModel.reads, deletes: itemModel.deletes!, version: (t: { version: number }) => t.version });

  it('flags a read older than one the actor saw before, once per version seen', () => {
    const first = act(0, 'get', { id: 't1' }, item('t1', { version: 3 }));
    const older = act(0, 'list', {}, [item('t1', { version: 2 })]);
    const found = feed(mono, [act(0, 'list', {}, [item('t1', { version: 1 })]), first, older, act(0, 'list', {}, [item('t1', { version: 2 })])]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ actorId: 0, actionSeq: older.seq, actions: { earlier: first.seq, read: older.seq }, detail: { key: 't1', sawVersion: 3, nowVersion: 2 } });
  });

  it('is per actor, and starts over after a delete', () => {
    expect(feed(mono, [act(0, 'get', { id: 't1' }, item('t1', { version: 3 })), act(1, 'get', { id: 't1' }, item('t1', { version: 1 }))])).toEqual([]);
    expect(feed(mono, [act(0, 'get', { id: 't1' }, item('t1', { version: 3 })), act(1, 'remove', { id: 't1' }, null), act(0, 'get', { id: 't1' }, item('t1', { version: 1 }))])).toEqual([]);
  });
});

describe('lostUpdate', () => {
  const lost = lostUpdate(itemModel);

  it('flags a read missing a write that overlapped another actor’s write of the same key', () => {
    const complete = act(0, 'setDone', { id: 't1' }, null, { step: 10, seq: 20 });
    const rename = act(1, 'rename', { id: 't1', title: 'renamed' }, null, { step: 10, seq: 21 });
    const read = act(0, 'list', {}, [item('t1', { title: 'renamed', done: false })], { step: 11, seq: 22 });
    const found = feed(lost, [rename, complete, read]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      actorId: 0, actionSeq: 22, actions: { write: 20, overlapping: [21], read: 22 },
      detail: { key: 't1', field: 'done', written: [true], shown: false },
    });
  });

  it('is silent when both overlapping writes stick, and accepts either of two racing writes of one field', () => {
    const both = [
      act(0, 'setDone', { id: 't1' }, null, { step: 10, seq: 20 }),
      act(1, 'rename', { id: 't1', title: 'renamed' }, null, { step: 10, seq: 21 }),
      act(2, 'get', { id: 't1' }, item('t1', { title: 'renamed', done: true }), { step: 11, seq: 22 }),
    ];
    expect(feed(lost, both)).toEqual([]);
    const race = [
      act(0, 'rename', { id: 't1', title: 'a' }, null, { step: 10, seq: 20 }),
      act(1, 'rename', { id: 't1', title: 'b' }, null, { step: 10, seq: 21 }),
      act(2, 'get', { id: 't1' }, item('t1', { title: 'a' }), { step: 11, seq: 22 }),
    ];
    expect(feed(lost, race)).toEqual([]);
  });

  it('by default ignores a missed write that overlapped nothing (a stale read); requireOverlap: false reports it', () => {
    const records = [act(0, 'setDone', { id: 't1' }, null), act(1, 'list', {}, [item('t1')])];
    expect(feed(lost, records)).toEqual([]);
    expect(feed(lostUpdate({ ...itemModel, requireOverlap: false }), records)).toMatchObject([{ actorId: 1, actions: { write: records[0]!.seq, overlapping: [], read: records[1]!.seq } }]);
  });

  it('does not judge a read racing a write, and forgets failed writes and deleted keys', () => {
    const racing = [
      act(0, 'setDone', { id: 't1' }, null, { step: 10, seq: 20 }),
      act(1, 'rename', { id: 't1', title: 'x' }, null, { step: 10, seq: 21 }),
      act(2, 'get', { id: 't1' }, item('t1'), { step: 10, seq: 22 }),
    ];
    expect(feed(lost, racing)).toEqual([]);
    const failed = [...racing.slice(0, 2), act(0, 'setDone', { id: 't1' }, null, { step: 12, seq: 23, outcome: 'error' }), act(2, 'get', { id: 't1' }, item('t1', { title: 'x' }), { step: 13, seq: 24 })];
    expect(feed(lost, failed)).toEqual([]);
    const deleted = [...racing.slice(0, 2), act(3, 'remove', { id: 't1' }, null, { step: 12, seq: 23 }), act(2, 'get', { id: 't1' }, item('t1'), { step: 13, seq: 24 })];
    expect(feed(lost, deleted)).toEqual([]);
  });
});
