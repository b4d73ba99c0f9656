import { tapeRngOf, type FuzzSpec } from '../replay/fuzz-spec.ts';
import { RecordingRng } from '../rng/recording-rng.ts';
import { failingRun, type FailingRun, type RunSpec } from './run-outcome.ts';

/**
 * Re-runs a spec with recording rngs over its tapes and returns the canonical spec (each draw
 * re-recorded as its canonical value: int k -> k-min, chance -> 0 or its threshold, pick ->
 * index; trailing zeros trimmed) with its run, or null when the canonical spec does not fail.
 * Small values shrink in a few steps where raw u32 values need ~32 each.
 *
 * @example
 * const canonical = await canonicalize(best.spec, runSpec, true);
 * const start = canonical?.spec ?? best.spec;
 */
export async function canonicalize(spec: FuzzSpec, runSpec: RunSpec, retire: boolean): Promise<FailingRun | null> {
  const recorders: RecordingRng[] = [];
  await runSpec(spec, (id) => (recorders[id] = new RecordingRng(tapeRngOf(spec.actors[id], retire))));
  const candidate: FuzzSpec = {
    ...spec,
    actors: spec.actors.map((actor, i) => {
      const recorded = recorders[i]?.tape ?? actor.tape;
      // Keep the segment count (it decides when the actor retires); drop zeros past each segment's last choice.
      const tape = recorded.map((segment) => trimZeros(segment));
      while (tape.length < actor.tape.length) tape.push([]);
      return { ...actor, tape };
    }),
  };
  return failingRun(candidate, await runSpec(candidate));
}

function trimZeros(segment: readonly number[]): number[] {
  let end = segment.length;
  while (end > 0 && segment[end - 1] === 0) end--;
  return segment.slice(0, end);
}
