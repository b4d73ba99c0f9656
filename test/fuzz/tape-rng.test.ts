import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSimulationInternal } from '../../src/engine/run-simulation.ts';
import { RecordingRng } from '../../src/rng/recording-rng.ts';
import { SeededRng } from '../../src/rng/seeded-rng.ts';
import { TapeRng } from '../../src/rng/tape-rng.ts';
import type { ActionRecord, ComplaintRecord } from '../../src/store/records.ts';
import todo from '../../examples/todo/todo.sim.ts';
import { startTodoApp, type TodoApp } from '../../fixtures/todo-app/server.ts';

describe('TapeRng', () => {
  it('maps values with the shared rules: 0 is the least choice, and past the end of a segment gives 0', () => {
    const rng = new TapeRng([[7], [5, 1000 - 300, 2, 4294967295]]);
    expect(rng.int(10, 20)).toBe(17); // setup segment
    expect(rng.int(0, 3)).toBe(0); // past its end
    rng.beginTurn();
    expect(rng.int(1, 6)).toBe(6); // 1 + 5 % 6
    expect(rng.chance(0.3)).toBe(true); // 700 >= 1000 - 300
    expect(rng.pick(['a', 'b', 'c'])).toBe('c');
    expect(rng.next()).toBeCloseTo(1, 6);
    expect([rng.chance(0.99), rng.int(5, 9), rng.pick(['x', 'y'])]).toEqual([false, 5, 'x']);
    expect(rng.getState()).toEqual({ kind: 'tape', state: [1, 7] });
    rng.beginTurn();
    expect(rng.nextUint32()).toBe(0); // no such segment
  });

  it('retires after the last taped turn only when asked (segment 0 is setup, so a tape of L segments gives max(1, L-1) turns)', () => {
    const keep = new TapeRng([[1], [2]]);
    keep.beginTurn();
    expect(keep.retired).toBe(false);
    const retire = new TapeRng([[1], [2], [3]], { retire: true });
    expect(retire.retired).toBe(false);
    retire.beginTurn();
    expect(retire.retired).toBe(false);
    retire.beginTurn();
    expect(retire.retired).toBe(true);
    const empty = new TapeRng([], { retire: true });
    expect(empty.retired).toBe(false);
    empty.beginTurn();
    expect(empty.retired).toBe(true);
  });
});

describe('RecordingRng', () => {
  it('records canonical values that replay to the same choices', () => {
    const rec = new RecordingRng(SeededRng.forActor('7', 3));
    const choices: unknown[] = [];
    for (let turn = 0; turn < 50; turn++) {
      if (turn > 0) rec.beginTurn();
      choices.push(rec.int(-5, 5), rec.chance(0.3), rec.chance(1), rec.chance(0), rec.pick(['a', 'b', 'c']), rec.next(), rec.weighted([['x', 1], ['y', 3]]), rec.shuffle([1, 2, 3, 4]), rec.faker.person.firstName());
    }
    const tape = rec.tape;
    expect(tape).toHaveLength(50);
    // int, pick and chance are canonical (small); next/weighted/faker are raw.
    for (const segment of tape) {
      expect(segment[0]).toBeLessThanOrEqual(10);
      expect([0, 700]).toContain(segment[1]);
      expect(segment[2]).toBe(0);
      expect(segment[3]).toBe(0);
      expect(segment[4]).toBeLessThanOrEqual(2);
    }
    const replay = new TapeRng(tape);
    const again: unknown[] = [];
    for (let turn = 0; turn < 50; turn++) {
      if (turn > 0) replay.beginTurn();
      again.push(replay.int(-5, 5), replay.chance(0.3), replay.chance(1), replay.chance(0), replay.pick(['a', 'b', 'c']), replay.next(), replay.weighted([['x', 1], ['y', 3]]), replay.shuffle([1, 2, 3, 4]), replay.faker.person.firstName());
    }
    expect(again).toEqual(choices);
  });

  it('forwards beginTurn, retired and pauses to a wrapped TapeRng (re-recording a shrunk spec)', () => {
    const inner = new TapeRng([[9], [3]], { retire: true, pauses: [5, 7] });
    const rec = new RecordingRng(inner);
    expect(rec.int(0, 99)).toBe(9);
    expect(rec.pauseMs()).toBe(5);
    rec.beginTurn(60_000);
    expect(rec.int(0, 1)).toBe(1);
    expect(rec.pauseMs()).toBe(7);
    expect(rec.retired).toBe(true);
    expect(rec.tape).toEqual([[9], [1]]);
    expect(inner.turnStarts[1]).toBe(60_000);
  });
});

describe('a seeded todo run recorded as tapes', () => {
  let app: TodoApp;
  beforeAll(async () => {
    app = await startTodoApp({ bugs: ['stale-read'] });
  });
  afterAll(async () => {
    await app.stop();
  });

  async function run(rngFor: (id: number) => SeededRng | RecordingRng | TapeRng) {
    app.reset();
    const actions: ActionRecord[] = [];
    const complaints: ComplaintRecord[] = [];
    await runSimulationInternal(todo, {
      db: false, target: app.url, duration: '8h', rngFor,
      hooks: { onAction: (a) => actions.push(a), onComplaint: (c) => complaints.push(c) },
    });
    const strip = <T extends { runId: string }>(rows: T[]) => rows.map(({ runId: _r, ...rest }) => {
      const { wallStartUs: _s, wallEndUs: _e, latencyMs: _l, ...kept } = rest as Record<string, unknown>;
      return kept;
    });
    return { actions: strip(actions), complaints: strip(complaints) };
  }

  it('replays with TapeRngs to an identical action log and the same complaints', async () => {
    const seeded = await run((id) => SeededRng.forActor('42', id));
    const recorders: RecordingRng[] = [];
    const recorded = await run((id) => (recorders[id] = new RecordingRng(SeededRng.forActor('42', id))));
    expect(recorded).toEqual(seeded); // recording does not change the run
    expect(seeded.actions.length).toBeGreaterThan(200);
    expect(seeded.complaints.length).toBeGreaterThan(0);
    const tapes = recorders.map((r) => r.tape);
    expect(await run((id) => new TapeRng(tapes[id]!))).toEqual(seeded);
    // Retiring at the end of the tape changes nothing before the end of the run.
    expect(await run((id) => new TapeRng(tapes[id]!, { retire: true }))).toEqual(seeded);
  });
});
