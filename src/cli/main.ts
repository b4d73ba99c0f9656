import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { BeamulatorError, ExitCode, isBeamulatorError, errorMessage } from '../util/errors.ts';
import { version } from '../util/version.ts';
import { defaultStorePath } from '../store/default-store-path.ts';
import { isUserCodeError, stackEnvVar } from '../util/user-code.ts';
import { registerExportCommands } from './export-commands.ts';
import { registerMergeCommand } from './merge-command.ts';
import { registerStatsCommand } from './stats-command.ts';
import { registerDashboardCommand } from './dashboard-command.ts';
import { registerFuzzCommand } from './fuzz-command.ts';
import { registerShrinkCommand } from './shrink-command.ts';
import { processOutput, type Output } from './output.ts';

/**
 * The `beamulator` command. Returns the exit code instead of exiting, so tests can call it.
 *
 * @example
 * process.exitCode = await main(process.argv.slice(2));
 */
export async function main(argv: string[], output: Output = processOutput()): Promise<number> {
  const program = new Command('beamulator')
    .description('Simulate a population of users against your service; record every action; replay any run exactly.')
    .version(version)
    .option('--config <file>', 'the project config to use (default: the nearest beamulator.config.ts, .mts, .js or .mjs up from here)')
    .option('--no-config', 'use no project config')
    .configureHelp({ showGlobalOptions: true })
    .exitOverride()
    // Commander's own errors are printed by reportError, in beamulator's one-line form.
    .configureOutput({ writeOut: output.out, writeErr: output.err, outputError: () => {} })
    .showSuggestionAfterError(true);
  let code: number = ExitCode.ok;
  const setCode = (c: number) => { code = c; };
  // The project config is read before a command's action only: `--help` and `--version` never load it.
  program.hook('preAction', async (_program, command) => {
    const { applyProjectConfig } = await import('./project-config.ts');
    await applyProjectConfig(program, command);
  });

  program.command('run')
    .argument('[simulation]', 'simulation file (*.sim.ts), or a folder holding one; found automatically when there is only one')
    .description('run a simulation (in virtual time, or paced with --speed) and record it')
    .option('-s, --seed <seed>', 'seed of the run (default: random, printed so you can repeat it)')
    .option('-d, --duration <duration>', "sim-time length, e.g. '30m', '2h' (default: the simulation's, else 1h)")
    .option('--param <name=value>', 'set one of the simulation\'s parameters, e.g. --param users=50 (repeatable; a list is comma-separated)', (v: string, all: string[] = []) => [...all, v])
    .option('--db <path>', 'run store file, or :memory:', defaultStorePath)
    .option('-t, --target <url>', 'url of a running target (instead of the one the simulation starts)')
    .option('-c, --concurrency <n>', 'due actors in flight together (default 1: one after another; paced: unbounded)', positiveInt)
    .option('--overlap-window <duration>', 'with --concurrency, events this close in sim time run together')
    .option('--speed <n>', 'paced run: sim ms per wall ms (1 = real time, 60 = a sim minute a second); actors run independently, lag is reported (docs/paced-runs.md)', positiveNumber)
    .option('--start-at <time>', 'paced run: wait until this wall time (ISO date with zone, or epoch ms), then sim time 0 is that instant (env BEAMULATOR_START_AT; aligns shards)')
    .option('--actors <counts>', 'override actor counts, e.g. Organizer=2,Procrastinator=10', parseCounts)
    .option('--shard <i/N>', 'run shard i of N of the population (actor id % N = i - 1); default from BEAMULATOR_SHARD, or JOB_COMPLETION_INDEX with BEAMULATOR_SHARDS')
    .option('--group <id>', 'with --shard: the id shared by all shards of this run (default: derived from simulation, seed and N; env BEAMULATOR_GROUP)')
    .option('--max-actions <n>', 'stop after this many actions', positiveInt)
    .option('--max-wall-time <duration>', 'stop after this much real time of running (counted from when the store and target are ready, not the process start)')
    .option('--resume <run-id>', 'continue a stopped or interrupted run from its last snapshots, as a new run linked to it (its seed, parameters and settings; --duration extends it)')
    .option('--fail-on <severity>', 'exit 1 when a complaint this serious or worse is recorded: urgent, annoying, justsayin or none', 'urgent')
    .option('--trace', "record a Playwright trace of each browser actor's page next to the store (traces/<run-id>/actor-<id>.zip; open with `npx playwright show-trace`)")
    .option('--json', 'print the result as JSON')
    .option('--no-progress', 'do not draw the progress line')
    .option('--dashboard', 'serve a live dashboard of the run (charts, actors, complaints, controls) while it runs; its url is printed')
    .option('--dashboard-host <host>', 'interface the live dashboard listens on; any but loopback requires the token printed in the url', '127.0.0.1')
    .option('--dashboard-port <n>', 'port of the live dashboard (0: any free one)', '0')
    .action(async (file: string | undefined, opts) => {
      // Commands load lazily: `--help` and `--version` stay fast.
      const { runCommand } = await import('./run-command.ts');
      setCode(await runCommand(file, opts, output));
    });

  program.command('runs')
    .description('list recorded runs, newest first')
    .option('--db <path>', 'run store file', defaultStorePath)
    .option('-n, --limit <n>', 'how many', positiveInt, 20)
    .option('--json', 'print as JSON')
    .action(async (opts) => {
      const { runsCommand } = await import('./inspect-commands.ts');
      setCode(await runsCommand(opts, output));
    });

  program.command('prune')
    .description('remove runs from the store (every row they own) and reclaim the space; a run being recorded is never touched')
    .option('--db <path>', 'run store file', defaultStorePath)
    .option('--keep <n>', 'keep the newest n runs (of --kind, when given; the shards of a sharded run count as one and stay or go together)', nonNegativeInt)
    .option('--older-than <duration>', "remove only runs started longer ago than this, e.g. '7d', '12h', '2w'")
    .option('--kind <kind>', 'remove only runs of this kind: run, fuzz or replay (repeatable, or comma-separated)', (v: string, all: string[] = []) => [...all, v])
    .option('--dry-run', 'say what would be removed, change nothing')
    .option('--json', 'print what was removed as JSON')
    .action(async (opts) => {
      const { pruneCommand } = await import('./prune-command.ts');
      setCode(await pruneCommand(opts, output));
    });

  program.command('show')
    .argument('<run-id>', "a run id, a unique prefix of one, or 'latest'")
    .description("show a run: summary, complaints and actions")
    .option('--db <path>', 'run store file', defaultStorePath)
    .option('-a, --actions <n>', 'how many actions to list (0 for none)', nonNegativeInt, 20)
    .option('--all', 'list every action')
    .option('--json', 'print as JSON (the whole run)')
    .action(async (runId: string, opts) => {
      const { showCommand } = await import('./inspect-commands.ts');
      setCode(await showCommand(runId, opts, output));
    });

  program.command('replay')
    .argument('<run>', "a run id (or prefix, or 'latest'), a replay file (replays/*.json), or the group id of a sharded run (replays every shard)")
    .description('replay a recorded run and compare it with the original, action by action')
    .option('-m, --mode <mode>', 'rerun: run the simulation again from its seed; log: re-issue the logged actions verbatim', 'rerun')
    .option('--offline', 'no target: serve the recorded answers')
    .option('--pace <pace>', 'original: keep the recorded pace (log mode: its wall-clock spacing; rerun of a paced run: its speed) or fast (virtual time)', 'fast')
    .option('--db <path>', 'run store (the replay is recorded there too)', defaultStorePath)
    .option('-t, --target <url>', 'url of a running target (instead of the one the simulation starts)')
    .option('--sim <file>', "simulation file to use instead of the one the run names")
    .option('--check-target', 'for a run seeded from its target (fromTarget): read the target again first and stop (exit 12) if it changed')
    .option('--allow-edited', 'accept a replay file that was edited after export')
    .option('--attempts <n>', 'replay up to n times, stopping at the first that reproduces the recording (a fuzz failure recurs, else identical): exit 0, or 7 when none did')
    .option('--json', 'print the report as JSON')
    .action(async (ref: string, opts) => {
      const { replayRunOrGroup } = await import('./replay-group.ts');
      setCode(await replayRunOrGroup(ref, opts, output));
    });

  program.command('init')
    .description('scaffold beamulator into this project: a config file, a simulation aimed at --url, a fuzz target, a vitest test')
    .option('-u, --url <url>', 'url of your service (the scaffold\'s first action is GET /)', 'http://localhost:3000')
    .option('--name <name>', "the simulation's name and file stem (default: from package.json's name)")
    .option('--dir <dir>', 'the project folder', '.')
    .option('--json', 'print what was done as JSON')
    .action(async (opts) => {
      const { initCommand } = await import('./init-command.ts');
      setCode(await initCommand(opts, output));
    });

  registerExportCommands(program, output, setCode);
  registerMergeCommand(program, output, setCode);
  registerStatsCommand(program, output, setCode);
  registerDashboardCommand(program, output, setCode);
  registerFuzzCommand(program, output, setCode);
  registerShrinkCommand(program, output, setCode);
  for (const command of [program, ...program.commands]) refuseContradictions(command);

  program.addHelpText('after', `
Exit codes (each explained in docs/exit-codes.md, shipped with the package):
  0 ok                          6 your code threw (${stackEnvVar}=1: its stack)
  1 complaints >= --fail-on     7 replay diverged (--attempts: none reproduced)
  2 usage or simulation error   8 unusable replay file
  3 run store error             9 replay file of another version
  4 target unreachable          10 replay file edited after export
  5 unknown run or file         11 merge: a group of shards is incomplete
  12 target changed since seeded (replay --check-target)
  70 internal error (a bug, or code awaiting forever)
  130 Ctrl-C (SIGINT), 143 SIGTERM: the run stops and is saved; a second signal quits at once

Defaults come from beamulator.config.ts (the nearest one up from the working directory) when
there is one; a flag given on the command line wins.

Quick start:  beamulator init --url <your service>   (scaffolds a simulation, a test and a fuzz target)
Then:         beamulator run, beamulator show latest, beamulator fuzz`);

  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    return reportError(error, output, commandOf(program, argv));
  }
}

