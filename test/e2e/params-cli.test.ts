// Run parameters through the real CLI: a run that switches a planted bug on with --param repeats
// from its own "repeat" line and replays from the store or a file, whatever the environment holds.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bin, exampleSim, root, runCli, tempDir, type CliResult } from '../support/cli.ts';
import { noTimeLimit } from '../support/no-time-cap.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const db = path.join(tmp.dir, 'runs.duckdb');
const sim = path.relative(root, exampleSim);

/** Runs `command` in a shell from the repository root with exactly `env` (plus PATH): a fresh process, no inherited TODO_BUGS. */
function shell(command: string, env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', command], { cwd: root, env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? tmp.dir, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** The CLI with exactly `env`: `node bin/beamulator.js ...args`. */
const cli = (args: string[], env: Record<string, string> = {}) => shell([process.execPath, bin, ...args].map(quote).join(' '), env);
const quote = (word: string) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);

type Complaint = { seq: number; actionSeq: number | null; actorId: number; message: string };
async function complaintsOf(runId: string): Promise<Complaint[]> {
  const shown = await runCli(['show', runId, '--db', db, '--json']);
  expect(shown.code, shown.stderr).toBe(0);
  return (JSON.parse(shown.stdout) as { complaints: Complaint[] }).complaints.map(({ seq, actionSeq, actorId, message }) => ({ seq, actionSeq, actorId, message }));
}

let runId: string;
let run: CliResult;

beforeAll(async () => {
  run = await cli(['run', sim, '--seed', '42', '--duration', '4h', '--param', 'bugs=stale-read', '--db', db, '--no-progress']);
  runId = /^run (\S+)/m.exec(run.stdout)![1]!;
});

describe('beamulator run --param', () => {
  it('switches the planted bug on: complaints, the parameters in the summary, every one of them in the repeat line', async () => {
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(/urgent +\d+x the list shows a todo I completed as incomplete \(stale read\)/);
    expect(run.stdout).toContain('  params      bugs=stale-read  teams=3\n');
    expect(run.stdout).toContain(`  repeat    npx beamulator run ${sim} --seed 42 --duration 4h --param bugs=stale-read --param teams=3 --db ${db}\n`);
  });

  it('the repeat line, run as printed in a fresh process without TODO_BUGS, gives the same complaints', async () => {
    const line = /^ {2}repeat {4}(.+)$/m.exec(run.stdout)![1]!;
    const again = await shell(line);
    expect(again.code, again.stderr).toBe(1);
    const againId = /^run (\S+)/m.exec(again.stdout)![1]!;
    expect(againId).not.toBe(runId);
    const original = await complaintsOf(runId);
    expect(original.length).toBeGreaterThan(0);
    expect(await complaintsOf(againId)).toEqual(original);
  });

  it('an environment variable the example opts into sets it too, and the summary says where it came from', async () => {
    const viaEnv = await cli(['run', sim, '--seed', '42', '--duration', '4h', '--db', ':memory:', '--fail-on', 'none'], { TODO_BUGS: 'stale-read' });
    expect(viaEnv.code, viaEnv.stderr).toBe(0);
    expect(viaEnv.stdout).toContain('  params      bugs=stale-read (env TODO_BUGS)  teams=3\n');
    // The repeat line does not depend on the variable: it sets the value, and keeps the options that changed the run.
    expect(viaEnv.stdout).toContain(`--param bugs=stale-read --param teams=3 --db :memory: --fail-on none\n`);
    expect(viaEnv.stdout).not.toContain('TODO_BUGS=');
    // --param wins over the environment.
    const flagWins = await cli(['run', sim, '--seed', '42', '--duration', '1h', '--db', ':memory:', '--param', 'bugs=', '--json'], { TODO_BUGS: 'stale-read' });
    expect(JSON.parse(flagWins.stdout).params).toEqual({ bugs: [], teams: 3 });
  });

  it('bad values: one line each, exit 2, nothing recorded', async () => {
    const before = (await runCli(['runs', '--db', db, '--json'])).stdout;
    for (const [args, message] of [
      [['--param', 'teams=abc'], "beamulator: cannot run todo: --param teams=abc: expected a number. teams: how many teams share the app"],
      [['--param', 'bugs=stale'], "beamulator: cannot run todo: --param bugs=stale: 'stale' is not one of lost-update, tenant-leak, stale-read, all. bugs:"],
      [['--param', 'temas=4'], "beamulator: cannot run todo: --param temas=4: unknown parameter 'temas'. Known parameters: bugs: "],
      [['--param', 'teams'], 'beamulator: cannot run todo: --param teams: expected a value (name=value). teams:'],
    ] as const) {
      const bad = await cli(['run', sim, '--db', db, ...args]);
      expect(bad.code, bad.stderr).toBe(2);
      expect(bad.stdout).toBe('');
      expect(bad.stderr.trim().split('\n')).toHaveLength(1);
      expect(bad.stderr.startsWith(message), bad.stderr).toBe(true);
    }
    const fromEnv = await cli(['run', sim, '--db', db], { TODO_BUGS: 'everything' });
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.stderr).toMatch(/^beamulator: cannot run todo: TODO_BUGS=everything \(environment\): 'everything' is not one of .*Fix or unset TODO_BUGS\n$/);
    expect((await runCli(['runs', '--db', db, '--json'])).stdout).toBe(before);
  });
});

