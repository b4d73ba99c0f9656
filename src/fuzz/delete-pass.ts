import type { FuzzSpec } from '../replay/fuzz-spec.ts';

/** What the pass needs to know of a run: whether it failed, and how many actions it took to. */
export interface Trial {
  failed: boolean;
  actionsAtFailure: number;
}

/**
 * Deterministic deletions after fast-check's shrink (delta debugging over the spec's structure):
 * drop one whole actor, the same turn segment of every actor at once, or one turn segment of one
 * actor, keeping any deletion after which the run still fails in no more actions. fast-check
 * shrinks an array mostly from its front and one value at a time, so it leaves a useless actor
 * in the middle of the population, or filler turns whose removal only works together with the
 * matching turn of another actor (the two sides of a race); deletions re-judged on the real
 * target reach those. Runs until a full sweep changes nothing or `more()` says stop (the
 * caller's time and run caps).
 *
 * @example
 * const smaller = await deletePass(spec, actions, async (s) => judge(await runOnce(s)), () => monotonicMs() < deadline);
 */
export async function deletePass(
  spec: FuzzSpec, actionsAtFailure: number, trial: (spec: FuzzSpec) => Promise<Trial>, more: () => boolean,
): Promise<{ spec: FuzzSpec; actionsAtFailure: number; deletions: number }> {
  let best = spec;
  let bestActions = actionsAtFailure;
  let bestSize = sizeOf(spec);
  let deletions = 0;
  // Kept only when strictly better (fewer actions, or as many from a smaller spec), so the pass cannot cycle.
  const attempt = async (candidate: FuzzSpec): Promise<boolean> => {
    const size = sizeOf(candidate);
    if (size >= bestSize) return false;
    const t = await trial(candidate);
    if (!t.failed || t.actionsAtFailure > bestActions) return false;
    best = candidate;
    bestActions = t.actionsAtFailure;
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
      const actors = best.actors.map((a) => (s < a.tape.length ? { ...a, tape: a.tape.filter((_, k) => k !== s) } : a));
      if (await attempt({ ...best, actors })) changed = true;
    }
    // Turn segments (not segment 0, the actor's setup draws), last first per actor.
    for (let i = 0; i < best.actors.length && more(); i++) {
      for (let s = best.actors[i]!.tape.length - 1; s >= 1 && more(); s--) {
        const actor = best.actors[i]!;
        if (s >= actor.tape.length) continue; // an earlier deletion of this actor's shortened its tape
        const tape = actor.tape.filter((_, k) => k !== s);
        if (await attempt({ ...best, actors: best.actors.map((a, j) => (j === i ? { ...a, tape } : a)) })) changed = true;
      }
    }
  }
  return { spec: best, actionsAtFailure: bestActions, deletions };
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
