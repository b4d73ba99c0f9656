/**
 * Whether a replay of a fuzz run shows its recorded failure again: by the failure's identity (as
 * the campaign tells failures apart), not its text. No processes, no store: records by hand.
 */
import { describe, expect, it } from 'vitest';
import { defineActions, defineBehavior, defineFuzzTarget, defineSimulation } from 'beamulator';
import { storedFailure, storedFailureOf } from '../../src/format/fuzz-failure-line.ts';
import { failureRecurs, type ReplayedFuzzRun } from '../../src/fuzz/failure-recurs.ts';
import type { ActionRecord, ComplaintRecord, EventRecord, Json } from '../../src/store/records.ts';

const complaint = (over: Partial<ComplaintRecord>): ComplaintRecord => ({
  runId: 'r', seq: 0, actionSeq: 3, actorId: 0, severity: 'annoying', message: 'm', trigger: 'ctx.complain', detail: null, simTime: 0, ...over,
});
const replayed = (over: Partial<ReplayedFuzzRun>): ReplayedFuzzRun => ({ simulation: null, run: { config: null }, actions: [], complaints: [], events: [], ...over });
const stored = (c: ComplaintRecord) => storedFailure({ kind: 'complaint', complaint: c, actionsAtFailure: 4 });

describe('failureRecurs', () => {
  it('a complaint recurs by its kind: the trigger, a ctx.complain with other numbers, a predicate whose source another process transformed otherwise', () => {
    const checker = stored(complaint({ trigger: 'checker:lost-update', message: 'lost t1 at v3' }));
    expect(failureRecurs(checker, replayed({ complaints: [complaint({ trigger: 'checker:lost-update', message: 'lost t2 at v4' })] }))).toBe(true);
    expect(failureRecurs(checker, replayed({ complaints: [complaint({ trigger: 'checker:stale-read', message: 'lost t1 at v3' })] }))).toBe(false);
    const said = stored(complaint({ message: 'saw 3 of 4 todos' }));
    expect(failureRecurs(said, replayed({ complaints: [complaint({ message: 'saw 7 of 9 todos' })] }))).toBe(true);
    expect(failureRecurs(said, replayed({ complaints: [complaint({ message: 'saw 3 of 4 todos', severity: 'urgent' })] }))).toBe(false);
    const predicate = stored(complaint({ trigger: '(r) => r.ok === false', message: 'create failed' }));
    expect(failureRecurs(predicate, replayed({ complaints: [complaint({ trigger: 'function(r) { return r.ok === false; }', message: 'create failed' })] }))).toBe(true);
    expect(failureRecurs(predicate, replayed({ complaints: [complaint({ trigger: '(r) => r.ok === false', message: 'create failed', severity: 'urgent' })] }))).toBe(false);
  });

  it('a crash recurs where it happened (an action, a behavior) with its numbers masked', () => {
    const action = { seq: 5, outcome: 'crash', error: 'TypeError: no todo 12' } as ActionRecord;
    const inAction = storedFailure({ kind: 'crash', actorId: 0, message: 'TypeError: no todo 7', actionSeq: 2, actionsAtFailure: 3 });
    expect(failureRecurs(inAction, replayed({ actions: [action] }))).toBe(true);
    expect(failureRecurs(inAction, replayed({ actions: [{ ...action, outcome: 'error' }] }))).toBe(false);
    const inBehavior = storedFailure({ kind: 'crash', actorId: 1, message: 'boom after 2 turns', actionSeq: null, actionsAtFailure: 3 });
    const event = (actorId: number | null): EventRecord => ({ runId: 'r', seq: 1, simTime: 0, actorId, kind: 'crash', detail: { error: 'boom after 4 turns' } });
    expect(failureRecurs(inBehavior, replayed({ events: [event(0)] }))).toBe(true);
    // A crash with no actor is the run stopping on the user's code, not a behavior's crash.
    expect(failureRecurs(inBehavior, replayed({ events: [event(null)] }))).toBe(false);
    expect(failureRecurs(inBehavior, replayed({ actions: [action] }))).toBe(false);
  });

  it("a fuzz target's invariant recurs by its name, whatever its message says; a run stored before names were kept, by its message", () => {
    const actions = defineActions({ write: async () => null });
    const writer = defineBehavior({ name: 'Writer', initialState: {}, act: async (ctx) => { await ctx.execute(actions.write, {}); return '1m'; } });
    const simulation = defineFuzzTarget({
      name: 'writes', simulation: defineSimulation({ name: 'w', actions, behaviors: [writer], population: [{ behavior: writer, count: 1 }] }),
      invariants: [{ name: 'at most one write', check: (run) => (run.actions.length > 1 ? `${run.actions.length} writes` : null) }],
    });
    const config: Json = { meta: { fuzzSpec: { actors: [{ behavior: 'Writer', config: {}, tape: [] }], overlap: false } } };
    const writes = (n: number) => Array.from({ length: n }, (_, seq) => ({ seq, action: 'write', outcome: 'ok' }) as ActionRecord);
    const named = storedFailure({ kind: 'invariant', invariant: 'at most one write', message: '3 writes', detail: null, actionsAtFailure: 3 });
    expect(failureRecurs(named, replayed({ simulation, run: { config }, actions: writes(5) }))).toBe(true);
    expect(failureRecurs(named, replayed({ simulation, run: { config }, actions: writes(1) }))).toBe(false);
    const old = storedFailureOf({ config: { meta: { failure: { kind: 'invariant', message: '3 writes' } } } })!;
    expect(failureRecurs(old, replayed({ simulation, run: { config }, actions: writes(3) }))).toBe(true);
    expect(failureRecurs(old, replayed({ simulation, run: { config }, actions: writes(5) }))).toBe(false);
  });
});
