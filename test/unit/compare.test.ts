import { describe, expect, it } from 'vitest';
import { compareAction, compareComplaint } from '../../src/replay/compare.ts';
import { MintedValues } from '../../src/replay/minted-values.ts';
import { ReplayNormalizer } from '../../src/replay/replay-normalizer.ts';
import { DivergenceTracker } from '../../src/replay/divergence-tracker.ts';
import { equal } from '../../src/store/json-equal.ts';
import type { ActionRecord, ComplaintRecord } from '../../src/store/records.ts';
import { Redactor } from '../../src/store/redact.ts';

const action = (over: Partial<ActionRecord> = {}): ActionRecord => ({
  runId: 'r', seq: 3, actorId: 1, action: 'listTodos', args: { user: 'a' }, outcome: 'ok', result: [{ id: 't1', done: false }],
  error: null, simTime: 60_000, step: 2, wallStartUs: 0, wallEndUs: 10, latencyMs: 0.01, ...over,
});

describe('replay comparison', () => {
  it('compares a paced run actor by actor: the n-th action of each actor, whatever the order across actors', () => {
    // Recorded: actor 1's two actions around actor 2's; the replay made them in another global order.
    const original = [action({ seq: 0, actorId: 1, args: { n: 1 } }), action({ seq: 1, actorId: 2, args: { n: 1 } }), action({ seq: 2, actorId: 1, args: { n: 2 } })];
    const replay = [action({ seq: 0, actorId: 2, args: { n: 1 } }), action({ seq: 1, actorId: 1, args: { n: 1 } }), action({ seq: 2, actorId: 1, args: { n: 2 } })];
    const bySeq = new DivergenceTracker(original, new ReplayNormalizer());
    for (const a of replay) bySeq.check(a);
    expect(bySeq.identical).toBe(false);
    const perActor = new DivergenceTracker(original, new ReplayNormalizer(), undefined, { perActor: true });
    expect([1, 2, 1].map((id) => perActor.recordedSeqOf(id))).toEqual([0, 1, 2]);
    expect(perActor.recordedSeqOf(2)).toBe(-1);
    for (const a of replay) perActor.check(a);
    perActor.finish();
    expect(perActor.identical).toBe(true);
    // A changed action is reported at the original's seq; one the original never made is extra.
    const changed = new DivergenceTracker(original, new ReplayNormalizer(), undefined, { perActor: true });
    for (const a of [...replay.slice(0, 2), action({ seq: 2, actorId: 1, args: { n: 3 } }), action({ seq: 3, actorId: 2, args: { n: 2 } })]) changed.check(a);
    changed.finish();
    expect(changed.kept.map((d) => [d.kind, d.seq])).toEqual([['simulation-changed', 2], ['extra', 3]]);
  });

  it('compares JSON deeply, ignoring key order', () => {
    expect(equal({ a: 1, b: [1, { c: null }] }, { b: [1, { c: null }], a: 1 })).toBe(true);
    expect(equal({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(equal({ a: 1, b: 2 }, { a: 1 })).toBe(false);
    expect(equal([1, 2], [2, 1])).toBe(false);
    expect(equal([], {})).toBe(false);
    expect(equal(null, {})).toBe(false);
    expect(equal('1', 1)).toBe(false);
  });

  it('finds nothing when the replay did the same, ignoring wall-clock columns', () => {
    expect(compareAction(action(), action({ wallStartUs: 99, latencyMs: 5, runId: 'other' }), new ReplayNormalizer())).toBeNull();
  });

  it('tells a changed simulation from a changed answer, field by field', () => {
    const changedArgs = compareAction(action(), action({ args: { user: 'b' } }), new ReplayNormalizer());
    expect(changedArgs).toMatchObject({ kind: 'simulation-changed', seq: 3, differences: ['args.user: "a" → "b"'] });
    const changedResult = compareAction(action(), action({ result: [{ id: 't1', done: true }] }), new ReplayNormalizer());
    expect(changedResult).toMatchObject({ kind: 'result-changed', differences: ['result[0].done: false → true'] });
    expect(compareAction(action(), undefined, new ReplayNormalizer())).toMatchObject({ kind: 'missing' });
    expect(compareAction(undefined, action(), new ReplayNormalizer())).toMatchObject({ kind: 'extra' });
  });

  it('compares the replay args redacted, as the original was stored', () => {
    expect(compareAction(action({ args: { password: '[redacted]' } }), action({ args: { password: 'hunter2' } }), new ReplayNormalizer())).toBeNull();
  });

  it("lets a value the recording redacted (under whatever rules) match anything, and shows the replay's values redacted", () => {
    // Redacted by a project's extra pattern when recorded: the replay's raw value matches.
    const recorded = action({ args: { session: '[redacted]', user: 'a' }, result: [{ id: 't1', cardNumber: '[redacted]' }] });
    expect(compareAction(recorded, action({ args: { session: 's1', user: 'a' }, result: [{ id: 't1', cardNumber: '4111' }] }), new ReplayNormalizer())).toBeNull();
    // Recorded before a pattern was added: raw on both sides still matches.
    expect(compareAction(action({ args: { session: 's1', user: 'a' } }), action({ args: { session: 's1', user: 'a' } }), new ReplayNormalizer())).toBeNull();
    // A divergence elsewhere shows the replay's secrets redacted by the given rules.
    const d = compareAction(recorded, action({ args: { session: 's1', user: 'b' } }), new ReplayNormalizer(), new Redactor({ extra: ['session'] }));
    expect(d).toMatchObject({ kind: 'simulation-changed', differences: ['args.user: "a" → "b"'], actual: { args: { session: '[redacted]', user: 'b' } } });
    const r = compareAction(recorded, action({ args: { session: 's1', user: 'a' }, result: [{ id: 't2', cardNumber: '4111' }] }), new ReplayNormalizer(), new Redactor({ extra: [/^card/i] }));
    expect(r).toMatchObject({ kind: 'result-changed', actual: { result: [{ id: 't2', cardNumber: '[redacted]' }] } });
    expect(JSON.stringify(r)).not.toContain('4111');
    // The key must still be there.
    expect(compareAction(recorded, action({ args: { user: 'a' } }), new ReplayNormalizer())).toMatchObject({ kind: 'simulation-changed' });
  });

  it('shows every kind of divergence with both sides redacted: an extra or missing action, the original recorded under older rules', () => {
    const redactor = new Redactor({ extra: ['session'] });
    const secret = action({ args: { password: 'pw', session: 's1' }, result: { token: 'tok', session: 's1' } });
    const kinds = [
      compareAction(undefined, secret, new ReplayNormalizer(), redactor),
      compareAction(secret, undefined, new ReplayNormalizer(), redactor),
      compareAction(secret, action({ ...secret, args: { password: 'pw', session: 's2' } }), new ReplayNormalizer(), redactor),
      compareAction(secret, action({ ...secret, outcome: 'error', error: 'HTTP 500' }), new ReplayNormalizer(), redactor),
    ];
    expect(kinds.map((d) => d?.kind)).toEqual(['extra', 'missing', 'simulation-changed', 'result-changed']);
    expect(JSON.stringify(kinds)).not.toMatch(/"pw"|"tok"|"s1"|"s2"/);
    expect(kinds[0]).toMatchObject({ args: { password: '[redacted]', session: '[redacted]' }, actual: { result: { token: '[redacted]', session: '[redacted]' } } });
    // Only a redacted value differs: the divergence says so instead of showing it.
    expect(kinds[2]!.differences).toEqual(['a redacted value differs']);
  });

  it('applies declared ignores (JSONPath, per action) and normalizers', () => {
    const rules = new ReplayNormalizer({ ignore: { listTodos: ['$[*].id'] }, normalize: (r, a) => (a === 'listTodos' && Array.isArray(r) ? r.length : r) });
    expect(compareAction(action(), action({ result: [{ id: 'zzz', done: true }] }), rules)).toBeNull();
    expect(compareAction(action(), action({ result: [] }), rules)).toMatchObject({ kind: 'result-changed', differences: ['result: 1 → 0'] });
    const onlyIds = new ReplayNormalizer({ ignore: ['$..id'] });
    expect(compareAction(action(), action({ result: [{ id: 'x9', done: false }] }), onlyIds)).toBeNull();
    expect(compareAction(action(), action({ result: [{ id: 'x9', done: true }] }), onlyIds)).toMatchObject({ kind: 'result-changed' });
  });

  it('compares complaints: the detail through the rules, minted values paired in the detail and the message', () => {
    const recorded = action({ seq: 0, action: 'createTodo', result: { id: '94ecfc67-0001', at: 5 } });
    const minted = new MintedValues([recorded]);
    // The replay's target minted another id: the result pairs it.
    expect(minted.result(0, recorded.result, { id: '3b1d0e42-0002', at: 5 })).toEqual({ id: '94ecfc67-0001', at: 5 });
    const complaint = (over: Partial<ComplaintRecord>): ComplaintRecord => ({
      runId: 'r', seq: 0, actionSeq: 0, actorId: 1, severity: 'urgent', message: 'todo 94ecfc67-0001 lost', trigger: 'ctx.complain', detail: { id: '94ecfc67-0001', at: 1 }, simTime: 0, ...over,
    });
    const actionOf = () => recorded;
    const replayed = complaint({ message: 'todo 3b1d0e42-0002 lost', detail: { id: '3b1d0e42-0002', at: 2 } });
    expect(compareComplaint(complaint({}), replayed, actionOf, new ReplayNormalizer(), undefined, minted)).toMatchObject({
      kind: 'complaint-changed', seq: 0, action: 'createTodo', differences: ['complaint.detail.at: 1 → 2'],
    });
    expect(compareComplaint(complaint({}), replayed, actionOf, new ReplayNormalizer({ ignore: { createTodo: ['complaint.detail.at'] } }), undefined, minted)).toBeNull();
    // Without the pairing the id differs too; a complaint on one side only is named.
    expect(compareComplaint(complaint({}), replayed, actionOf, new ReplayNormalizer({ ignore: ['complaint.detail.at'] }))!.differences)
      .toEqual(['complaint.message: "todo 94ecfc67-0001 lost" → "todo 3b1d0e42-0002 lost"', 'complaint.detail.id: "94ecfc67-0001" → "3b1d0e42-0002"']);
    expect(compareComplaint(complaint({}), undefined, actionOf, new ReplayNormalizer())!.differences).toEqual(['the replay did not raise it: urgent: "todo 94ecfc67-0001 lost"']);
  });
});
