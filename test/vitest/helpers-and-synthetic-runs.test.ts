import { describe, expect, it } from 'vitest';
import { setupMatchers, type RecordedRun } from 'beamulator/vitest';
// Helpers the package does not export, by path.
import { keepRuns } from '../../src/vitest/keep-runs.ts';
import { beamulatorMatchers } from '../../src/vitest/matchers.ts';
import { isRecordedRun } from '../../src/vitest/recorded-run.ts';
import { resolveSeed } from '../../src/vitest/resolve-seed.ts';
import { reproduceCommand } from '../../src/util/reproduce-command.ts';
import type { ComplaintRecord, Severity } from '../../src/store/records.ts';
import { failureOf } from './helpers.ts';

describe('resolveSeed: options.seed, else BEAMULATOR_SEED, else the simulation, else random', () => {
  it('follows the order', () => {
    expect(resolveSeed(7, 3, { BEAMULATOR_SEED: '42' })).toEqual({ seed: '7', source: 'options' });
    expect(resolveSeed(undefined, 3, { BEAMULATOR_SEED: ' 42 ' })).toEqual({ seed: '42', source: 'env' });
    expect(resolveSeed(undefined, 3, { BEAMULATOR_SEED: '' })).toEqual({ seed: '3', source: 'simulation' });
    expect(resolveSeed('', undefined, {})).toMatchObject({ source: 'random', seed: expect.stringMatching(/^\d+$/) });
  });
});

describe('keepRuns', () => {
  it('takes options.keep first, then BEAMULATOR_KEEP_RUNS', () => {
    expect(keepRuns(undefined, {})).toBe(false);
    expect(keepRuns(undefined, { BEAMULATOR_KEEP_RUNS: '1' })).toBe(true);
    expect(keepRuns(undefined, { BEAMULATOR_KEEP_RUNS: 'true' })).toBe(true);
    expect(keepRuns(undefined, { BEAMULATOR_KEEP_RUNS: '0' })).toBe(false);
    expect(keepRuns(false, { BEAMULATOR_KEEP_RUNS: '1' })).toBe(false);
    expect(keepRuns(true, {})).toBe(true);
  });
});

describe('reproduceCommand', () => {
  it('gives every setting that changes the run as a CLI flag, quoted for the shell', () => {
    expect(reproduceCommand('sims/my app.sim.ts', {
      seed: "it's", durationMs: 5_400_000, target: 'http://127.0.0.1:3000', concurrency: 4, overlapWindow: '10m',
      actors: { Organizer: 2, Procrastinator: 10 }, maxActions: 500, maxWallTime: '30s',
    })).toBe("npx beamulator run 'sims/my app.sim.ts' --seed 'it'\\''s' --duration 1h30m --target http://127.0.0.1:3000"
      + ' --concurrency 4 --overlap-window 10m --actors Organizer=2,Procrastinator=10 --max-actions 500 --max-wall-time 30s');
  });

  it('puts the given environment in front', () => {
    expect(reproduceCommand('a.sim.ts', { seed: '1', durationMs: 60_000 }, { TODO_BUGS: 'stale-read,tenant-leak', EMPTY: '' }))
      .toBe("TODO_BUGS=stale-read,tenant-leak EMPTY='' npx beamulator run a.sim.ts --seed 1 --duration 1m");
    expect(reproduceCommand(null, { seed: '1', durationMs: 60_000 }, { TODO_BUGS: 'stale-read' }))
      .toBe(`runSimulation(sim, { seed: "1", duration: '1m' })  // with TODO_BUGS=stale-read`);
  });

  it('without a file, gives the runSimulation call', () => {
    expect(reproduceCommand(null, { seed: '42', durationMs: 3_600_000, actors: { Organizer: 1 } }))
      .toBe(`runSimulation(sim, { seed: "42", duration: '1h', actors: {"Organizer":1} })`);
  });
});