describe('show, replay and export of a run with parameters', () => {
  it('show prints them (text and --json)', async () => {
    const text = await runCli(['show', runId, '--db', db, '-a', '0']);
    expect(text.stdout).toContain('  params      bugs=stale-read  teams=3\n');
    const json = JSON.parse((await runCli(['show', runId, '--db', db, '--json'])).stdout);
    expect(json.run.params).toEqual({ bugs: ['stale-read'], teams: 3 });
  });

  it('replay <id> is identical in every mode with the environment cleared, and with another bug in it', async () => {
    for (const [mode, env] of [
      [[], {}], [['--mode', 'log'], {}], [['--offline'], {}], [['--mode', 'log', '--offline'], {}], [[], { TODO_BUGS: 'tenant-leak' }],
    ] as const) {
      const replay = await cli(['replay', runId, '--db', db, ...mode], env);
      expect(replay.code, `${mode.join(' ')}: ${replay.stdout}${replay.stderr}`).toBe(0);
      expect(replay.stdout).toMatch(/: identical\n/);
    }
  });

  it('an exported replay file replays identically in a fresh process, with no store and no TODO_BUGS', async () => {
    const file = path.join(tmp.dir, 'replays', 'stale-read.json');
    const exported = await runCli(['export', runId, '--db', db, '-o', file]);
    expect(exported.code, exported.stderr).toBe(0);
    const replay = await cli(['replay', file, '--db', path.join(tmp.dir, 'fresh.duckdb')]);
    expect(replay.code, replay.stdout + replay.stderr).toBe(0);
    expect(replay.stdout).toMatch(/\(todo, rerun\): identical\n/);
    expect(replay.stdout).toMatch(/\d+ complaints raised again, as in the original/);
  });
});

describe('fuzz targets set parameters too', () => {
  it("a fuzz run stores its target's values, and TODO_BUGS changes neither the campaign nor the replay", async () => {
    const fuzzDb = path.join(tmp.dir, 'fuzz.duckdb');
    const found = await cli(['fuzz', 'fuzz/stale-read.fuzz.ts', '--seed', '1', '--time-limit', noTimeLimit, '--expect-failure', '--db', fuzzDb, '--replays', path.join(tmp.dir, 'fuzz-replays'), '--reproduce', '1'],
      { TODO_BUGS: 'tenant-leak' });
    expect(found.code, found.stdout + found.stderr).toBe(0);
    expect(found.stdout).toContain('stale read');
    // The fresh process inherits TODO_BUGS too, and replays the stored values.
    expect(found.stdout).toContain('reproduces 1/1 from its replay file in fresh processes (1/1 identical)');
    const shown = JSON.parse((await runCli(['show', 'latest', '--db', fuzzDb, '--json'])).stdout);
    expect(shown.run.kind).toBe('fuzz');
    expect(shown.run.params).toEqual({ bugs: ['stale-read'], teams: 3 });
    const replay = await cli(['replay', 'latest', '--db', fuzzDb]);
    expect(replay.code, replay.stdout + replay.stderr).toBe(0);
    expect(replay.stdout).toMatch(/\(stale-read, rerun\): identical/);
  });
});
