/**
 * Reproduction the way the user reproduces a fuzz failure: its replay file replayed in fresh
 * processes (`reproduces k/N`), `beamulator replay --attempts`, and the recorded run being a
 * run that failed (its own actions and complaints), on the shelf app of test/fuzz/reproduce/.
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defineFuzzTarget, fuzz, openStore } from 'beamulator';
import { formatFuzzResult } from '../../src/cli/fuzz-command.ts';
import { runCli, tempDir } from '../support/cli.ts';
import { noTimeCap, noTimeLimit } from '../support/no-time-cap.ts';
import { startShelfApp } from './reproduce/shelf-app.ts';
import shelf from './reproduce/shelf.sim.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const replays = path.join(tmp.dir, 'replays');
const fuzzArgs = (target: string, db: string, ...more: string[]) => [
  'fuzz', `test/fuzz/reproduce/${target}.fuzz.ts`, '--seed', '1', '--runs', '200', '--time-limit', noTimeLimit,
  '--db', path.join(tmp.dir, db), '--replays', replays, ...more,
];

describe('fuzz: reproduction from the replay file in fresh processes', () => {
  it('a deterministic failure reproduces N/N, in the JSON, the stored run and `show`; replay --attempts stops at the first', async () => {
    const fuzzed = await runCli(fuzzArgs('always', 'always.duckdb', '--reproduce', '2', '--json'));
    expect(fuzzed.code, fuzzed.stderr).toBe(1);
    const [result] = JSON.parse(fuzzed.stdout) as Array<{ runId: string; replayFile: string; reproduced: unknown; recordings: unknown }>;
    expect(result!.reproduced).toMatchObject({ attempts: 2, reproduced: 2, identical: 2, problem: null });
    expect(result!.recordings).toEqual({ made: 1, failed: true });

    const shown = await runCli(['show', result!.runId, '--db', path.join(tmp.dir, 'always.duckdb')]);
    expect(shown.stdout).toContain('reproduces 2/2 from its replay file in fresh processes (2/2 identical)');
    const json = await runCli(['show', result!.runId, '--db', path.join(tmp.dir, 'always.duckdb'), '--json']);
    expect((JSON.parse(json.stdout) as { run: { config: { meta: { reproduced: unknown } } } }).run.config.meta.reproduced).toEqual(result!.reproduced);

    const replayed = await runCli(['replay', result!.replayFile, '--attempts', '3', '--db', ':memory:']);
    expect(replayed.code, replayed.stderr).toBe(0);
    expect(replayed.stdout).toContain('the recorded failure recurred (urgent: the shelf lost the');
    expect(replayed.stdout).toMatch(/ {2}reproduced 1\/1\n/);
  }, 60_000);

  it('a failure that needs the warm fuzz process reports k/N < N, and replay --attempts exits 7 after N attempts', async () => {
    const fuzzed = await runCli(fuzzArgs('warm', 'warm.duckdb', '--reproduce', '2'));
    expect(fuzzed.code, fuzzed.stderr).toBe(1);
    expect(fuzzed.stdout).toContain('FAILED  urgent: the shelf lost the');
    expect(fuzzed.stdout).toContain('FLAKY  reproduces 0/2 from its replay file in fresh processes (0/2 identical): the failure depends on something its replay does not fix');
    const file = /replay {4}beamulator replay (\S+)/.exec(fuzzed.stdout)![1]!;

    const replayed = await runCli(['replay', file, '--attempts', '3', '--db', ':memory:']);
    expect(replayed.code).toBe(7);
    expect(replayed.stdout).toContain('the recorded failure did not recur');
    expect(replayed.stdout).toContain('reproduced 0/3: no attempt reproduced the recording');
    expect(replayed.stdout).toContain('not reproduced: exit 7');
    const json = await runCli(['replay', file, '--attempts', '2', '--db', ':memory:', '--json']);
    expect(json.code).toBe(7);
    expect(JSON.parse(json.stdout)).toMatchObject({ reproduces: false, attempts: { made: 2, reproduced: 0, max: 2 }, exitCode: 7 });
  }, 60_000);
});

describe('fuzz: the recorded run is a run that failed', () => {
  /** The shelf always loses the last write during the search and shrink; when recording, `recordingStale(n)` decides for the n-th recording. */
  const target = (recordingStale: (recording: number) => boolean) => {
    const phase = { recording: false, recordings: 0 };
    const fuzzTarget = defineFuzzTarget({
      name: 'shelf-flaky', simulation: shelf, maxActors: 1, maxTurns: 2,
      target: {
        start: async () => {
          const app = await startShelfApp('always', {
            stale: () => !phase.recording || recordingStale(phase.recordings),
            onReset: () => {
              if (phase.recording) phase.recordings++;
            },
          });
          return { url: app.url, stop: () => app.stop(), reset: () => app.reset() };
        },
      },
    });
    const onProgress = (p: { phase: string }) => {
      phase.recording ||= p.phase === 'record';
    };
    return { fuzzTarget, onProgress };
  };

  it('records again when a recording passes, and keeps the failing one: its actions beside its complaint, its complaints stored', async () => {
    // The first recording passes (a race that did not bite this time), the second fails.
    const { fuzzTarget, onProgress } = target((n) => n >= 2);
    const store = await openStore(path.join(tmp.dir, 'flaky.duckdb'));
    try {
      const result = await fuzz(fuzzTarget, { seed: 1, runs: 50, ...noTimeCap, db: store, replaysDir: replays, reproduceRuns: 0, onProgress });
      expect(result.recordings).toEqual({ made: 2, failed: true });
      const c = result.complaint!;
      expect(c.message).toMatch(/^the shelf lost the \d I just put on it$/);
      // The action the complaint points at is the failing run's own: the list that missed the write.
      const failing = result.actions.find((a) => a.seq === c.actionSeq)!;
      expect(failing).toMatchObject({ action: 'list', result: [] });
      const printed = formatFuzzResult(result, store.path, false);
      expect(printed).toContain('recorded on the 2nd try: 1 recording of the shrunk spec did not fail the same way');
      expect(printed).toMatch(new RegExp(`#${c.actionSeq} .*list\\(\\{\\}\\) ok \\[\\]`));
      expect(printed).toContain(`complains at 0:00:00 (action #${c.actionSeq}): ${c.message}`);
      // Stored: the run's complaints (the store and `runs` count them), and the same actions.
      expect((await store.complaints(result.runId!)).map((x) => x.message)).toEqual([c.message]);
      expect((await store.getRun(result.runId!))!.summary.complaints).toBe(1);
      expect((await store.actions(result.runId!)).map((a) => a.result)).toEqual(result.actions.map((a) => a.result));
    } finally {
      await store.close();
    }
  });

  it('says so when no recording fails the same way, and points no complaint into the passing run', async () => {
    const { fuzzTarget, onProgress } = target(() => false);
    const result = await fuzz(fuzzTarget, { seed: 1, runs: 50, ...noTimeCap, db: ':memory:', replaysDir: false, reproduceRuns: 0, onProgress });
    expect(result.recordings).toEqual({ made: 5, failed: false });
    expect(result.complaints).toEqual([]);
    const printed = formatFuzzResult(result, ':memory:', false);
    expect(printed).toContain("FLAKY  none of 5 recordings of the shrunk spec failed the same way: the recorded run below passed, the failure above is the campaign's");
    expect(printed).toContain("=> the campaign's run failed (urgent: the shelf lost the");
    expect(printed).not.toContain('complains at');
  });
});
