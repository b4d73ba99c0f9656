import { describe, expect, it } from 'vitest';
import { defineActions, defineBehavior, defineSimulation } from 'beamulator';
import { arrivalTimes } from '../../src/engine/arrivals.ts';
import { collect } from './helpers.ts';

const actions = defineActions({ visit: async () => null });
const visitor = defineBehavior({
  name: 'Visitor', initialState: {},
  async act(ctx) {
    await ctx.execute(actions.visit, {});
    return ctx.stop();
  },
});

describe('open-model arrivals', () => {
  it('spaces arrivals evenly at a steady rate, and along a ramp as its cumulative count grows', () => {
    expect(arrivalTimes({ rate: '10/s' }, 'a', 1000, 's', 0)).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
    expect(arrivalTimes({ rate: '2/m' }, 'a', 120_000, 's', 0)).toEqual([0, 30_000, 60_000, 90_000]);
    // 0 -> 10/s over 10 s (50 arrivals), 10/s for 2 s (20), 10/s -> 0 over 2 s (10): then no one.
    const ramp = arrivalTimes([{ target: '10/s', over: '10s' }, { target: '10/s', over: '2s' }, { target: '0/s', over: '2s' }], 'a', 60_000, 's', 0);
    expect(ramp).toHaveLength(80);
    for (let i = 1; i < ramp.length; i++) expect(ramp[i]!).toBeGreaterThanOrEqual(ramp[i - 1]!);
    // Sparse at the start of the ramp, dense at its top: the k-th arrival at sqrt(2k / slope).
    expect(ramp[8]).toBe(Math.floor(Math.sqrt((2 * 8) / (0.01 / 10_000))));
    expect(ramp.filter((t) => t >= 10_000 && t < 12_000)).toHaveLength(20);
    expect(ramp.at(-1)!).toBeLessThan(14_000);
    // Cut at the run's end.
    expect(arrivalTimes({ rate: '10/s' }, 'a', 450, 's', 0)).toEqual([0, 100, 200, 300, 400]);
  });

  it('draws random arrivals from the seed: the same seed gives the same times', () => {
    const a = arrivalTimes({ rate: '5/s', random: true }, 'a', 60_000, 'seed-1', 0);
    expect(arrivalTimes({ rate: '5/s', random: true }, 'a', 60_000, 'seed-1', 0)).toEqual(a);
    expect(arrivalTimes({ rate: '5/s', random: true }, 'a', 60_000, 'seed-2', 0)).not.toEqual(a);
    expect(arrivalTimes({ rate: '5/s', random: true }, 'a', 60_000, 'seed-1', 1)).not.toEqual(a);
    // A Poisson process of 300 expected arrivals: not evenly spaced.
    expect(a.length).toBeGreaterThan(200);
    expect(a.length).toBeLessThan(400);
    expect(new Set(a.slice(1).map((t, i) => t - a[i]!)).size).toBeGreaterThan(10);
  });

  it('spawns an actor per arrival at the same sim times in virtual and paced runs', async () => {
    const sim = defineSimulation({
      name: 'open', actions, duration: '10s',
      population: [{ behavior: visitor, arrivals: [{ target: '4/s', over: '5s' }, { target: '4/s', over: '5s' }], name: 'Guest' }],
    });
    const expected = arrivalTimes([{ target: '4/s', over: '5s' }, { target: '4/s', over: '5s' }], 'a', 10_000, 'x', 0);
    const spawns = (events: Array<{ kind: string; simTime: number }>) => events.filter((e) => e.kind === 'spawn').map((e) => e.simTime);
    const virtual = await collect(sim, { seed: 'x' });
    const paced = await collect(sim, { seed: 'x', speed: 2000 });
    expect(spawns(virtual.events)).toEqual(expected);
    expect(spawns(paced.events)).toEqual(expected);
    expect(virtual.actions.map((a) => a.simTime)).toEqual(expected);
    expect([...paced.actions].sort((a, b) => a.actorId - b.actorId).map((a) => a.simTime)).toEqual(expected);
    expect(virtual.result.summary.actors).toBe(expected.length);
  });

  it('refuses arrivals it cannot read, with the entry and the fix', () => {
    const sim = (arrivals: unknown, extra: object = {}) => () => defineSimulation({ name: 'bad', population: [{ behavior: visitor, arrivals: arrivals as never, ...extra }] });
    expect(sim({ rate: '10 per second' })).toThrow(/cannot use bad's population\[0\]\.arrivals\.rate "10 per second": not a rate\. Write a count per unit of sim time, e\.g\. '10\/s'/);
    expect(sim([{ target: '5/s', over: 'soon' }])).toThrow(/population\[0\]\.arrivals\[0\]\.over/);
    expect(sim([])).toThrow(/arrivals: it has no stages/);
    expect(sim({ rate: '1/s' }, { count: 3 })).toThrow(/population\[0\] has arrivals and count/);
  });
});