function reportError(error: unknown, output: Output, command: string): number {
  // `await using` turns a failure of closing (the store, after the run itself failed) into a
  // SuppressedError: what went wrong first is the one to report.
  while (error instanceof Error && error.name === 'SuppressedError' && 'suppressed' in error) error = error.suppressed;
  if (error instanceof CommanderError) {
    // Help and version are not failures (commander printed them).
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return ExitCode.ok;
    output.err(`beamulator: ${commanderMessage(error.message, command)}\n`);
    return ExitCode.usage;
  }
  if (isBeamulatorError(error)) {
    output.err(`beamulator: ${error.message}\n`);
    // The user's own stack, only when asked for: the line above names the file and line already.
    if (isUserCodeError(error) && process.env[stackEnvVar] === '1') output.err(`${(error.thrown as Error)?.stack ?? String(error.thrown)}\n`);
    return error.exitCode;
  }
  output.err(`beamulator: internal error: ${errorMessage(error)}\n${(error as Error)?.stack ?? ''}\nThis is a bug in beamulator; please report it with the command you ran.\n`);
  return ExitCode.internal;
}

/**
 * Commander's message ("error: unknown option '--frob'\n(Did you mean --from?)") in beamulator's
 * form: "cannot read the command line: unknown option '--frob' (did you mean --from?). See `beamulator run --help`".
 */
