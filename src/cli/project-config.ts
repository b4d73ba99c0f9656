/**
 * How commands use beamulator.config.ts. main.ts calls applyProjectConfig before a command's
 * action (never for `--help` or `--version`): the config's db, replays and failOn become the
 * defaults of `--db`, `--replays` and `--fail-on` (a flag given on the command line wins), and
 * the loaded config reaches the action as `opts.projectConfig` for the rest (target, action
 * timeout, redaction, where to find simulation and fuzz files).
 */
import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig, type LoadedConfig } from '../config/load-config.ts';
import type { SimulationDefaults } from '../engine/simulation-defaults.ts';
import { Redactor, type RedactPattern } from '../store/redact.ts';
import { BeamulatorError } from '../util/errors.ts';
import { globFiles } from '../util/glob-files.ts';

/** What a command's options carry besides its flags. */
export interface ProjectOptions {
  /** The project config the command runs with (none when there is no config file, or with --no-config). */
  projectConfig?: LoadedConfig;
}

/**
 * Loads the config for `command` (`--config <file>`, else the nearest one above the working
 * directory; `--no-config`: none) and applies it to the command's options.
 */
export async function applyProjectConfig(program: Command, command: Command): Promise<void> {
  const has = (flag: string) => command.options.some((o) => o.attributeName() === flag);
  // Commands without a run store (init) never read the config: init writes it, whatever it holds now.
  if (!has('db')) return;
  const choice = program.opts<{ config?: string | false }>().config;
  if (choice === false) return;
  const loaded = await loadConfig(choice !== undefined ? { file: choice } : {});
  if (!loaded) return;
  const { config } = loaded;
  const flagDefaults: Record<string, string | undefined> = {
    db: config.db === ':memory:' ? config.db : configPath(loaded, config.db),
    replays: configPath(loaded, config.replays),
    // 'none' means "never fail" to run; fuzz and shrink have no such setting and keep the target's own.
    failOn: config.failOn === 'none' && command.name() !== 'run' ? undefined : config.failOn,
  };
  for (const [flag, value] of Object.entries(flagDefaults)) {
    if (value === undefined || !has(flag)) continue;
    const source = command.getOptionValueSource(flag);
    if (source === undefined || source === 'default') command.setOptionValueWithSource(flag, value, 'config');
  }
  command.setOptionValue('projectConfig', loaded);
}

/** The config's defaults for the simulations a command loads. */
export function simulationDefaults(project: LoadedConfig | undefined): SimulationDefaults {
  const config = project?.config;
  return {
    ...(config?.target !== undefined ? { target: config.target } : {}),
    ...(config?.actionTimeout !== undefined ? { actionTimeout: config.actionTimeout } : {}),
  };
}

/** The config's extra redaction patterns, or undefined when it has none. */
export function redactPatterns(project: LoadedConfig | undefined): readonly RedactPattern[] | undefined {
  const extra = project?.config.redact;
  return extra && extra.length > 0 ? extra : undefined;
}

/** The redaction a command's output applies to values it prints (the built-in rules plus the config's). */
export function outputRedactor(project: LoadedConfig | undefined): Redactor {
  return new Redactor({ extra: redactPatterns(project) });
}

/** The config's folder of replay files, relative to the working directory (undefined: the config has none). */
export function replaysDir(project: LoadedConfig | undefined): string | undefined {
  return project ? configPath(project, project.config.replays) : undefined;
}

/**
 * The files the config's `simulations` or `fuzz` globs match, relative to the working directory;
 * null when the config has no such globs. Throws when they match nothing.
 */
export async function configuredFiles(project: LoadedConfig | undefined, key: 'simulations' | 'fuzz'): Promise<string[] | null> {
  const globs = project?.config[key];
  if (!project || !globs || globs.length === 0) return null;
  const files = (await globFiles(globs, project.dir)).map(shownPath);
  if (files.length === 0) {
    const what = key === 'simulations' ? 'simulation' : 'fuzz target';
    throw new BeamulatorError('BEAM_USAGE', `cannot find a ${what} file: ${project.shown} says ${key}: ${globs.map((g) => `'${g}'`).join(', ')}, which matches nothing`,
      `Pass a file, or fix ${key} (relative to ${shownPath(project.dir)})`);
  }
  return files;
}

/** A path of the config (relative to its folder) as the command uses it: relative to the working directory. */
function configPath(project: LoadedConfig, value: string | undefined): string | undefined {
  return value === undefined ? undefined : shownPath(path.resolve(project.dir, value));
}

function shownPath(abs: string): string {
  return path.relative(process.cwd(), abs) || '.';
}
