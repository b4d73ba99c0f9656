/**
 * Engine-ordered overlap (src/engine/overlap-gate.ts): in an overlapping step of a fuzz run, the
 * requests are sent and their responses delivered in an order drawn from the actors' tapes, and
 * each round is logged as an `overlap-order` event. The same tapes give the same order (and the
 * same log); other draws give another order; a request drawn to wait reaches the target only
 * after the responses of those sent before it. On a tiny race (two increments in flight together
 * answer the same value; minimum 2 actions) a seeded campaign repeats exactly and shrinks to the minimum.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzz } from 'beamulator';
import { runSimulationInternal } from '../../src/engine/run-simulation.ts';
import { startLiveTarget, type LiveTarget } from '../../src/fuzz/live-target.ts';
import { specRunOptions, type FuzzSpec, type FuzzSpecOptions } from '../../src/replay/fuzz-spec.ts';
import type { ActionRecord, EventRecord } from '../../src/store/records.ts';
import { noTimeCap } from '../support/no-time-cap.ts';
import target, { arrivals, COUNTER_RACE_MINIMUM } from './targets/counter-race.fuzz.ts';

const ordered: FuzzSpecOptions = { maxSpan: 2, maxLatencyMs: 600_000, retire: true, arrivalJitterMs: 0, ordered: true };

/**
 * Counters, one turn each, all in one step: turn 1 is [span (1: the next event joins), the gate's
 * draw for the step (for its first request: bit 0 send rank, bits 1-3 delay (7: one round), bit 4
 * delivery rank), the choice (0: increment)].
 */
function spec(draws: Array<{ send: number; delay?: boolean; deliver: number }>, span = 1): FuzzSpec {
  return {
    overlap: true,
    actors: draws.map((d, i) => ({ behavior: 'Counter', config: {}, tape: [[], [i < draws.length - 1 ? span : 0, d.send | (d.delay ? 7 << 1 : 0) | d.deliver << 4, 0]] })),
  };
}

let live: LiveTarget;
beforeAll(async () => {
  live = await startLiveTarget(target, {}, 'test the overlap gate');
});
afterAll(() => live[Symbol.asyncDispose]());

async function run(s: FuzzSpec, options = ordered) {
  await live.reset();
  const events: EventRecord[] = [];
  const actions: ActionRecord[] = [];
  await runSimulationInternal(target, {
    db: false, target: live.url, resetTarget: false, duration: 3_600_000, params: {},
    ...specRunOptions(s, options),
    hooks: { onEvent: (e) => void events.push(e), onAction: (a) => void actions.push(a) },
  });
  const actorOf = new Map(actions.map((a) => [a.seq, a.actorId]));
  const rounds = events.filter((e) => e.kind === 'overlap-order').map((e) => e.detail as { round: number; sent: number[]; held: number[]; delivered: number[] });
  const actors = (seqs: number[]) => seqs.map((q) => actorOf.get(q));
  return {
    order: rounds.map((r) => ({ round: r.round, sent: actors(r.sent), held: actors(r.held), delivered: actors(r.delivered) })),
    log: actions.map((a) => ({ seq: a.seq, actorId: a.actorId, action: a.action, outcome: a.outcome, result: a.result, step: a.step })),
    arrivals: [...arrivals],
    times: actions.map((a) => a.simTime),
  };
}

describe('engine-ordered overlap', () => {
  it('sends and delivers in the order drawn from the tapes, the same every time', async () => {
    const draws = spec([{ send: 1, deliver: 1 }, { send: 0, deliver: 1 }, { send: 1, deliver: 0 }]);
    const first = await run(draws);
    // Sent by send rank, then arrival (actor 1, 0, 2), together; delivered by delivery rank, then send order (2, 1, 0).
    expect(first.order).toEqual([{ round: 1, sent: [1, 0, 2], held: [], delivered: [2, 1, 0] }]);
    // The log is in delivery order: each actor runs on to the end of its action before the next gets its response.
    expect(first.log.map((a) => a.actorId)).toEqual([2, 1, 0]);
    expect(new Set(first.log.map((a) => a.step)).size).toBe(1);
    for (let i = 0; i < 2; i++) expect(await run(draws)).toEqual(first);
    // Other draws, another order.
    const other = await run(spec([{ send: 0, deliver: 1 }, { send: 1, deliver: 0 }, { send: 0, deliver: 0 }]));
    expect(other.order).toEqual([{ round: 1, sent: [0, 2, 1], held: [], delivered: [2, 1, 0] }]);
  });

  it('a request drawn to wait a round is sent once the responses of the round before are in', async () => {
    const { order, log, arrivals: seen } = await run(spec([{ send: 1, deliver: 0 }, { send: 0, deliver: 0 }, { send: 0, delay: true, deliver: 0 }]));
    expect(order).toEqual([
      { round: 1, sent: [1, 0], held: [2], delivered: [1, 0] },
      { round: 2, sent: [2], held: [], delivered: [2] },
    ]);
    // Actors 1 and 0 went together (they raced: both answered 1); actor 2 after both: 2.
    expect(seen.slice(-1)).toEqual(['2 /incr']);
    expect(log.map((a) => [a.actorId, (a.result as { value: number }).value])).toEqual([[1, 1], [0, 1], [2, 2]]);
  });

  it('costs nothing outside overlapping steps: a serial step draws and logs no order', async () => {
    const serial = await run(spec([{ send: 0, deliver: 0 }, { send: 0, deliver: 0 }], 0));
    expect(serial.order).toEqual([]);
    expect(serial.log.map((a) => a.step)).toEqual([1, 2]);
  });

  it("a spec's pauses delay the actor's arrival and its next turn by that much sim time (a deleted turn's time kept)", async () => {
    // One Counter, two turns: [span 0, increment, wait int(1,3) -> 1 min] each.
    const times = async (pauses?: number[]) =>
      (await run({ overlap: true, actors: [{ behavior: 'Counter', config: {}, tape: [[], [0, 0, 0], [0, 0, 0]], ...(pauses ? { pauses } : {}) }] })).times;
    expect(await times()).toEqual([0, 60_000]);
    expect(await times([30_000, 120_000])).toEqual([30_000, 210_000]);
  });

  it('a seeded race campaign repeats exactly, and shrinks to the minimum (2 actions)', async () => {
    const campaign = () => fuzz(target, { seed: 1, runs: 300, shrinkRuns: 120, ...noTimeCap, db: false, replaysDir: false });
    const [a, b] = [await campaign(), await campaign()];
    expect(a.found).toBe(true);
    expect(a.failure).toMatchObject({ kind: 'invariant', invariant: 'no lost increment', actionsAtFailure: COUNTER_RACE_MINIMUM });
    expect({ runs: b.runs, spec: b.spec, actions: b.actions.map((x) => [x.actorId, x.action, x.result]) })
      .toEqual({ runs: a.runs, spec: a.spec, actions: a.actions.map((x) => [x.actorId, x.action, x.result]) });
  }, 120_000);
});
