// Malformed input of every kind, one row each: CLI arguments, simulation, config and fuzz target
// files, run stores and replay files. Every row must end with its documented exit code and one
// line on stderr in the `beamulator: cannot ...` form (no stack, no `node:internal`, no internal
// error), and must leave the runs already in the store exactly as they were.
//
// Rows run a few at a time in one test (children a test starts are killed when it ends, so rows
// are not separate concurrent tests), each on its own copy of a store holding one recorded run,
// so they cannot lock each other out; the copy is read back in-process afterwards.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openStore } from '../../src/store/duckdb-store.ts';
import { ExitCode } from '../../src/util/errors.ts';
import { startChild } from '../store/helpers.ts';
import { root, runCli, tempDir, type CliResult } from '../support/cli.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const dir = tmp.dir;
const at = (...parts: string[]) => path.join(dir, ...parts);
const dist = path.join(root, 'dist/index.js');
const baseDb = at('base.duckdb');
let runId = '';
let snapshot = '';

/** A source file in the temp folder. */
function file(name: string, text: string): string {
  const full = at(name);
  mkdirSync(path.dirname(full), { recursive: true });
  writeFileSync(full, text);
  return full;
}

/**
 * A simulation with no target, in plain JavaScript (no TypeScript loader to start: the rows stay
 * fast), importing beamulator by path since the temp folder has no node_modules. Scribes and a Namer note things down.
 */
const notesSource = `import { defineAction, defineBehavior, defineSimulation, STOP } from '${dist}';
const note = defineAction('note', async (args) => ({ noted: args.text }));
const writer = (name, text) => defineBehavior({
  name, initialState: undefined,
  act: async (ctx) => { if (ctx.turn > 4) return STOP; await ctx.execute(note, { text: text(ctx) }); return '1m'; },
});
export default defineSimulation({
  name: 'notes', duration: '10m',
  population: [{ behavior: writer('Scribe', (ctx) => 'note ' + ctx.rng.int(1, 100)), count: 2 }, { behavior: writer('Namer', (ctx) => ctx.rng.faker.person.fullName()), count: 1 }],
});
`;
/** A simulation seeded from its "target", here a file its one action reads: one Reader per book on the shelf. */
const shelfSource = (fromTarget: string) => `import { readFileSync } from 'node:fs';
import { defineAction, defineBehavior, defineSimulation, STOP } from '${dist}';
const readShelf = defineAction('readShelf', async () => JSON.parse(readFileSync(${JSON.stringify(at('shelf.json'))}, 'utf8')));
const reader = defineBehavior({ name: 'Reader', initialState: {}, act: async (ctx) => (ctx.turn > 2 ? STOP : (await ctx.execute(readShelf, {}), '1m')) });
export default defineSimulation({ name: 'shelf', duration: '10m', population: [{ behavior: reader, fromTarget: ${fromTarget} }] });
`;
const simOf = (body: string) => `import { defineBehavior, defineSimulation, defineFuzzTarget, STOP } from '${dist}';
const walker = defineBehavior({ name: 'Walker', initialState: undefined, act: () => STOP });
${body}
`;

/** What a row's store holds of the runs recorded before it: compared before and after. */
async function runsOf(db: string): Promise<string> {
  const store = await openStore(db, { readOnly: true });
  try {
    const runs = (await store.listRuns()).filter((r) => r.runId === runId);
    return JSON.stringify(await Promise.all(runs.map(async (r) => ({ ...r, actions: (await store.actions(r.runId)).length }))));
  } finally {
    await store.close();
  }
}

interface Row {
  name: string;
  /** `{db}` becomes the row's own copy of the store; `{notes}` the notes simulation; `{run}` the recorded run's id. */
  args: string[];
  code: number;
  message: RegExp;
}

