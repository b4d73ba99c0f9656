// Every kind of callback beamulator calls, made to throw, one row each, through the real CLI:
// the failure is the user's (exit 6), told in one `beamulator: cannot ...` line that names what
// beamulator was calling and the line of the user's file that threw, with no stack; and what the
// run recorded before is in the store (a run stopped by it is kept with status `failed`).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openStore } from '../../src/store/duckdb-store.ts';
import { ExitCode } from '../../src/util/errors.ts';
import { root, runCli, tempDir, type CliResult } from '../support/cli.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const dist = path.join(root, 'dist/index.js');

/** Parts of the notes simulation a row replaces; `/*throws*\/` marks the line whose code throws. */
interface Slots {
  /** Extra code in the action, before it answers. */
  action?: string;
  /** Extra code in act(), after its action. */
  act?: string;
  initialState?: string;
  complaints?: string;
  /** Extra keys of the population entry. */
  entry?: string;
  /** Extra keys of the simulation. */
  sim?: string;
}

/**
 * Two Writers, three turns each; every Writer's second note fails (`fail()`), so a failed action
 * reaches the callbacks early. Plain JavaScript importing beamulator by path: no loader to start.
 */
function notesSim(slots: Slots): string {
  return `import { defineAction, defineBehavior, defineChecker, defineSimulation, fail, readYourWrites, STOP } from '${dist}';
const note = defineAction('note', async (args) => {
  if (args.n === 2) fail('refused');
  ${slots.action ?? ''}
  return { id: 'n' + args.n };
});
const writer = defineBehavior({
  name: 'Writer',
  initialState: ${slots.initialState ?? '{}'},
  act: async (ctx) => {
    if (ctx.turn > 3) return STOP;
    await ctx.execute(note, { n: ctx.turn }, { complaints: ${slots.complaints ?? '[]'} });
    ${slots.act ?? ''}
    return '1m';
  },
});
export default defineSimulation({
  name: 'notes', duration: '10m',
  population: [{ behavior: writer, count: 2, ${slots.entry ?? ''} }],
  ${slots.sim ?? ''}
});
`;
}

interface Row {
  name: string;
  slots: Slots;
  /** Extra arguments of `run`. */
  args?: string[];
  /** Commands run first (`{sim}`, `{db}` filled in), e.g. the run a replay replays. */
  command?: (sim: string, db: string) => string[];
  message: RegExp;
  /** What the store holds after: the run's status and at least this many actions; null when nothing ran. */
  kept: { status: 'failed' | 'completed'; actions: number } | null;
  ext?: string;
}

