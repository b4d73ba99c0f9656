/**
 * What fails a fuzz run and how a failure is told apart: crashes fail by default (per target and
 * `--allow-crashes`), invariants see events and give a detail, failures are identified by
 * invariant name (a message with changing numbers still shrinks), per-behavior configs, and the
 * coverage a passing campaign prints. In-process simulations (no HTTP) keep these cheap.
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defineActions, defineBehavior, defineFuzzTarget, defineSimulation, fuzz, openStore, runSimulation, type FuzzRunView } from 'beamulator';
import { shrinkRun } from '../../src/fuzz/shrink-run.ts';
import { formatFuzzResult, fuzzCommand, type FuzzCommandOptions } from '../../src/cli/fuzz-command.ts';
import { runsCommand, showCommand } from '../../src/cli/inspect-commands.ts';
import { readRunBundle } from '../../src/replay/replay-file.ts';
import { tempDir } from '../support/cli.ts';
import { noTimeCap, noTimeLimit } from '../support/no-time-cap.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function captured() {
  const o = { text: '', out: (t: string) => { o.text += t; }, err: () => {}, isTTY: false, color: false, errColor: false };
  return o;
}

/** Writers write to their blog, Commenters comment in a tone (a rude one says so, below the fail level). */
function blogSim() {
  const actions = defineActions({
    write: async (args: { blog: string }) => ({ blog: args.blog }),
    comment: async (args: { tone: string }) => ({ tone: args.tone }),
  });
  const writer = defineBehavior<Record<string, never>, { blog: string }>({
    name: 'Writer', initialState: {},
    async act(ctx) {
      await ctx.execute(actions.write, { blog: ctx.config.blog });
      return '1m';
    },
  });
  const commenter = defineBehavior<Record<string, never>, { tone: string }>({
    name: 'Commenter', initialState: {},
    async act(ctx) {
      await ctx.execute(actions.comment, { tone: ctx.config.tone });
      if (ctx.config.tone === 'rude') ctx.complain('that was rude', { severity: 'justsayin' });
      return '1m';
    },
  });
  return defineSimulation({
    name: 'blog', actions, behaviors: [writer, commenter],
    population: [{ behavior: writer, count: 1, config: { blog: 'b' } }, { behavior: commenter, count: 2, config: (i: number) => ({ tone: i === 1 ? 'rude' : 'kind' }) }],
    target: { start: () => ({ url: 'http://127.0.0.1:9', reset: () => {} }) },
  });
}

const writes = (run: { actions: ReadonlyArray<{ action: string }> }) => run.actions.filter((a) => a.action === 'write').length;

