import { describe, expect, it } from 'vitest';
import type { FuzzSpec } from '../../src/replay/fuzz-spec.ts';
import { deletePass, withoutTurn, type Trial } from '../../src/fuzz/delete-pass.ts';

const actor = (behavior: string, tape: number[][]) => ({ behavior, config: {}, tape });

/**
 * A stand-in for a run (the real ones are in fuzz.test.ts): it fails when some actor "A" has a turn
 * drawing 7 and some actor "B" exists; actions = every turn of every actor.
 */
function judge(spec: FuzzSpec): Trial {
  const failed = spec.actors.some((a) => a.behavior === 'A' && a.tape.some((s) => s.includes(7))) && spec.actors.some((a) => a.behavior === 'B');
  return { failed, actionsAtFailure: spec.actors.reduce((n, a) => n + a.tape.length, 0) };
}

describe('deletePass', () => {
  it('drops a useless actor in the middle and filler turns, keeping what the failure needs', async () => {
    const spec: FuzzSpec = { overlap: false, actors: [actor('A', [[1], [2], [7], [3]]), actor('C', [[0], [5]]), actor('B', [[9], [4]])] };
    const tried: FuzzSpec[] = [];
    const result = await deletePass(spec, judge(spec), async (s) => {
      tried.push(s);
      return judge(s);
    }, () => true);
    // Segment 0 (setup draws) is never deleted; the other turns go unless the failure needs them.
    expect(result.spec.actors).toEqual([actor('A', [[1], [7]]), actor('B', [[9]])]);
    expect(result.actionsAtFailure).toBe(3);
    expect(result.deletions).toBe(3); // C; A's [3]; A's [2] with B's [4] (the same turn of both)
    expect(judge(result.spec).failed).toBe(true);
    expect(tried.length).toBeGreaterThan(result.deletions); // rejected candidates were tried too
  });

  it('deletes the same turn of every actor at once when only that keeps them aligned (a race)', async () => {
    // Fails while A and B have as many turns (their events line up) and both still have a turn.
    const aligned = (s: FuzzSpec): Trial => {
      const [a, b] = s.actors;
      const failed = s.actors.length === 2 && a!.tape.length === b!.tape.length && a!.tape.length >= 2;
      return { failed, actionsAtFailure: s.actors.reduce((n, x) => n + x.tape.length, 0) };
    };
    const spec: FuzzSpec = { overlap: true, actors: [actor('A', [[0], [1], [2], [3]]), actor('B', [[0], [4], [5], [6]])] };
    const result = await deletePass(spec, { failed: true, actionsAtFailure: 8 }, async (s) => aligned(s), () => true);
    expect(result.spec.actors.map((a) => a.tape.length)).toEqual([2, 2]);
    expect(result.actionsAtFailure).toBe(4);
  });

  it('keeps the spec when no deletion still fails, and stops when told to', async () => {
    const spec: FuzzSpec = { overlap: false, actors: [actor('A', [[7]]), actor('B', [[1]])] };
    expect(await deletePass(spec, { failed: true, actionsAtFailure: 2 }, async (s) => judge(s), () => true)).toEqual({ spec, actionsAtFailure: 2, deletions: 0 });
    let runs = 0;
    const big: FuzzSpec = { overlap: false, actors: [actor('A', [[0], [1], [2], [7]]), actor('B', [[0], [1], [2]])] };
    const capped = await deletePass(big, { failed: true, actionsAtFailure: 7 }, async (s) => (runs++, judge(s)), () => runs < 2);
    expect(runs).toBe(2);
    expect(capped.deletions).toBeLessThanOrEqual(2);
  });

  it('never accepts a deletion that needs more actions to fail', async () => {
    const spec: FuzzSpec = { overlap: false, actors: [actor('A', [[7], [1]]), actor('B', [[0]])] };
    // Pretend that losing A's second turn makes the failure take longer.
    const result = await deletePass(spec, { failed: true, actionsAtFailure: 3 }, async (s) => ({ failed: true, actionsAtFailure: s.actors[0]?.tape.length === 1 ? 10 : 3 }), () => true);
    expect(result.spec.actors[0]!.tape).toEqual([[7], [1]]);
  });
});

/**
 * A stand-in with sim time: each turn waits its segment's first value (plus the actor's pause)
 * before the next; the run fails when some turn of A and some turn of B that both draw 7 begin at
 * the same instant (one overlapping step). Actions = turns; turnStarts as a real run reports them.
 */
function timed(spec: FuzzSpec): Trial {
  const turnStarts = spec.actors.map((a) => {
    const starts: Array<number | undefined> = [undefined];
    let t = a.pauses?.[0] ?? 0;
    for (let k = 1; k < a.tape.length; k++) {
      starts[k] = t;
      t += (a.tape[k]![0] ?? 0) + (a.pauses?.[k] ?? 0);
    }
    return starts;
  });
  const sevens = (name: string) => spec.actors.flatMap((a, i) => (a.behavior === name ? a.tape.flatMap((seg, k) => (k > 0 && seg.includes(7) ? [turnStarts[i]![k]] : [])) : []));
  const failed = sevens('A').some((t) => sevens('B').includes(t));
  return { failed, actionsAtFailure: spec.actors.reduce((n, a) => n + a.tape.length - 1, 0), turnStarts };
}

describe('deletePass keeping sim time', () => {
  // A's 7 is at t=10 (after a 10 wait); B reaches its 7 at t=10 through two turns of 5.
  const spec: FuzzSpec = { overlap: true, actors: [actor('A', [[], [10], [7]]), actor('B', [[], [5], [5], [7]])] };

  it('deletes a middle turn only with its wait kept: the later turn still meets the other side', async () => {
    expect(timed(spec).failed).toBe(true);
    // Plain deletion of B's turn 2 moves its 7 to t=5: no longer with A's.
    expect(timed({ ...spec, actors: [spec.actors[0]!, actor('B', [[], [5], [7]])] }).failed).toBe(false);
    // Kept: B pauses 5 after turn 1, so its 7 is still at t=10.
    const kept = withoutTurn(spec.actors[1]!, 2, timed(spec).turnStarts![1]!);
    expect(kept).toEqual({ ...actor('B', [[], [5], [7]]), pauses: [0, 5] });
    expect(timed({ ...spec, actors: [spec.actors[0]!, kept] }).failed).toBe(true);

    const result = await deletePass(spec, timed(spec), async (s) => timed(s), () => true);
    // Both sides lose every filler turn and arrive where their 7s met: one turn each.
    expect(result.spec.actors).toEqual([{ ...actor('A', [[], [7]]), pauses: [10] }, { ...actor('B', [[], [7]]), pauses: [10] }]);
    expect(result.actionsAtFailure).toBe(2);
    expect(timed(result.spec).failed).toBe(true);
  });

  it('without turn times (a run that cannot say them) only plain deletions are tried: none keeps the 7s together', async () => {
    const blind = async (s: FuzzSpec) => ({ ...timed(s), turnStarts: undefined });
    const result = await deletePass(spec, { ...timed(spec), turnStarts: undefined }, blind, () => true);
    expect(result).toEqual({ spec, actionsAtFailure: 5, deletions: 0 });
  });
});