const failed = (actions: number) => ({ status: 'failed' as const, actions });
const rows: Row[] = [
  {
    name: 'checker model, null result of a failed action',
    slots: { sim: "checkers: [readYourWrites({ name: 'notes', writes: { note: (_a, r) => ({ key: r.id, fields: {} }) /*throws*/ }, reads: {} })]," },
    message: /^beamulator: cannot run notes: checker 'notes' model writes\.note\(\) for action #\d+ note by Writer \d threw TypeError: Cannot read properties of null \(reading 'id'\) \(at \{file\}\)\. The action failed \(outcome error\), so its result is null: fix that code; the run so far is kept \(\S+, status failed\)/,
    kept: failed(3),
  },
  {
    name: 'checker model in TypeScript (line numbers through the loader)',
    ext: 'ts',
    slots: { sim: "checkers: [readYourWrites({ name: 'notes', writes: { note: (_a: unknown, r: { id: string }) => ({ key: r.id, fields: {} }) /*throws*/ }, reads: {} })]," },
    message: /checker 'notes' model writes\.note\(\) for action #\d+ note by Writer \d threw TypeError: .* \(at \{file\}\)/,
    kept: failed(3),
  },
  {
    name: 'custom checker onAction()',
    slots: { sim: "checkers: [defineChecker({ name: 'custom', start: () => ({ onAction: (r) => { if (r.seq === 3) throw new Error('custom broke'); /*throws*/ return null; } }) })]," },
    message: /cannot run notes: checker 'custom' onAction\(\) for action #3 note by Writer \d threw Error: custom broke \(at \{file\}\)/,
    kept: failed(4),
  },
  {
    name: 'checker start()',
    slots: { sim: "checkers: [defineChecker({ name: 'starter', start: () => { throw new Error('cannot start'); } /*throws*/ })]," },
    message: /cannot run notes: checker 'starter' start\(\) threw Error: cannot start \(at \{file\}\)/,
    kept: failed(0),
  },
  {
    name: 'complaint when()',
    slots: { complaints: "[{ message: 'odd id', when: ({ result }) => result.id === 'x' /*throws*/ }]" },
    message: /cannot run notes: complaint 'odd id' when\(\) for action #\d+ note by Writer \d threw TypeError: Cannot read properties of undefined \(reading 'id'\) \(at \{file\}\)\. The action failed \(outcome error\), so its result is undefined/,
    kept: failed(3),
  },
  {
    name: 'per-turn invariant',
    slots: { sim: "invariants: [{ name: 'few notes', every: 'turn', check: (view) => { if (view.actions.length > 2) throw new Error('bad check'); /*throws*/ return null; } }]," },
    message: /cannot run notes: invariant 'few notes' after Writer \d's turn \d threw Error: bad check \(at \{file\}\)/,
    kept: failed(3),
  },
  {
    name: 'end invariant, rejecting',
    slots: { sim: "invariants: [{ name: 'at end', check: async () => { throw new RangeError('end check'); } /*throws*/ }]," },
    message: /cannot run notes: invariant 'at end' at the end of the run threw RangeError: end check \(at \{file\}\)/,
    kept: failed(6),
  },
  {
    name: 'population config()',
    slots: { entry: "config: (i) => { if (i === 1) throw new Error('no config'); return {}; }, /*throws*/" },
    message: /cannot run notes: the population's config\(\) of Writer for Writer 2 threw Error: no config \(at \{file\}\)/,
    kept: failed(0),
  },
  {
    name: 'population count()',
    slots: { entry: "count: () => { throw new Error('no count'); }, /*throws*/" },
    message: /cannot run notes: the population's count\(\) of Writer threw Error: no count \(at \{file\}\)/,
    kept: failed(0),
  },
  {
    name: 'initialState()',
    slots: { initialState: "({ config }) => config.missing.x /*throws*/" },
    message: /cannot run notes: behavior Writer's initialState\(\) for Writer 1 threw TypeError: .* \(at \{file\}\)/,
    kept: failed(0),
  },
  {
    name: 'target.reset()',
    slots: { sim: "target: { reset: () => { throw new Error('reset refused'); } }, /*throws*/" },
    args: ['--target', 'http://127.0.0.1:9'],
    message: /cannot reset the target at http:\/\/127\.0\.0\.1:9: target\.reset\(\) threw Error: reset refused \(at \{file\}\)/,
    kept: null,
  },
  {
    name: 'replay.normalize()',
    slots: { sim: 'replay: { normalize: (r) => r.id /*throws*/ },' },
    command: (sim, db) => ['replay', 'latest', '--offline', '--db', db, '--sim', sim],
    message: /cannot compare the replay with its original: replay\.normalize\(\) for a result of note threw TypeError: Cannot read properties of null \(reading 'id'\) \(at \{file\}\)\. Fix that code; the replay so far is kept/,
    kept: failed(1),
  },
  // The actor's own code: the run goes on (the actor restarts), and exits 6 when it is over.
  {
    name: "behavior's act()",
    slots: { act: 'if (ctx.turn === 2) ctx.state.missing.x; /*throws*/' },
    message: /^beamulator: cannot run notes cleanly: your code crashed 2 times, first behavior Writer's act\(\) \(turn 2\) by Writer 1 threw TypeError: Cannot read properties of undefined \(reading 'x'\) \(at \{file\}\)\. Fix that code; `beamulator show \S+ --db \S+` lists the crashes$/,
    kept: { status: 'completed', actions: 6 },
  },
  {
    name: "an action's code",
    slots: { action: 'if (args.n === 3) args.missing.x; /*throws*/' },
    message: /cannot run notes cleanly: your code crashed 2 times, first action note \(#\d+\) by Writer \d threw TypeError: Cannot read properties of undefined \(reading 'x'\) \(at \{file\}\)/,
    kept: { status: 'completed', actions: 6 },
  },
];

/** The rows' files and stores, and what each run of the CLI gave. */
async function check(row: Row): Promise<void> {
  const stem = row.name.replace(/\W+/g, '-');
  const dir = path.join(tmp.dir, stem);
  mkdirSync(dir, { recursive: true });
  const simFile = `${stem}.sim.${row.ext ?? 'mjs'}`;
  const source = notesSim(row.slots);
  writeFileSync(path.join(dir, simFile), source);
  if (row.ext === 'ts') writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
  const line = source.split('\n').findIndex((l) => l.includes('/*throws*/')) + 1;
  const db = path.join(dir, 'runs.duckdb');
  const runArgs = ['run', simFile, '--db', db, '--seed', '1', '--no-progress', ...(row.args ?? [])];
  let result: CliResult;
  if (row.command) {
    const first = await runCli(runArgs, { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    result = await runCli(row.command(simFile, db), { cwd: dir });
  } else {
    result = await runCli(runArgs, { cwd: dir });
  }
  const shown = `exit ${result.code}, stderr: ${JSON.stringify(result.stderr)}`;
  expect(result.code, shown).toBe(ExitCode.crashed);
  const lines = result.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('running '));
  expect(lines, shown).toHaveLength(1);
  expect(lines[0], shown).toMatch(/^beamulator: cannot /);
  const at = `${simFile}:${line}:\\d+`;
  expect(lines[0], shown).toMatch(new RegExp(row.message.source.replace('\\{file\\}', at)));
  expect(lines[0], shown).toMatch(/BEAMULATOR_STACK=1 prints its stack$|lists the crashes$/);
  expect(result.stderr, shown).not.toMatch(/node:internal|internal error|^\s+at /m);

  const store = await openStore(db, { readOnly: true });
  try {
    const runs = await store.listRuns();
    const kept = runs.filter((r) => r.kind !== 'run' || !row.command);
    if (!row.kept) {
      expect(kept, 'nothing ran').toEqual([]);
      return;
    }
    const run = kept[0]!;
    expect(run.status, shown).toBe(row.kept.status);
    const actions = await store.actions(run.runId);
    expect(actions.length, 'the actions recorded before are kept').toBeGreaterThanOrEqual(row.kept.actions);
    if (row.kept.status === 'failed') {
      expect(run.error).toContain('threw');
      expect((await store.events(run.runId)).some((e) => e.kind === 'crash' && (e.detail as { fatal?: boolean }).fatal)).toBe(true);
    }
  } finally {
    await store.close();
  }
}

it(`${rows.length} kinds of user callbacks that throw: exit 6, one line naming the callback and the user's line, the run kept`, async () => {
  const failures: string[] = [];
  const queue = [...rows];
  await Promise.all(Array.from({ length: 4 }, async () => {
    for (let row = queue.shift(); row; row = queue.shift()) {
      await check(row).catch((error: unknown) => failures.push(`${row!.name}: ${(error as Error).message.split('\n')[0]}`));
    }
  }));
  expect(failures).toEqual([]);
}, 120_000);

it(`${'BEAMULATOR_STACK'}=1 prints the stack of what the user's code threw after the one line`, async () => {
  const dir = path.join(tmp.dir, 'stack');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'stack.sim.mjs'), notesSim(rows[0]!.slots));
  const result = await runCli(['run', 'stack.sim.mjs', '--db', ':memory:', '--seed', '1'], { cwd: dir, env: { BEAMULATOR_STACK: '1' } });
  expect(result.code, result.stderr).toBe(ExitCode.crashed);
  const lines = result.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('running '));
  expect(lines[0]).toMatch(/^beamulator: cannot run notes: checker 'notes' model writes\.note\(\)/);
  expect(lines[1]).toBe("TypeError: Cannot read properties of null (reading 'id')");
  expect(lines[2]).toMatch(/^\s+at .*stack\.sim\.mjs:\d+:\d+\)?$/);
});
