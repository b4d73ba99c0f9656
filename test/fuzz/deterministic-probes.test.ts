/**
 * End-of-run probes run as a fixed actor (actor 0), in a step of their own, and per-turn probes of
 * an overlapping step wait for its end (in dispatch order), so an overlap failure seen by probes
 * replays offline identically from its exported file in a fresh process. Measured before: 0/2
 * (the end probe: `actorId: 0 → 1`; the per-turn probes: `actorId: 1 → 0`).
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fuzz } from 'beamulator';
import { formatFuzzResult } from '../../src/cli/fuzz-command.ts';
import target from './targets/overlap-probe.fuzz.ts';
import { runCli, tempDir } from '../support/cli.ts';
import { noTimeCap } from '../support/no-time-cap.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const file = path.join(import.meta.dirname, 'targets/overlap-probe.fuzz.ts');

describe('deterministic probes', () => {
  it('an overlap failure seen by probes (end and per turn) replays offline identically in fresh processes, k/N', async () => {
    const db = path.join(tmp.dir, 'probes.duckdb');
    const result = await fuzz(target, { seed: 1, runs: 100, shrinkRuns: 8, ...noTimeCap, db, replaysDir: path.join(tmp.dir, 'replays'), file, reproduceRuns: 0 });
    expect(result.found).toBe(true);
    expect(result.complaint).toMatchObject({ trigger: 'invariant:hits never overlap', actorId: 0 });
    const probes = result.actions.filter((a) => result.probes[a.seq] !== undefined);
    const hits = result.actions.filter((a) => result.probes[a.seq] === undefined);
    // The end probe runs as actor 0, after the last step, in a step of its own; the slow hit (actor 0's) finished last.
    const end = probes.filter((a) => result.probes[a.seq] === 'hits never overlap');
    expect(end.map((a) => [a.action, a.actorId])).toEqual([['peak', 0]]);
    expect(end[0]!.step).toBeGreaterThan(Math.max(...result.actions.filter((a) => a !== end[0]).map((a) => a.step)));
    // Per-turn probes of an overlapping step wait for its end: in dispatch order (actor 0 first), in a step after it
    // (the log is in finishing order: actor 1's fast hit comes first).
    const firstOverlap = Math.min(...hits.filter((a) => hits.some((b) => b.step === a.step && b.actorId !== a.actorId)).map((a) => a.step));
    const overlapping = hits.filter((a) => a.step === firstOverlap).sort((a, b) => a.seq - b.seq);
    expect(overlapping.map((a) => a.actorId)).toEqual([0, 1]);
    const after = probes.filter((a) => a.seq > Math.max(...overlapping.map((o) => o.seq)) && result.probes[a.seq] === 'peak is readable').slice(0, 2);
    expect(after.map((a) => a.actorId)).toEqual([0, 1]);
    expect(after[0]!.step).toBeGreaterThan(overlapping[0]!.step);
    const out = formatFuzzResult(result, db, false);
    expect(out).toContain(`, ${hits.length} actions (and ${probes.length} invariant probes)`);
    expect(out).toMatch(/\[probe of hits never overlap\] peak\(/);
    expect(out).not.toMatch(/\[with #\d+(, #\d+)*\] \[probe of/);

    // Offline, from the exported file, each in a fresh process.
    const attempts = 2;
    let identical = 0;
    for (let i = 0; i < attempts; i++) {
      const replay = await runCli(['replay', result.replayFile!, '--offline', '--db', path.join(tmp.dir, `replay-${i}.duckdb`)]);
      if (replay.code === 0 && replay.stdout.includes('(overlap-probe, rerun, offline): identical')) identical++;
      else console.log(replay.stdout, replay.stderr);
    }
    expect(`${identical}/${attempts}`).toBe(`${attempts}/${attempts}`);
  });
});