/** A run made by hand: the matchers only need the RecordedRun shape, so other kinds of runs plug in. */
function syntheticRun(complaints: Array<[Severity, string]>, kind: RecordedRun['kind'] = 'replay'): RecordedRun {
  const rows: ComplaintRecord[] = complaints.map(([severity, message], i) => ({
    runId: 'r1', seq: i, actionSeq: i, actorId: i % 2, severity, message, trigger: 'ctx.complain', detail: null, simTime: i * 60_000,
  }));
  const bySeverity = { urgent: 0, annoying: 0, justsayin: 0 };
  for (const c of rows) bySeverity[c.severity]++;
  return {
    kind, runId: 'r1', simulation: 'shop', seed: '5', summary: {
      actions: complaints.length, byOutcome: { ok: complaints.length, error: 0, crash: 0 }, complaints: rows.length, bySeverity, actors: 2, simDurationMs: 0,
    },
    actors: [0, 1].map((actorId) => ({
      runId: 'r1', actorId, behavior: 'Buyer', name: `Buyer ${actorId + 1}`, config: null, initialState: null, tags: [], rngState: null, origin: 'config' as const, spawnAt: 0,
    })),
    actions: [], complaints: rows, events: [], db: null, reproduce: 'npx beamulator replay r1',
  };
}

describe('the matchers on any RecordedRun', () => {
  it('are registered by importing the module, and setupMatchers can run again', () => {
    setupMatchers();
    const assertion = expect(syntheticRun([])) as unknown as Record<string, unknown>;
    for (const name of Object.keys(beamulatorMatchers)) expect(typeof assertion[name]).toBe('function');
    expect(isRecordedRun(syntheticRun([]))).toBe(true);
    expect(isRecordedRun({ runId: 'x' })).toBe(false);
    // vitest's built-in toSatisfy is left alone and still works on runs.
    expect(syntheticRun([])).toSatisfy((r: RecordedRun) => r.complaints.length === 0);
    expect(() => expect(syntheticRun([])).toSatisfy((() => undefined) as never)).toThrow();
  });

  it('severity thresholds count complaints at or above', () => {
    const run = syntheticRun([['justsayin', 'slow page'], ['annoying', 'lost my cart']]);
    expect(run).toHaveNoComplaints({ severity: 'urgent' });
    expect(run).not.toHaveNoComplaints({ severity: 'annoying' });
    expect(run).toHaveComplained('cart', { severity: 'annoying' });
    expect(run).not.toHaveComplained('slow', { severity: 'annoying' });
    expect(run).toHaveComplained(/slow/g);
    expect(run).toHaveComplained(/slow/g); // a g-flag RegExp does not carry lastIndex over
    const message = failureOf(() => expect(run).not.toHaveNoComplaints({ severity: 'urgent' }));
    expect(message).toContain("expected run to have complaints at or above 'urgent', but it has none (it has 2 below that)");
    expect(message).toContain('run        r1 (replay of simulation shop)');
    expect(message).toContain('reproduce  npx beamulator replay r1');
  });

  it('list at most 5 kinds of complaint, most serious first, and count the rest', () => {
    const run = syntheticRun([
      ['justsayin', 'm1'], ['annoying', 'm2'], ['annoying', 'm3'], ['urgent', 'm4'], ['annoying', 'm5'], ['justsayin', 'm6'], ['justsayin', 'm7'], ['urgent', 'm4'],
    ]);
    const message = failureOf(() => expect(run).toHaveNoComplaints());
    const listed = message.split('\n').filter((l) => /^ {4}(urgent|annoying|justsayin) /.test(l));
    expect(listed.map((l) => l.trim().split(/\s+/)[1])).toEqual(['m4', 'm2', 'm3', 'm5', 'm1']);
    expect(listed[0]).toContain('(Buyer 2 at 0:03:00, action #3; 2x)');
    expect(message).toContain('... and 2 more (2 other kinds)');
  });
});