describe('failures are identified by invariant name, not message', () => {
  it('an invariant whose message carries a changing number still shrinks (overlap: each step confirmed twice)', async () => {
    let checks = 0;
    const target = defineFuzzTarget({
      name: 'three-writes', simulation: blogSim(), configs: { Writer: [{ blog: 'a' }], Commenter: [{ tone: 'kind' }] }, overlap: true, maxActors: 3, maxTurns: 6,
      invariants: [{ name: 'fewer than 3 writes', check: (run) => (writes(run) >= 3 ? `${writes(run)} writes (check #${++checks})` : null) }],
    });
    const result = await fuzz(target, { seed: 1, runs: 200, shrinkRuns: 150, ...noTimeCap, db: false, replaysDir: false, reproduceRuns: 0 });
    expect(result.failure).toMatchObject({ kind: 'invariant', invariant: 'fewer than 3 writes', message: expect.stringMatching(/^3 writes \(check #\d+\)$/) });
    // Every confirming re-run said another number: compared by text, none would have been confirmed.
    expect(result.unconfirmed).toBe(0);
    expect(result.actions.map((a) => a.action)).toEqual(['write', 'write', 'write']);
  });
});

describe('the former shape of a fuzz invariant', () => {
  it('a bare function still works (a falsy answer holds, as before), named after itself, with a DeprecationWarning saying what to write', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const target = defineFuzzTarget({ name: 'legacy', simulation: blogSim(), invariants: [function noWrites(run) { return writes(run) > 0 && 'wrote'; } as (run: FuzzRunView) => string | null] });
      expect(target.fuzz.invariants.map((i) => i.name)).toEqual(['noWrites']);
      const result = await fuzz(target, { seed: 1, runs: 20, ...noTimeCap, db: false, replaysDir: false, reproduceRuns: 0 });
      expect(result.failure).toMatchObject({ kind: 'invariant', invariant: 'noWrites', message: 'wrote' });
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.map((w) => [w.name, w.message])).toEqual([[
        'DeprecationWarning', "fuzz target 'legacy': invariants as bare functions are deprecated; write { name: 'noWrites', check: (run) => ... } (failures are identified by the name)",
      ]]);
    } finally {
      process.off('warning', onWarning);
    }
  });
});

describe('per-behavior configs', () => {
  it('each behavior draws from its own list; keys are checked; a passing campaign prints what it explored', async () => {
    const configs = { Writer: [{ blog: 'a' }, { blog: 'b' }], Commenter: [{ tone: 'kind' }, { tone: 'rude' }] };
    const target = defineFuzzTarget({
      name: 'blog', simulation: blogSim(), configs, overlap: true, maxActors: 3, maxTurns: 4,
      invariants: [{
        name: 'configs fit their behavior',
        check: (run) => {
          const wrong = run.spec.actors.find((a) => !(configs[a.behavior as keyof typeof configs] as unknown[]).includes(a.config));
          return wrong ? { message: `${wrong.behavior} got ${JSON.stringify(wrong.config)}`, detail: wrong.config } : null;
        },
      }],
    });
    expect(target.fuzz.behaviors).toEqual(['Writer', 'Commenter']);
    expect(() => defineFuzzTarget({ name: 'x', simulation: blogSim(), configs: { Reader: [{}] } })).toThrow(/unknown behavior 'Reader'/);
    // @ts-expect-error: 'Reader' is not one of the behaviors listed
    expect(() => defineFuzzTarget({ name: 'x', simulation: blogSim(), behaviors: ['Writer'], configs: { Reader: [{}] } })).toThrow(/configs names 'Reader', which is not one of its behaviors/);
    expect(() => defineFuzzTarget({ name: 'x', simulation: blogSim(), configs: { Writer: [] } })).toThrow(/configs.Writer is empty/);

    const result = await fuzz(target, { seed: 3, runs: 60, ...noTimeCap, db: false, replaysDir: false });
    expect(result.found).toBe(false);
    const c = result.coverage;
    expect(c.runs).toBe(60);
    expect(c.pairs).toEqual(['Commenter/comment', 'Writer/write']);
    expect(c.outcomes).toEqual({ ok: c.actions, error: 0, crash: 0 });
    expect(c.actions).toBeGreaterThan(c.runs);
    expect(c.overlappingSteps).toBeGreaterThan(0);
    expect(c.complaintsBelowFailLevel.justsayin).toBeGreaterThan(0);
    const out = formatFuzzResult(result, ':memory:', false);
    expect(out).toContain(`  explored  ${c.actions} actions by ${c.actors} actors in 60 runs, ${c.overlappingSteps} overlapping steps\n`);
    expect(out).toContain(`  outcomes  ok ${c.actions}, error 0, crash 0\n`);
    expect(out).toContain('  pairs     2 behavior/action pairs: Commenter/comment, Writer/write\n');
    expect(out).toContain(`  below the fail level  ${c.complaintsBelowFailLevel.justsayin} complaints (urgent 0, annoying 0, justsayin ${c.complaintsBelowFailLevel.justsayin})\n`);
  });

  it('beamulator shrink of a seeded run keeps each actor on its own behavior\'s configs', async () => {
    const target = defineFuzzTarget({
      name: 'blog', simulation: blogSim(), configs: { Writer: [{ blog: 'a' }], Commenter: [{ tone: 'kind' }] }, failOn: 'justsayin',
    });
    const store = await openStore(':memory:');
    try {
      const run = await runSimulation(target, { db: store, seed: 1, duration: '10m' });
      const result = await shrinkRun(target, store, run.runId, { db: store, replaysDir: false, shrinkRuns: 30, ...noTimeCap, reproduceRuns: 0 });
      expect(result.complaint).toMatchObject({ message: 'that was rude' });
      // The rude Commenter's config is not in the target's lists: widened for Commenter only, and kept.
      expect(result.actors.map((a) => [a.behavior, a.config])).toEqual([['Commenter', { tone: 'rude' }]]);
    } finally {
      await store.close();
    }
  });
});

describe('crashes fail a fuzz run', () => {
  const file = path.join(import.meta.dirname, 'targets/answers-500.fuzz.ts');
  const db = path.join(tmp.dir, 'crashes.duckdb');
  const options = (extra: Partial<FuzzCommandOptions> = {}): FuzzCommandOptions => ({
    runs: '20', seed: '1', timeLimit: noTimeLimit, db, replays: path.join(tmp.dir, 'replays'), reproduce: '0', ...extra,
  });

  it('a target answering 500 that makes every actor crash fails the campaign; show prints the failure, runs counts it', async () => {
    const output = captured();
    expect(await fuzzCommand(file, options(), output)).toBe(1);
    expect(output.text).toContain("FAILED  crash of a behavior: Cannot read properties of undefined (reading 'items')");
    expect(output.text).toMatch(/=> Reader 1 crashed: Cannot read properties of undefined/);
    const runId = /inspect +beamulator show (\S+)/.exec(output.text)![1]!;
    const shown = captured();
    await showCommand(runId, { db, actions: 0 }, shown);
    expect(shown.text).toContain("  failure     crash of a behavior: Cannot read properties of undefined (reading 'items')\n");
    const runs = captured();
    await runsCommand({ db, limit: 5 }, runs);
    expect(runs.text).toMatch(new RegExp(`^${runId} +fuzz .* {9}1  \\(tapes\\)$`, 'm'));
    // --json: the failure by kind, and what the search explored.
    const json = captured();
    expect(await fuzzCommand(file, options({ json: true, replays: path.join(tmp.dir, 'json-replays') }), json)).toBe(1);
    const [parsed] = JSON.parse(json.text) as Array<{ failure: { kind: string; at?: string }; coverage: { runs: number; outcomes: { error: number }; crashes: number } }>;
    expect(parsed!.failure).toMatchObject({ kind: 'crash', at: expect.stringContaining('answers-500.fuzz.ts') });
    expect(parsed!.coverage.runs).toBeGreaterThan(0);
    expect(parsed!.coverage.crashes).toBeGreaterThan(0);
  });

  it('a failure of a sharded campaign (--shard 2/3) gets a run id ending in -s2, like a sharded run', async () => {
    const output = captured();
    expect(await fuzzCommand(file, options({ shard: '2/3', replays: path.join(tmp.dir, 'shard-replays') }), output)).toBe(1);
    expect(output.text).toContain('(shard 2/3: 7 of 20 runs');
    const runId = /inspect +beamulator show (\S+)/.exec(output.text)![1]!;
    expect(runId).toMatch(/-s2$/);
  });

  it('--allow-crashes: the crashes pass, and the invariant that counts restarts (events) fails, with its detail stored', async () => {
    const output = captured();
    expect(await fuzzCommand(file, options({ allowCrashes: true }), output)).toBe(1);
    expect(output.text).toContain("FAILED  invariant 'at most 3 restarts' broken: 4 restarts");
    const runId = /inspect +beamulator show (\S+)/.exec(output.text)![1]!;
    const store = await openStore(db, { readOnly: true });
    try {
      const meta = ((await readRunBundle(store, runId)).run.config as { meta: { failure: unknown; coverage: { runs: number } } }).meta;
      expect(meta.failure).toEqual({ kind: 'invariant', invariant: 'at most 3 restarts', message: '4 restarts', detail: { restarts: 4 } });
      expect(meta.coverage.runs).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
    const shown = captured();
    await showCommand(runId, { db, actions: 0 }, shown);
    expect(shown.text).toContain("  failure     invariant 'at most 3 restarts' broken: 4 restarts  {\"restarts\":4}\n");
  });
});
