import type { FuzzActorSpec, FuzzSpec } from '../replay/fuzz-spec.ts';

/** What the pass needs to know of a run: whether it failed, how many actions it took to, and when each turn began. */
export interface Trial {
  failed: boolean;
  actionsAtFailure: number;
  /**
   * Per actor, the sim time each turn began at, by tape segment (see RunOutcome.turnStarts).
   * Without it (or for a turn the run did not reach) a deleted turn's time is not kept.
   */
  turnStarts?: ReadonlyArray<ReadonlyArray<number | undefined>> | undefined;
}

/**
 * Deterministic deletions after fast-check's shrink (delta debugging over the spec's structure):
 * drop one whole actor, the same turn segment of every actor at once, or one turn segment of one
 * actor, keeping any deletion after which the run still fails in no more actions. fast-check
 * shrinks an array mostly from its front and one value at a time, so it leaves a useless actor
 * in the middle of the population, or filler turns whose removal only works together with the
 * matching turn of another actor (the two sides of a race); deletions re-judged on the real
 * target reach those.
 *
 * One actor's turn is first deleted with its time kept: the actor pauses for the deleted turn's
 * wait (see FuzzActorSpec.pauses), so its later turns start at the same sim times and still meet
 * the other actors' turns they overlapped (a plain deletion moves them all earlier: the race's
 * two sides fall in different steps). When that does not fail, the plain deletion is tried.
 * Runs until a full sweep changes nothing or `more()` says stop (the caller's time and run caps).
 *
 * @example
 * const smaller = await deletePass(spec, judge(await runOnce(spec)), async (s) => judge(await runOnce(s)), () => monotonicMs() < deadline);
 */
export async function deletePass(
  spec: FuzzSpec, start: Trial, trial: (spec: FuzzSpec) => Promise<Trial>, more: () => boolean,
): Promise<{ spec: FuzzSpec; actionsAtFailure: number; deletions: number }> {
  let best = spec;
  let bestTrial = start;
  let bestSize = sizeOf(spec);
  let deletions = 0;
  // Kept only when strictly better (fewer actions, or as many from a smaller spec), so the pass cannot cycle.
  const attempt = async (candidate: FuzzSpec): Promise<boolean> => {
    const size = sizeOf(candidate);
    if (size >= bestSize) return false;
    const t = await trial(candidate);
    if (!t.failed || t.actionsAtFailure > bestTrial.actionsAtFailure) return false;
    best = candidate;
    bestTrial = t;
    bestSize = size;
    deletions++;
    return true;
  };
  for (let changed = true; changed && more();) {
    changed = false;
    // Whole actors, last first (removing one renumbers only those after it).
    for (let i = best.actors.length - 1; i >= 0 && more(); i--) {
      if (best.actors.length > 1 && await attempt({ ...best, actors: best.actors.filter((_, j) => j !== i) })) changed = true;
    }
    // The same turn of every actor at once: filler turns that keep two actors' events aligned
    // (a race) can only go together.
    const longest = Math.max(0, ...best.actors.map((a) => a.tape.length));
    for (let s = longest - 1; s >= 1 && more() && best.actors.length > 1; s--) {
      const actors = best.actors.map((a) => (s < a.tape.length ? withoutTurn(a, s, null) : a));
      if (await attempt({ ...best, actors })) changed = true;
    }
    // Turn segments (not segment 0, the actor's setup draws), last first per actor: time kept, else plain.
    for (let i = 0; i < best.actors.length && more(); i++) {
      for (let s = best.actors[i]!.tape.length - 1; s >= 1 && more(); s--) {
        const actor = best.actors[i]!;
        if (s >= actor.tape.length) continue; // an earlier deletion of this actor's shortened its tape
        const kept = withoutTurn(actor, s, bestTrial.turnStarts?.[i] ?? null);
        const plain = withoutTurn(actor, s, null);
        const replace = (a: FuzzActorSpec) => ({ ...best, actors: best.actors.map((b, j) => (j === i ? a : b)) });
        if (await attempt(replace(kept))) changed = true;
        else if (!samePauses(kept, plain) && more() && await attempt(replace(plain))) changed = true;
      }
    }
  }
  return { spec: best, actionsAtFailure: bestTrial.actionsAtFailure, deletions };
}

/**
 * The actor without turn segment `s` (and its pause). Given when its turns began (`starts`), the
 * time from turn s to turn s + 1 is added to the pause before turn s, so turn s + 1 and the
 * later ones start when they did (their own waits unchanged); a last turn moves nothing.
 */
export function withoutTurn(actor: FuzzActorSpec, s: number, starts: ReadonlyArray<number | undefined> | null): FuzzActorSpec {
  const tape = actor.tape.filter((_, k) => k !== s);
  const pauses = Array.from({ length: Math.max(actor.pauses?.length ?? 0, s) }, (_, k) => actor.pauses?.[k] ?? 0);
  const from = starts?.[s];
  const to = starts?.[s + 1];
  if (from !== undefined && to !== undefined && to > from) pauses[s - 1]! += to - from;
  pauses.splice(s, 1);
  while (pauses.length > 0 && pauses[pauses.length - 1] === 0) pauses.pop();
  const { pauses: _old, ...rest } = actor;
  return pauses.length > 0 ? { ...rest, tape, pauses } : { ...rest, tape };
}

function samePauses(a: FuzzActorSpec, b: FuzzActorSpec): boolean {
  const x = a.pauses ?? [];
  const y = b.pauses ?? [];
  return x.length === y.length && x.every((v, k) => v === y[k]);
}

/** Actors, turn segments and draws: what a deletion makes smaller. */
function sizeOf(spec: FuzzSpec): number {
  let size = spec.actors.length;
  for (const actor of spec.actors) {
    size += actor.tape.length;
    for (const segment of actor.tape) size += segment.length;
  }
  return size;
}
