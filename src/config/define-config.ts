import type { Severity } from '../store/records.ts';
import type { RedactPattern } from '../store/redact.ts';
import type { Duration } from '../util/duration.ts';

/**
 * Project-wide defaults every `beamulator` command reads, from `beamulator.config.ts` (or `.mts`,
 * `.js`, `.mjs`): the nearest one found walking up from the working directory, or the file given
 * with `--config <file>` (`--no-config` ignores it). Every key is optional. A command-line flag
 * beats the config; the config beats the built-in default. Relative paths resolve against the
 * config file's folder, not the working directory.
 */
export interface BeamulatorConfig {
  /** The run store: the default of every `--db` (a path relative to the config file, or `':memory:'`). */
  db?: string;
  /** Folder of exported replay files: the default of `fuzz`/`shrink --replays` and of `export` without `-o` (relative to the config file). */
  replays?: string;
  /**
   * Url of your running service: the default of `--target` for `run`, `replay` and `fuzz`, used
   * instead of a simulation's own `target.url`. A simulation (or fuzz target) that starts its own
   * target with `target.start` keeps starting it: only `--target` redirects that one.
   */
  target?: string;
  /**
   * The default of every `--fail-on` (`run`, `fuzz`, `shrink`): complaints at or above this
   * severity fail a run. It beats a fuzz target's own `failOn`. `'none'`: `run` never fails on
   * complaints (`fuzz` and `shrink` then keep the target's own).
   */
  failOn?: Severity | 'none';
  /**
   * Action timeout for simulations that do not set their own `actionTimeout` (built-in: 30s).
   * A simulation's own value wins: it knows its slow actions better than a project-wide default.
   */
  actionTimeout?: Duration;
  /**
   * More header, JSON field and form parameter names whose values are never stored, on top of the
   * built-in rules (credential headers; names like password, secret, token, api-key). A string
   * is a whole name, case-insensitive, `*` matching anything (`'x-internal-*'`); a RegExp is
   * tested against the name (`/^card/i`). They apply to everything a command records:
   * action args and results, actor state and config, complaint details, HTTP headers and bodies.
   */
  redact?: readonly RedactPattern[];
  /** Globs (relative to the config file) of simulation files: `run` with no file runs the one match. */
  simulations?: readonly string[];
  /** Globs (relative to the config file) of fuzz target files: `fuzz` with no file fuzzes every match. */
  fuzz?: readonly string[];
}

/**
 * Types a project config. Default-export it from `beamulator.config.ts` at the project root.
 *
 * @example
 * import { defineConfig } from 'beamulator/config';
 *
 * export default defineConfig({
 *   db: '.beamulator/beamulator.duckdb',
 *   target: 'http://localhost:3000',
 *   failOn: 'urgent',
 *   redact: ['session', 'x-internal-*', /^card/i],
 *   simulations: ['simulations/*.sim.ts'],
 * });
 */
export function defineConfig(config: BeamulatorConfig): BeamulatorConfig {
  return config;
}

/** Every key a config may have, in the order the docs list them. */
export const configKeys = ['db', 'replays', 'target', 'failOn', 'actionTimeout', 'redact', 'simulations', 'fuzz'] as const satisfies ReadonlyArray<keyof BeamulatorConfig>;