const notes = '{notes}';
const db = ['--db', '{db}'];
const usage = ExitCode.usage;
const rows: Row[] = [
  // CLI arguments
  { name: 'unknown option', args: ['run', notes, ...db, '--frob'], code: usage, message: /cannot read the command line: unknown option '--frob'\. See `beamulator run --help`$/ },
  { name: 'misspelt option', args: ['run', notes, ...db, '--sed', '1'], code: usage, message: /unknown option '--sed' \(did you mean --seed\?\)/ },
  { name: 'unknown command', args: ['frob'], code: usage, message: /unknown command 'frob'\. See `beamulator --help`$/ },
  { name: 'unknown root option', args: ['--frob'], code: usage, message: /unknown option '--frob'/ },
  { name: 'missing argument', args: ['show', ...db], code: usage, message: /missing required argument 'run-id'/ },
  { name: 'option value missing', args: ['run', notes, '--seed'], code: usage, message: /option '-s, --seed <seed>' argument missing/ },
  { name: 'too many arguments', args: ['runs', 'extra', ...db], code: usage, message: /too many arguments for 'runs' \(expected 0 arguments but got 1\)/ },
  { name: 'empty --seed', args: ['run', notes, ...db, '--seed', ''], code: usage, message: /cannot use an empty seed\. Give a seed/ },
  { name: 'blank --seed', args: ['run', notes, ...db, '--seed', '  '], code: usage, message: /cannot use an empty seed/ },
  { name: '--duration 0', args: ['run', notes, ...db, '--duration', '0'], code: usage, message: /cannot use duration '0': it must be longer than 0/ },
  { name: '--duration 0s', args: ['run', notes, ...db, '--duration', '0s'], code: usage, message: /cannot use duration '0s': it must be longer than 0/ },
  { name: '--duration not a duration', args: ['run', notes, ...db, '--duration', 'soon'], code: usage, message: /cannot read duration 'soon': not a duration/ },
  { name: '--max-wall-time 0', args: ['run', notes, ...db, '--max-wall-time', '0'], code: usage, message: /cannot use max wall time '0': it must be longer than 0/ },
  { name: '--overlap-window without --concurrency', args: ['run', notes, ...db, '--overlap-window', '1s'], code: usage, message: /cannot use --overlap-window 1s without concurrency.*Add --concurrency/ },
  { name: '--concurrency 0', args: ['run', notes, ...db, '--concurrency', '0'], code: usage, message: /--concurrency <n>' argument '0' is invalid: expected a whole number >= 1/ },
  { name: '--concurrency abc', args: ['run', notes, ...db, '--concurrency', 'abc'], code: usage, message: /argument 'abc' is invalid/ },
  { name: '--speed 0', args: ['run', notes, ...db, '--speed', '0'], code: usage, message: /--speed <n>' argument '0' is invalid: expected a number > 0/ },
  { name: '--speed abc', args: ['run', notes, ...db, '--speed', 'abc'], code: usage, message: /--speed <n>' argument 'abc' is invalid/ },
  { name: '--overlap-window with --speed', args: ['run', notes, ...db, '--speed', '100', '--overlap-window', '1s'], code: usage, message: /cannot use --overlap-window with --speed: a paced run has no steps to overlap.*Drop --overlap-window/ },
  { name: '--start-at without --speed', args: ['run', notes, ...db, '--start-at', '2026-12-01T06:00:00Z'], code: usage, message: /cannot start a run at a wall time in virtual time.*Add a speed/ },
  { name: '--start-at not a time', args: ['run', notes, ...db, '--speed', '1', '--start-at', 'tomorrow'], code: usage, message: /cannot start the run at 'tomorrow': not an ISO date with a zone or epoch ms/ },
  { name: '--max-actions 0', args: ['run', notes, ...db, '--max-actions', '0'], code: usage, message: /--max-actions <n>' argument '0' is invalid/ },
  { name: '--actors that leave no actors', args: ['run', notes, ...db, '--actors', 'Scribe=0,Namer=0'], code: usage, message: /with actor counts Scribe=0,Namer=0: that leaves no actors/ },
  { name: '--actors not pairs', args: ['run', notes, ...db, '--actors', 'Scribe'], code: usage, message: /expected Behavior=count pairs/ },
  { name: '--actors unknown behavior', args: ['run', notes, ...db, '--actors', 'Nobody=2'], code: usage, message: /'Nobody'.*Known behaviors: Scribe, Namer/ },
  { name: '--fail-on unknown', args: ['run', notes, ...db, '--fail-on', 'loud'], code: usage, message: /cannot use --fail-on 'loud'/ },
  { name: '--param unknown', args: ['run', notes, ...db, '--param', 'nope=1'], code: usage, message: /nope/ },
  { name: '--target ftp', args: ['run', notes, ...db, '--target', 'ftp://example.com'], code: usage, message: /cannot use target 'ftp:\/\/example\.com': only http: and https: urls are supported/ },
  { name: '--target not a url', args: ['run', notes, ...db, '--target', 'not a url'], code: usage, message: /cannot use target 'not a url': not a url/ },
  { name: '--target with a query', args: ['run', notes, ...db, '--target', 'http://127.0.0.1:9/?a=1'], code: usage, message: /no query or fragment/ },
  { name: '--limit 0', args: ['runs', ...db, '--limit', '0'], code: usage, message: /--limit <n>' argument '0' is invalid/ },
  { name: '--actions -1', args: ['show', '{run}', ...db, '--actions', '-1'], code: usage, message: /--actions/ },
  { name: '--x with --no-x', args: ['fuzz', '--overlap', '--no-overlap', '{fuzz}', ...db], code: usage, message: /--overlap and --no-overlap contradict each other/ },
  { name: '--config with --no-config', args: ['--config', 'x.ts', '--no-config', 'runs', ...db], code: usage, message: /--config and --no-config contradict each other/ },
  { name: 'replay --mode unknown', args: ['replay', '{run}', ...db, '--mode', 'fast'], code: usage, message: /cannot replay with --mode 'fast'/ },
  { name: 'replay --pace unknown', args: ['replay', '{run}', ...db, '--pace', 'slow'], code: usage, message: /cannot replay with --pace 'slow'/ },
  { name: 'replay --attempts 0', args: ['replay', '{run}', ...db, '--attempts', '0'], code: usage, message: /cannot replay with --attempts 0\. Use a whole number >= 1/ },
  { name: 'replay --offline with --target', args: ['replay', '{run}', ...db, '--offline', '--target', 'http://127.0.0.1:9'], code: usage, message: /cannot replay offline against a target/ },
  { name: 'fuzz --runs 0', args: ['fuzz', '{fuzz}', ...db, '--runs', '0'], code: usage, message: /cannot fuzz with --runs 0/ },
  { name: 'fuzz --seed empty', args: ['fuzz', '{fuzz}', ...db, '--seed', ''], code: usage, message: /cannot fuzz with --seed ''/ },
  { name: 'fuzz --time-limit 0', args: ['fuzz', '{fuzz}', ...db, '--time-limit', '0'], code: usage, message: /cannot use --time-limit '0': it must be longer than 0/ },
  { name: 'fuzz --fail-on unknown', args: ['fuzz', '{fuzz}', ...db, '--fail-on', 'loud'], code: usage, message: /cannot fuzz with --fail-on 'loud'/ },
  { name: 'prune choosing nothing', args: ['prune', ...db], code: usage, message: /cannot prune: no runs chosen\. Say which runs to remove: --keep <n>/ },
  { name: 'prune of an unknown kind', args: ['prune', ...db, '--kind', 'fuzz,tests'], code: usage, message: /cannot prune runs of kind 'tests': no such kind\. Use one of: run, fuzz, replay$/ },
  { name: 'prune --older-than not a duration', args: ['prune', ...db, '--older-than', 'last week'], code: usage, message: /cannot read --older-than 'last week': not a duration/ },
  { name: 'prune --older-than without a unit', args: ['prune', ...db, '--older-than', '7'], code: usage, message: /cannot use --older-than '7': it has no unit\. Give one, e\.g\. '7d'/ },
  { name: 'prune --keep -1', args: ['prune', ...db, '--keep', '-1'], code: usage, message: /--keep <n>' argument '-1' is invalid/ },
  { name: 'prune of a missing store', args: ['prune', '--db', at('missing.duckdb'), '--keep', '1'], code: ExitCode.store, message: /cannot prune run store .*missing\.duckdb: no such file/ },
  { name: 'prune of a store being read', args: ['prune', '--db', '{reading}', '--keep', '0'], code: ExitCode.store, message: /process \d+ \(node .*\) has it open \(reading or writing\)/ },
  { name: 'prune of a store being written', args: ['prune', '--db', '{locked}', '--keep', '0'], code: ExitCode.store, message: /process \d+ \(node .*\) has it open \(reading or writing\)/ },
  { name: 'unknown run id', args: ['show', 'zzz', ...db], code: ExitCode.notFound, message: /cannot find run 'zzz'/ },
  { name: 'replay of an unknown run id', args: ['replay', 'zzz', ...db], code: ExitCode.notFound, message: /cannot find run 'zzz'/ },
  { name: 'export of an unknown run id', args: ['export', 'zzz', ...db, '-o', at('never.json')], code: ExitCode.notFound, message: /cannot find run 'zzz'/ },
  { name: 'export -o an existing folder', args: ['export', '{run}', ...db, '-o', at('empty-folder')], code: usage, message: /cannot write replay file .*empty-folder: it is a folder\. Name a file, e\.g\. -o .*empty-folder\/run\.json$/ },
  // procfs answers ENOENT to a mkdir whose parent exists: Node's recursive mkdir looped forever on it.
  { name: 'export -o a path under /proc', args: ['export', '{run}', ...db, '-o', '/proc/beamulator-test/run.json'], code: ExitCode.replayFile, message: /cannot write replay file \/proc\/beamulator-test\/run\.json: cannot create folder \/proc\/beamulator-test \(ENOENT\)\. Check the path/ },
  { name: 'export --parquet a path under /proc', args: ['export', '{run}', ...db, '--parquet', '/proc/beamulator-test/pq'], code: ExitCode.replayFile, message: /cannot write Parquet file .*: cannot create folder \/proc\/beamulator-test \(ENOENT\)/ },
  { name: 'run --db under /proc', args: ['run', '{notes}', '--db', '/proc/beamulator-test/runs.duckdb'], code: ExitCode.store, message: /cannot open run store \/proc\/beamulator-test\/runs\.duckdb: cannot create folder \/proc\/beamulator-test \(ENOENT\)/ },

  // Simulation files
  { name: 'missing simulation file', args: ['run', at('nope.sim.ts'), ...db], code: usage, message: /cannot load simulation .*nope\.sim\.ts: no such file\. Check the path \(simulation files usually end in \.sim\.ts\)$/ },
  { name: 'folder with no simulation', args: ['run', at('empty-folder'), ...db], code: usage, message: /cannot load a simulation from .*empty-folder: the folder holds no \*\.sim\.ts file/ },
  { name: 'folder with two simulations', args: ['run', at('two-sims'), ...db], code: usage, message: /cannot choose a simulation in .*two-sims: it holds 2/ },
  { name: 'not a regular file', args: ['run', '/dev/null', ...db], code: usage, message: /cannot load simulation \/dev\/null: not a regular file/ },
  { name: 'syntax error', args: ['run', at('syntax.sim.ts'), ...db], code: usage, message: /cannot load simulation .*syntax\.sim\.ts: syntax error at 1:\d+/ },
  { name: 'empty file', args: ['run', at('empty.sim.ts'), ...db], code: usage, message: /does not export a simulation \(exports: nothing\)\. Add `export default defineSimulation/ },
  { name: 'no simulation export', args: ['run', at('no-export.sim.ts'), ...db], code: usage, message: /does not export a simulation \(exports: name\)/ },
  { name: 'import that does not resolve', args: ['run', at('bad-import.sim.mjs'), ...db], code: usage, message: /cannot load simulation .*bad-import\.sim\.mjs: .*no-such-package/ },
  { name: 'throws when loaded', args: ['run', at('throws.sim.mjs'), ...db], code: usage, message: /cannot load simulation .*throws\.sim\.mjs: boom at load/ },
  { name: 'unknown behavior in the population', args: ['run', at('unknown-behavior.sim.mjs'), ...db], code: usage, message: /unknown behavior 'Walkr'/ },
  { name: 'arrival rate that is not a rate', args: ['run', at('bad-rate.sim.mjs'), ...db], code: usage, message: /cannot use r's population\[0\]\.arrivals\.rate "10 per s": not a rate\. Write a count per unit of sim time/ },
  { name: 'arrivals with a count', args: ['run', at('rate-and-count.sim.mjs'), ...db], code: usage, message: /population\[0\] has arrivals and count\. Arrivals decide how many actors come/ },
  { name: 'invalid duration in the simulation', args: ['run', at('bad-duration.sim.mjs'), ...db], code: usage, message: /not a duration/ },
  { name: 'replay rule path that names no part', args: ['run', at('bad-rule.sim.mjs'), ...db], code: usage, message: /cannot use simulation 'r': replay\.ignore: 'id' starts with neither \$ \(a result\) nor result, args, complaint\.detail, exchange\.request\.body\. Start a path with/ },
  { name: 'fromTarget that throws', args: ['run', at('seed-throws.sim.mjs'), ...db], code: usage, message: /cannot seed population\[0\] \(Reader\) from the target: its fromTarget threw: shelf locked\. Fix fromTarget; the reads it made are recorded with the run$/ },
  { name: 'fromTarget that returns nonsense', args: ['run', at('seed-nonsense.sim.mjs'), ...db], code: usage, message: /cannot seed population\[0\] \(Reader\) from the target: its fromTarget returned an object, not a list of actors/ },
  { name: 'replay --check-target of a changed target', args: ['replay', '{seeded}', ...db, '--check-target'], code: ExitCode.targetChanged, message: /cannot replay run \S+ as seeded: the target changed since \(3 differences: population\[0\]: 2 actors stored, 3 now; dune: name: "dune" → "dune \(2nd ed\.\)"; dune: state\.book: "dune" → "dune \(2nd ed\.\)"\)\. Bring the target back/ },
  { name: 'replay --check-target of a run not seeded', args: ['replay', '{run}', ...db, '--check-target'], code: usage, message: /cannot check the target for run \S+: it was not seeded from its target/ },
  { name: 'replay --check-target --offline', args: ['replay', '{seeded}', ...db, '--check-target', '--offline'], code: usage, message: /cannot check the target offline: an offline replay reads no target/ },
  { name: 'run --resume of an unknown run', args: ['run', '--resume', 'zzz', ...db], code: ExitCode.notFound, message: /cannot find run 'zzz'/ },
  { name: 'run --resume of a run still being recorded', args: ['run', '--resume', 'latest', '--db', '{locked}'], code: ExitCode.store, message: /process \d+ \(node .*\) (is writing to it|has it open)/ },
  { name: 'run --resume of a run that ran to its end', args: ['run', '--resume', '{run}', ...db], code: usage, message: /cannot resume run \S+: every actor of it had stopped: nothing is left to run\. Start a new run$/ },
  { name: 'run --resume of a replay', args: ['run', '--resume', '{replayed}', ...db], code: usage, message: /cannot resume run \S+: it is a replay \(of \S+\)\. Resume the run it replayed/ },
  { name: 'run --resume with --seed', args: ['run', '--resume', '{run}', ...db, '--seed', '3'], code: usage, message: /cannot use --seed with --resume: a resumed run keeps the settings of the run it continues\. Drop --seed$/ },
  { name: 'state that is not plain JSON', args: ['run', at('set-state.sim.mjs'), ...db], code: usage, message: /cannot snapshot actor 'Keeper 1' \(Keeper\): its state\.seen is a Set, which a snapshot cannot store\. Keep actor state plain JSON/ },
  { name: 'target.start that throws', args: ['run', at('bad-start.sim.mjs'), ...db], code: ExitCode.target, message: /cannot start the target of 'bad-start': port taken \(at bad-start\.sim\.mjs:3:\d+\)\. Fix target\.start/ },
  { name: 'browser without Chromium', args: ['run', at('no-chromium.sim.mjs'), ...db], code: usage, message: /cannot launch Chromium \/nonexistent\/chromium: it does not exist\. Install it with `apt-get install chromium`, or set browser\.executablePath/ },

  // Config files
  { name: 'config with an unknown key', args: ['--config', '{config:unknown-key}', 'runs', ...db], code: usage, message: /unknown key 'colour'/ },
  { name: 'config with a syntax error', args: ['--config', '{config:syntax}', 'runs', ...db], code: usage, message: /syntax error/ },
  { name: 'config with a wrong value', args: ['--config', '{config:wrong-value}', 'runs', ...db], code: usage, message: /failOn/ },
  { name: 'config file missing', args: ['--config', at('missing.config.ts'), 'runs', ...db], code: usage, message: /missing\.config\.ts/ },
  { name: 'config under a file', args: ['--config', path.join('{store:text}', 'beamulator.config.ts'), 'runs', ...db], code: usage, message: /cannot load config .*text\.duckdb\/beamulator\.config\.ts: no such file/ },
  { name: 'config is a folder', args: ['--config', at('a-folder'), 'runs', ...db], code: usage, message: /cannot load config .*a-folder: it is a folder\. Give --config the config file itself/ },
  { name: 'config without a default export', args: ['--config', '{config:no-default}', 'runs', ...db], code: usage, message: /cannot/ },

  // Run stores
  { name: 'store is garbage', args: ['runs', '--db', '{store:garbage}'], code: ExitCode.store, message: /it is not a DuckDB database or it is damaged/ },
  { name: 'store is a short text file', args: ['show', 'latest', '--db', '{store:text}'], code: ExitCode.store, message: /cannot open run store .*text\.duckdb/ },
  { name: 'store is a folder', args: ['runs', '--db', at('a-folder')], code: ExitCode.store, message: /cannot open run store .*a-folder: it is a folder\. Give the path of a store file/ },
  { name: 'store is a folder, for run', args: ['run', notes, '--db', at('a-folder')], code: ExitCode.store, message: /a-folder: it is a folder/ },
  { name: 'init into a file', args: ['init', '--dir', '{store:text}'], code: usage, message: /cannot scaffold into .*text\.duckdb: it, or a part of its path, is a file\. Give a folder you can write to/ },
  { name: 'init with an ftp url', args: ['init', '--url', 'ftp://example.com', '--dir', at('init-here')], code: usage, message: /cannot scaffold for 'ftp:\/\/example\.com'/ },
  { name: 'store missing, for show', args: ['show', 'latest', '--db', at('missing.duckdb')], code: ExitCode.store, message: /no such file.*beamulator run/ },
  { name: 'store under a file', args: ['run', notes, '--db', path.join('{store:text}', 'x.duckdb')], code: ExitCode.store, message: /cannot open run store .*text\.duckdb\/x\.duckdb: cannot create folder .*text\.duckdb \(a file has that name\)\. Check the path/ },
  { name: 'store being written, for runs', args: ['runs', '--db', '{locked}'], code: ExitCode.store, message: /process \d+ \(node .*\) is writing to it\. Wait for it to finish/ },
  { name: 'store being written, for run', args: ['run', notes, '--db', '{locked}'], code: ExitCode.store, message: /process \d+ \(node .*\) has it open \(reading or writing\)/ },
  { name: 'store being read, for run', args: ['run', notes, '--db', '{reading}'], code: ExitCode.store, message: /process \d+ \(node .*\) has it open \(reading or writing\)/ },
  { name: 'store being read, for replay', args: ['replay', 'latest', '--db', '{reading}'], code: ExitCode.store, message: /has it open \(reading or writing\)/ },

  // Replay files
  { name: 'replay file missing', args: ['replay', at('nope.json'), ...db], code: ExitCode.notFound, message: /nope\.json/ },
  { name: 'replay file truncated', args: ['replay', '{replay:truncated}', ...db], code: ExitCode.replayFile, message: /truncated or not JSON/ },
  { name: 'replay file not JSON', args: ['replay', '{replay:not-json}', ...db], code: ExitCode.replayFile, message: /truncated or not JSON/ },
  { name: 'replay file of another kind', args: ['replay', '{replay:other-kind}', ...db], code: ExitCode.replayFile, message: /it is not a beamulator replay file \(it has no format field/ },
  { name: 'replay file with a field of the wrong type', args: ['replay', '{replay:wrong-schema}', ...db], code: ExitCode.replayFile, message: /actions/ },
  { name: 'replay file of another version', args: ['replay', '{replay:wrong-version}', ...db], code: ExitCode.replayVersion, message: /version 999/ },
  { name: 'replay file edited', args: ['replay', '{replay:edited}', ...db], code: ExitCode.replayEdited, message: /edited/ },
  { name: 'import of a truncated replay file', args: ['import', '{replay:truncated}', ...db], code: ExitCode.replayFile, message: /truncated or not JSON/ },

  // Fuzz targets
  { name: 'fuzz target missing', args: ['fuzz', at('nope.fuzz.ts'), ...db], code: usage, message: /cannot load fuzz target .*nope\.fuzz\.ts: no such file\. Check the path \(fuzz target files usually end in \.fuzz\.ts\)$/ },
  { name: 'fuzz folder with no target', args: ['fuzz', at('empty-folder'), ...db], code: usage, message: /cannot load a fuzz target from .*empty-folder: the folder holds no \*\.fuzz\.ts file/ },
  { name: 'fuzz target without a default export', args: ['fuzz', at('no-export.fuzz.ts'), ...db], code: usage, message: /does not export a fuzz target \(exports: name\)\. Add `export default defineFuzzTarget/ },
  { name: 'run --trace without a store file', args: ['run', '{notes}', '--trace', '--db', ':memory:'], code: usage, message: /cannot use --trace with --db :memory:: traces are written next to the store file\. Give --db a file, or drop --trace/ },
  { name: 'fuzz target without Chromium', args: ['fuzz', at('no-chromium.fuzz.mjs'), ...db], code: usage, message: /cannot launch Chromium \/nonexistent\/chromium: it does not exist\. Install it with `apt-get install chromium`/ },
  { name: 'fuzz target that is a simulation', args: ['fuzz', at('a-sim.fuzz.mjs'), ...db], code: usage, message: /not a fuzz target/ },
  { name: 'fuzz target with an unknown behavior', args: ['fuzz', at('unknown.fuzz.mjs'), ...db], code: usage, message: /unknown behavior 'Nobody'/ },
  { name: 'fuzz target with configs of a behavior it does not draw', args: ['fuzz', at('configs.fuzz.mjs'), ...db], code: usage, message: /cannot define fuzz target 'c': configs names 'Namer', which is not one of its behaviors\. Its behaviors: Scribe\. Fix the error/ },
  { name: 'fuzz target with an invariant that is not one', args: ['fuzz', at('invariant.fuzz.mjs'), ...db], code: usage, message: /cannot define fuzz target 'i': invariants\[0\] is not an invariant\. Give \{ name, check/ },
  { name: 'fuzz target with a syntax error', args: ['fuzz', at('syntax.fuzz.ts'), ...db], code: usage, message: /cannot load fuzz target .*syntax\.fuzz\.ts: syntax error/ },
  { name: 'fuzz target with no target', args: ['fuzz', '{fuzz}', ...db, '--runs', '1'], code: usage, message: /it has no target/ },
];

const placeholders: Record<string, string> = {};

beforeAll(async () => {
  const notesFile = file('notes.sim.mjs', notesSource);
  placeholders['{notes}'] = notesFile;
  const first = await runCli(['run', notesFile, '--db', baseDb, '--seed', '7', '--json']);
  expect(first.code, first.stderr).toBe(0);
  runId = JSON.parse(first.stdout).runId;
  placeholders['{run}'] = runId;
  // A run seeded from its "target" (a file), which then changes.
  writeFileSync(at('shelf.json'), JSON.stringify(['dune', 'emma']));
  const shelf = file('shelf.sim.mjs', shelfSource("async (ctx) => (await ctx.execute(readShelf, {})).value.map((book) => ({ name: book, state: { book } }))"));
  const seeded = await runCli(['run', shelf, '--db', baseDb, '--seed', '1', '--json']);
  expect(seeded.code, seeded.stderr).toBe(0);
  placeholders['{seeded}'] = JSON.parse(seeded.stdout).runId;
  writeFileSync(at('shelf.json'), JSON.stringify(['dune (2nd ed.)', 'emma', 'ulysses']));
  file('seed-throws.sim.mjs', shelfSource("async (ctx) => { await ctx.execute(readShelf, {}); throw new Error('shelf locked'); }"));
  file('seed-nonsense.sim.mjs', shelfSource('async () => ({ books: 3 })'));
  file('set-state.sim.mjs', simOf("const keeper = defineBehavior({ name: 'Keeper', initialState: () => ({ seen: new Set() }), act: () => '10m' });\nexport default defineSimulation({ name: 'k', duration: '2h', snapshots: { every: '1h' }, population: [{ behavior: keeper, count: 1 }] });"));
  const replayed = await runCli(['replay', runId, '--db', baseDb, '--offline', '--json']);
  expect(replayed.code, replayed.stderr).toBe(0);
  placeholders['{replayed}'] = JSON.parse(replayed.stdout).replayRunId;
  snapshot = await runsOf(baseDb);
  expect(JSON.parse(snapshot)).toHaveLength(1);

  // Simulation and fuzz target files.
  mkdirSync(at('empty-folder'));
  mkdirSync(at('a-folder'));
  file('two-sims/a.sim.mjs', notesSource);
  file('two-sims/b.sim.mjs', notesSource);
  file('syntax.sim.ts', 'export default defineSimulation({ name: "x", population: [ });\n');
  file('empty.sim.ts', '');
  file('no-export.sim.ts', "export const name = 'no simulation here';\n");
  file('bad-import.sim.mjs', "import 'no-such-package';\nexport default {};\n");
  file('throws.sim.mjs', "throw new Error('boom at load');\n");
  file('unknown-behavior.sim.mjs', simOf("export default defineSimulation({ name: 'u', behaviors: [walker], population: [{ behavior: 'Walkr', count: 1 }] });"));
  file('bad-rate.sim.mjs', simOf("export default defineSimulation({ name: 'r', population: [{ behavior: walker, arrivals: { rate: '10 per s' } }] });"));
  file('rate-and-count.sim.mjs', simOf("export default defineSimulation({ name: 'rc', population: [{ behavior: walker, count: 2, arrivals: [{ target: '1/s', over: '1m' }] }] });"));
  file('bad-rule.sim.mjs', simOf("export default defineSimulation({ name: 'r', population: [{ behavior: walker, count: 1 }], replay: { ignore: ['id'] } });"));
  file('bad-duration.sim.mjs', simOf("export default defineSimulation({ name: 'd', duration: 'soon', population: [{ behavior: walker, count: 1 }] });"));
  file('bad-start.sim.mjs', simOf("export default defineSimulation({ name: 'bad-start', population: [{ behavior: walker, count: 1 }], target: { start: () => { throw new Error('port taken'); } } });"));
  file('no-chromium.sim.mjs', simOf("export default defineSimulation({ name: 'no-chromium', population: [{ behavior: walker, count: 1 }], browser: { executablePath: '/nonexistent/chromium' } });"));
  const fuzzOf = (body: string) => simOf(`import notes from '${notesFile}';\n${body}`);
  placeholders['{fuzz}'] = file('notes.fuzz.mjs', fuzzOf("export default defineFuzzTarget({ name: 'notes', simulation: notes });"));
  file('no-export.fuzz.ts', "export const name = 'no target here';\n");
  file('a-sim.fuzz.mjs', notesSource);
  file('unknown.fuzz.mjs', fuzzOf("export default defineFuzzTarget({ name: 'u', simulation: notes, behaviors: ['Nobody'] });"));
  file('configs.fuzz.mjs', fuzzOf("export default defineFuzzTarget({ name: 'c', simulation: notes, behaviors: ['Scribe'], configs: { Namer: [{}] } });"));
  file('invariant.fuzz.mjs', fuzzOf("export default defineFuzzTarget({ name: 'i', simulation: notes, invariants: [{ check: () => null }] });"));
  file('no-chromium.fuzz.mjs', fuzzOf("export default defineFuzzTarget({ name: 'nc', simulation: defineSimulation({ ...notes, name: 'nc', target: { url: 'http://127.0.0.1:9' }, browser: { executablePath: '/nonexistent/chromium' } }) });"));
  file('syntax.fuzz.ts', 'export default defineFuzzTarget({ name: "x", simulation: [ });\n');

  // Config files.
  placeholders['{config:unknown-key}'] = file('unknown-key/beamulator.config.ts', 'export default { colour: true };\n');
  placeholders['{config:syntax}'] = file('syntax/beamulator.config.ts', 'export default { db: };\n');
  placeholders['{config:wrong-value}'] = file('wrong-value/beamulator.config.ts', "export default { failOn: 'loud' };\n");
  placeholders['{config:no-default}'] = file('no-default/beamulator.config.ts', "export const db = 'x.duckdb';\n");

  // Stores.
  placeholders['{store:garbage}'] = file('garbage.duckdb', 'this is not a database'.repeat(500));
  placeholders['{store:text}'] = file('text.duckdb', 'hello\n');
  for (const [key, mode] of [['{locked}', 'hold'], ['{reading}', 'hold-ro']] as const) {
    const held = at(`${mode}.duckdb`);
    copyFileSync(baseDb, held);
    await startChild([mode, held]); // killed when this file's tests are done
    placeholders[key] = held;
  }

  // Replay files: one exported, then broken in each way.
  const exported = at('replays', 'good.json');
  const exportRun = await runCli(['export', runId, '--db', baseDb, '-o', exported]);
  expect(exportRun.code, exportRun.stderr).toBe(0);
  const text = readFileSync(exported, 'utf8');
  const good = JSON.parse(text) as Record<string, unknown>;
  placeholders['{replay:truncated}'] = file('replays/truncated.json', text.slice(0, Math.floor(text.length / 2)));
  placeholders['{replay:not-json}'] = file('replays/not-json.json', 'hello, world\n');
  placeholders['{replay:other-kind}'] = file('replays/other-kind.json', JSON.stringify({ name: 'a package.json perhaps', version: '1.0.0' }));
  placeholders['{replay:wrong-schema}'] = file('replays/wrong-schema.json', JSON.stringify({ ...good, actions: 'none' }));
  placeholders['{replay:wrong-version}'] = file('replays/wrong-version.json', JSON.stringify({ ...good, version: 999 }));
  placeholders['{replay:edited}'] = file('replays/edited.json', JSON.stringify({ ...good, run: { ...(good.run as object), seed: '8' } }));
}, 120_000);

/** The row's arguments with its placeholders filled in; `{db}` becomes a fresh copy of the store. */
function argsOf(row: Row, rowDb: string): string[] {
  return row.args.map((arg) => arg.replace(/\{[a-z:-]+\}/g, (key) => (key === '{db}' ? rowDb : placeholders[key] ?? key)));
}

/** Checks one row; throws (an assertion) when it does not hold. */
async function check(row: Row): Promise<void> {
  const rowDb = at('rows', `${row.name.replace(/\W+/g, '-')}.duckdb`);
  mkdirSync(path.dirname(rowDb), { recursive: true });
  copyFileSync(baseDb, rowDb);
  const result: CliResult = await runCli(argsOf(row, rowDb), { cwd: dir });
  const shown = `exit ${result.code}, stderr: ${JSON.stringify(result.stderr)}`;
  expect(result.code, shown).toBe(row.code);
  const lines = result.stderr.split('\n').filter((line) => line !== '' && !line.startsWith('running '));
  expect(lines, shown).toHaveLength(1);
  expect(lines[0], shown).toMatch(/^beamulator: cannot /);
  expect(lines[0], shown).toMatch(row.message);
  expect(result.stderr, shown).not.toMatch(/node:internal|internal error|^\s+at /m);
  // The run recorded before is exactly as it was.
  if (row.args.includes('{db}')) expect(await runsOf(rowDb), 'the recorded run changed').toBe(snapshot);
}

it(`${rows.length} kinds of bad input: each its documented exit code, one line, and the recorded run untouched`, async () => {
  expect(rows.length).toBeGreaterThanOrEqual(60);
  // A small pool: each row is a CLI process; the machine may have two busy cores.
  const failures: string[] = [];
  const queue = [...rows];
  await Promise.all(Array.from({ length: 5 }, async () => {
    for (let row = queue.shift(); row; row = queue.shift()) {
      await check(row).catch((error: unknown) => failures.push(`${row!.name}: ${(error as Error).message.split('\n')[0]}`));
    }
  }));
  expect(failures).toEqual([]);
  expect(await runsOf(baseDb)).toBe(snapshot);
}, 180_000);