function commanderMessage(message: string, command: string): string {
  const [first = '', ...rest] = message.replace(/^error: /, '').split('\n').filter((line) => line.trim() !== '');
  // Commander's second sentences ("is invalid. expected ...", ". Expected 0 arguments ...") read as one clause.
  const why = first.replace(/ is invalid\. /, ' is invalid: ').replace(/\. Expected (.*?)\.?$/, ' (expected $1)').replace(/\.$/, '');
  const suggestion = rest.map((line) => ` ${line.trim().replace(/^\(Did/, '(did')}`).join('');
  return `cannot read the command line: ${why}${suggestion}. See \`beamulator ${command ? `${command} ` : ''}--help\``;
}

/** The subcommand argv names (the first word that is one), or '' for none. */
function commandOf(program: Command, argv: readonly string[]): string {
  const names = new Set(program.commands.flatMap((c) => [c.name(), ...c.aliases()]));
  return argv.find((arg) => names.has(arg)) ?? '';
}

/**
 * `--x` with `--no-x` on one command line: commander lets the last one win without a word, so
 * `fuzz --overlap --no-overlap` would quietly run serially. Refuse the pair instead.
 */
function refuseContradictions(command: Command): void {
  for (const negated of command.options.filter((o) => o.negate)) {
    const positive = command.options.find((o) => !o.negate && o.attributeName() === negated.attributeName());
    if (!positive) continue;
    const seen = new Set<string>();
    for (const option of [positive, negated]) {
      command.on(`option:${option.name()}`, () => {
        seen.add(option.long!);
        if (seen.size === 2) {
          throw new BeamulatorError('BEAM_USAGE', `cannot read the command line: ${positive.long} and ${negated.long} contradict each other`, 'Give one of them');
        }
      });
    }
  }
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number >= 1.');
  return n;
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number > 0 (e.g. 1 for real time, 60, 0.5).');
  return n;
}

function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number >= 0.');
  return n;
}

function parseCounts(value: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of value.split(',')) {
    const m = /^\s*([^=]+?)\s*=\s*(\d+)\s*$/.exec(part);
    if (!m) throw new InvalidArgumentError(`expected Behavior=count pairs like Organizer=2,Procrastinator=10 (got '${part}').`);
    out[m[1]!] = Number(m[2]);
  }
  return out;
}

export { BeamulatorError };
