import { describe, expect, it } from 'vitest';
import { defineActions, defineBehavior, defineSimulation } from 'beamulator';
import { runSimulationInternal } from '../../src/engine/run-simulation.ts';
import type { PaceControl } from '../../src/engine/pace-control.ts';
import type { ActionRecord, EventRecord } from '../../src/store/records.ts';
import { collect, deterministicLog } from './helpers.ts';

// Speeds of 1000x and more: a sim second is a wall millisecond, so these runs last tens of ms.

const actions = defineActions({
  tick: async () => null,
  slow: async (args: { ms: number }) => {
    await new Promise((resolve) => setTimeout(resolve, args.ms));
    return null;
  },
});

/** Acts every `every` ms of sim time; `slowMs` > 0 makes each of its actions take that much wall time. */
function ticker(name: string, every: number, slowMs = 0) {
  return defineBehavior({
    name, initialState: {},
    async act(ctx) {
      if (slowMs > 0) await ctx.execute(actions.slow, { ms: slowMs });
      else await ctx.execute(actions.tick, {});
      return every;
    },
  });
}

describe('paced runs', () => {
  it('dispatches each event at wallOrigin + t / speed: never early, and lateness never moves a later event (no drift)', async () => {
    // A busy actor whose turns cost more wall time than the pace gives them (an overrun): it runs late.
    const busy = defineBehavior({
      name: 'Busy', initialState: {},
      act(ctx) {
        void ctx;
        const until = performance.now() + 3;
        while (performance.now() < until) { /* a turn slower than the pace */ }
        return 1000;
      },
    });
    const sim = defineSimulation({ name: 'paced', actions, population: [{ behavior: ticker('Tick', 500), count: 2 }, { behavior: busy, count: 1 }], duration: '20s' });
    const dispatches: Array<{ t: number; due: number; actual: number }> = [];
    const result = await runSimulationInternal(sim, { seed: 1, db: false, speed: 1000, onPacedDispatch: (t, due, actual) => dispatches.push({ t, due, actual }) });
    expect(result.stopReason).toBe('duration');
    expect(result.simDurationMs).toBe(20_000);
    // Events at the duration itself run: 0..20s every 500 ms and every second.
    expect(dispatches.length).toBe(2 * 41 + 21);
    const first = dispatches[0]!;
    for (const d of dispatches) {
      expect(d.actual).toBeGreaterThanOrEqual(d.due);
      // Intended times sit on the grid of sim time, whatever the turns before them cost.
      expect(d.due - first.due).toBeCloseTo((d.t - first.t) / 1000, 9);
    }
    // The busy actor overran (3 ms of work in 1 ms of pace): late turns, and the lag says so.
    expect(result.pace!.speed).toBe(1000);
    expect(result.pace!.lag!.turns).toBe(dispatches.length);
    expect(result.pace!.lag!.maxMs).toBeGreaterThan(0);
  });

  it('runs actors independently: a slow action delays only its own actor', async () => {
    const sim = defineSimulation({
      name: 'independent', actions, duration: '10s',
      population: [{ behavior: ticker('Slow', 1000, 40), count: 1 }, { behavior: ticker('Fast', 250), count: 1 }],
    });
    const { actions: log, result } = await collect(sim, { seed: 1, speed: 1000 });
    expect(result.stopReason).toBe('duration');
    const slow = log.filter((a) => a.actorId === 0);
    const fast = log.filter((a) => a.actorId === 1);
    // Each actor's own actions are at its intended sim times...
    expect(fast.map((a) => a.simTime)).toEqual(Array.from({ length: 41 }, (_, i) => i * 250));
    expect(slow.map((a) => a.simTime)).toEqual(Array.from({ length: 11 }, (_, i) => i * 1000));
    // ...and the fast actor went on while the slow one's action was in flight (no step barrier).
    const first = slow[0]!;
    const during = fast.filter((a) => a.wallStartUs > first.wallStartUs && a.wallEndUs < first.wallEndUs);
    expect(during.length).toBeGreaterThan(1);
  });

  it('keeps sim time continuous across pause, resume and a speed change', async () => {
    const sim = defineSimulation({ name: 'control', actions, duration: '30s', population: [{ behavior: ticker('Tick', 1000), count: 2 }] });
    const events: EventRecord[] = [];
    const log: ActionRecord[] = [];
    let control: PaceControl | null = null;
    const frozen: number[] = [];
    let paused = false;
    const result = await runSimulationInternal(sim, {
      seed: 1, db: false, speed: 1000,
      onPaceControl: (pace) => { control = pace; },
      hooks: {
        onEvent: (e) => events.push(e),
        onAction: (a) => {
          log.push(a);
          if (!paused && a.simTime >= 10_000) {
            paused = true;
            control!.pause();
            frozen.push(control!.status().simTime);
            setTimeout(() => {
              frozen.push(control!.status().simTime);
              expect(control!.status().paused).toBe(true);
              control!.resume();
              control!.setSpeed(2000);
            }, 15);
          }
        },
      },
    });
    expect(result.stopReason).toBe('duration');
    expect(result.pace!.speed).toBe(2000);
    // Paused, sim time stood still.
    expect(frozen[1]).toBe(frozen[0]);
    const changes = events.filter((e) => e.kind === 'pace').map((e) => e.detail as { what: string; simTime?: number; speed: number });
    expect(changes.map((c) => c.what)).toEqual(['pause', 'resume', 'speed', 'end']);
    // Resumed where it paused; the speed changed from there on.
    expect(changes[1]!.simTime).toBe(changes[0]!.simTime);
    expect(changes[2]!.simTime).toBeGreaterThanOrEqual(changes[1]!.simTime!);
    expect(changes[2]!.speed).toBe(2000);
    // No turn skipped or repeated: each actor acted every sim second, 0..30.
    for (const id of [0, 1]) expect(log.filter((a) => a.actorId === id).map((a) => a.simTime)).toEqual(Array.from({ length: 31 }, (_, i) => i * 1000));
  });

  it("gives each actor the action sequence it has in virtual time (actors that do not share data)", async () => {
    const sim = defineSimulation({
      name: 'same-per-actor', actions, duration: '1m',
      population: [{
        behavior: defineBehavior({
          name: 'Roll', initialState: { n: 0 },
          async act(ctx) {
            ctx.state.n++;
            if (ctx.rng.chance(0.5)) await ctx.sleep(ctx.rng.int(100, 900));
            await ctx.execute(actions.tick, {});
            return ctx.rng.int(1, 5) * 1000;
          },
        }),
        count: 4,
      }],
    });
    const virtual = await collect(sim, { seed: 9 });
    const paced = await collect(sim, { seed: 9, speed: 2000 });
    const perActor = (log: ActionRecord[]) => [0, 1, 2, 3].map((id) => deterministicLog(log.filter((a) => a.actorId === id)).map(({ seq: _s, step: _t, ...rest }) => rest));
    expect(perActor(paced.actions)).toEqual(perActor(virtual.actions));
    expect(virtual.result.pace).toBeNull();
  });

  it('waits for --start-at: no turn is dispatched before that wall instant', async () => {
    const sim = defineSimulation({ name: 'aligned', actions, duration: '2s', population: [{ behavior: ticker('Tick', 1000), count: 1 }] });
    const startAt = Date.now() + 60;
    const firstAt: number[] = [];
    const result = await runSimulationInternal(sim, { seed: 1, db: false, speed: 1000, wallStartAt: String(startAt), onPacedDispatch: () => firstAt.push(Date.now()) });
    expect(result.stopReason).toBe('duration');
    expect(firstAt).toHaveLength(3);
    expect(firstAt[0]).toBeGreaterThanOrEqual(startAt);
  });

  it('bounds the turns in flight with concurrency, and stops cleanly on a signal', async () => {
    const sim = defineSimulation({ name: 'bounded', actions, duration: '1h', population: [{ behavior: ticker('Slow', 1000, 20), count: 4 }] });
    const controller = new AbortController();
    const { actions: log, result } = await collect(sim, { seed: 1, speed: 1000, concurrency: 1, hooks: undefined, signal: controller.signal, maxActions: 6 });
    expect(result.stopReason).toBe('max-actions');
    // One at a time: no two actions overlapped in wall time.
    const sorted = [...log].sort((a, b) => a.wallStartUs - b.wallStartUs);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.wallStartUs).toBeGreaterThanOrEqual(sorted[i - 1]!.wallEndUs);
    setTimeout(() => controller.abort('SIGINT'), 30);
    const stopped = await collect(sim, { seed: 1, speed: 1000, signal: controller.signal });
    expect(stopped.result.status).toBe('stopped');
    expect(stopped.result.stopReason).toBe('interrupted');
  });
});
