/**
 * Engine benchmark. Prints ratios against a baseline measured in the same process (absolute
 * times drift on shared machines). Run: `npm run bench:engine` (add --expose-gc for the memory part).
 *
 *  1. turns/s: ACTORS no-op actors x TURNS turns through the real engine (spawning, coroutine turns,
 *     per-actor rng, min-heap), against a bare loop over the same heap that creates the same per-actor
 *     streams and makes the same draws, with no actor machinery.
 *     Goal: ratio >= 0.5.
 *  2. memory per idle actor with IDLE actors spawned and waiting. Goal: <= 1 KB.
 *  3. snapshots: the same turns of actors with a small state, snapshots off vs at the stop only
 *     (the default '1h' interval in a run shorter than that) vs every 1 s of sim time (about ten
 *     snapshots of every actor in the run: far more often than any real interval).
 */
import { Engine } from '../../src/engine/engine.ts';
import { EventQueue } from '../../src/engine/event-queue.ts';
import { defineBehavior } from '../../src/engine/behavior.ts';
import { defineSimulation } from '../../src/engine/simulation.ts';
import { SeededRng } from '../../src/rng/seeded-rng.ts';
import { NullWriter } from '../../src/store/null-writer.ts';
import { monotonicMs } from '../../src/clock/wall-clock.ts';

const ACTORS = Number(process.env.ACTORS ?? 100_000);
const TURNS = Number(process.env.TURNS ?? 20);
const IDLE = Number(process.env.IDLE ?? 1_000_000);

function engineFor(sim: ReturnType<typeof defineSimulation>, durationMs: number, snapshotEveryMs = Infinity) {
  return new Engine({
    sim, runId: 'bench', seed: 'bench', writer: new NullWriter(), http: null, targetUrl: '', simEpoch: 0,
    durationMs, maxActions: Infinity, maxWallMs: Infinity, concurrency: 1, overlapWindowMs: 0,
    actionTimeoutMs: 30_000, restartDelayMs: 1000, maxCrashesInARow: 5, params: {}, snapshotEveryMs,
  });
}

/** Turns/s of actors keeping a small state (a counter and the last few draws), with snapshots every `everyMs` of sim time. */
async function statefulTurns(everyMs: number): Promise<number> {
  const keeper = defineBehavior({
    name: 'Keeper',
    initialState: () => ({ visits: 0, last: [] as number[], name: 'k' }),
    act: (ctx) => {
      const wait = ctx.rng.int(1, 1000);
      ctx.state.visits++;
      ctx.state.last.push(wait);
      if (ctx.state.last.length > 3) ctx.state.last.shift();
      return ctx.turn >= TURNS ? ctx.stop() : wait;
    },
  });
  const engine = engineFor(defineSimulation({ name: 'bench', population: [{ behavior: keeper, count: ACTORS }] }), Infinity, everyMs);
  const t0 = monotonicMs();
  await engine.run();
  const s = (monotonicMs() - t0) / 1000;
  return engine.actors.reduce((n, a) => n + a.turns, 0) / s;
}

async function engineTurns(asyncAct = false): Promise<number> {
  const noop = defineBehavior({
    name: 'Noop',
    initialState: undefined,
    act: asyncAct
      ? async (ctx) => (ctx.turn >= TURNS ? ctx.stop() : ctx.rng.int(1, 1000))
      : (ctx) => (ctx.turn >= TURNS ? ctx.stop() : ctx.rng.int(1, 1000)),
  });
  const engine = engineFor(defineSimulation({ name: 'bench', population: [{ behavior: noop, count: ACTORS }] }), Infinity);
  const t0 = monotonicMs();
  await engine.run();
  const s = (monotonicMs() - t0) / 1000;
  const turns = engine.actors.reduce((n, a) => n + a.turns, 0);
  if (turns !== ACTORS * TURNS) throw new Error(`expected ${ACTORS * TURNS} turns, got ${turns}`);
  return turns / s;
}

function bareHeapLoop(): number {
  // Both sides pay for creating each actor's stream: the engine spawns actors inside run().
  const t0 = monotonicMs();
  const queue = new EventQueue();
  const rngs = Array.from({ length: ACTORS }, (_, i) => SeededRng.forActor('bench', i));
  const turns = new Int32Array(ACTORS);
  for (let i = 0; i < ACTORS; i++) queue.push(0, i, 0);
  let done = 0;
  while (queue.size > 0) {
    queue.pop();
    const a = queue.poppedActor;
    done++;
    if (++turns[a]! < TURNS) queue.push(queue.poppedTime + rngs[a]!.int(1, 1000), a, 0);
  }
  const s = (monotonicMs() - t0) / 1000;
  return done / s;
}

async function idleMemory(): Promise<number | null> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return null;
  const idle = defineBehavior({ name: 'Idle', initialState: () => ({ n: 0 }), act: () => '1h' });
  const engine = engineFor(defineSimulation({ name: 'idle', population: [{ behavior: idle, count: IDLE, start: { at: '1d' } }] }), 0);
  gc();
  const before = process.memoryUsage().heapUsed;
  await engine.run();
  gc();
  const after = process.memoryUsage().heapUsed;
  if (engine.actors.length !== IDLE) throw new Error('not all actors spawned');
  return (after - before) / IDLE;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
// Warm up both paths on a smaller run, then measure.
const baseline = bareHeapLoop();
const engine = await engineTurns();
const baseline2 = bareHeapLoop();
const engine2 = await engineTurns();
const base = Math.max(baseline, baseline2);
const eng = Math.max(engine, engine2);
console.log(`engine turns/s       ${fmt(eng)}   (${ACTORS.toLocaleString('en-US')} no-op actors x ${TURNS} turns)`);
console.log(`bare heap loop /s    ${fmt(base)}`);
console.log(`ratio engine/bare    ${(eng / base).toFixed(2)}x   (goal >= 0.5x)`);
// For reference: the same turns written as `async act` (each turn costs a few promise hops).
const asyncTurns = await engineTurns(true);
console.log(`async act turns/s    ${fmt(asyncTurns)}   (${(asyncTurns / base).toFixed(2)}x the bare loop)`);
// Snapshots, interleaved so load drifts hit every variant alike; best of three each.
const variants = { off: Infinity, 'at stop': 3_600_000, 'every 1s': 1000 } as const;
const best: Record<string, number> = {};
for (let round = 0; round < 3; round++) {
  for (const [name, every] of Object.entries(variants)) best[name] = Math.max(best[name] ?? 0, await statefulTurns(every));
}
for (const name of Object.keys(variants)) {
  console.log(`snapshots ${name.padEnd(9)}  ${fmt(best[name]!)} turns/s   (${(best[name]! / best.off!).toFixed(2)}x off)`);
}
const perActor = await idleMemory();
console.log(perActor === null
  ? 'memory per idle actor: run with node --expose-gc to measure'
  : `memory per idle actor ${fmt(perActor)} bytes with ${IDLE.toLocaleString('en-US')} actors   (goal <= 1024)`);
