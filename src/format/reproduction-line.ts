/**
 * One-line descriptions of how a fuzz failure reproduced, for the CLI (`fuzz`, `show`) and vitest
 * messages. Here rather than in fuzz/: `show` prints them and must not load the fuzzer.
 */
import type { Reproduction } from '../fuzz/reproduce.ts';

/**
 * The reproduction in one line, for the CLI, `show` and vitest messages; `flaky` when it did not
 * reproduce every time, `unchecked` when no attempt could be made.
 *
 * @example
 * describeReproduction({ attempts: 5, reproduced: 5, identical: 5, problem: null, wallMs: 2600 });
 * // { flaky: false, unchecked: false, text: 'reproduces 5/5 from its replay file in fresh processes (5/5 identical)' }
 */
export function describeReproduction(r: Reproduction): { flaky: boolean; unchecked: boolean; text: string } {
  if (r.attempts === 0) return { flaky: false, unchecked: true, text: `reproduction not checked: ${r.problem ?? 'no attempt was made'}` };
  const counts = `reproduces ${r.reproduced}/${r.attempts} from its replay file in fresh processes (${r.identical}/${r.attempts} identical)`;
  const problem = r.problem ? `; an attempt could not replay: ${r.problem}` : '';
  if (r.reproduced === r.attempts) return { flaky: false, unchecked: false, text: `${counts}${problem}` };
  return { flaky: true, unchecked: false, text: `${counts}: the failure depends on something its replay does not fix (timing, a warm process)${problem}` };
}

/**
 * A line about the recordings of the shrunk spec when it took more than one to get a failing run
 * (else null): the kept run is the failing one, or, when none failed, a passing one.
 *
 * @example
 * describeRecordings({ made: 2, failed: true }); // 'recorded on the 2nd try: 1 recording of the shrunk spec did not fail the same way'
 */
export function describeRecordings(recordings: { made: number; failed: boolean }): string | null {
  const { made, failed } = recordings;
  if (failed && made <= 1) return null;
  if (!failed) return `none of ${made} recordings of the shrunk spec failed the same way: the recorded run below passed, the failure above is the campaign's`;
  const nth = made === 2 ? '2nd' : made === 3 ? '3rd' : `${made}th`;
  return `recorded on the ${nth} try: ${made - 1} recording${made === 2 ? '' : 's'} of the shrunk spec did not fail the same way`;
}
