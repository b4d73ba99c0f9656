import { statSync } from 'node:fs';
import path from 'node:path';
import { BeamulatorError } from '../util/errors.ts';
import { importConfigModule } from './import-config-module.ts';
import type { BeamulatorConfig } from './define-config.ts';
import { validateConfig } from './validate-config.ts';

/** The names a config file may have, in the order they are looked for within one folder. */
export const configFileNames = ['beamulator.config.ts', 'beamulator.config.mts', 'beamulator.config.js', 'beamulator.config.mjs'] as const;

export interface LoadedConfig {
  /** Absolute path of the config file. */
  file: string;
  /** The file as messages show it: relative to the working directory when inside it. */
  shown: string;
  /** The file's folder: relative paths in the config resolve against it. */
  dir: string;
  config: BeamulatorConfig;
}

/**
 * The nearest config file: in `from`, else in its parent, and so on up to the filesystem root.
 * Null when there is none.
 *
 * @example
 * findConfigFile('/home/me/shop/simulations'); // '/home/me/shop/beamulator.config.ts'
 */
export function findConfigFile(from: string): string | null {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    for (const name of configFileNames) {
      const file = path.join(dir, name);
      if (statSync(file, { throwIfNoEntry: false })?.isFile()) return file;
    }
    if (path.dirname(dir) === dir) return null;
  }
}

/**
 * Loads and checks the project config: `file` when given, else the nearest one above `cwd`
 * (default: the working directory). Null when there is none. A file that does not load, does
 * not export a config, or holds an unknown key or a wrong value throws BEAM_CONFIG (exit 2).
 *
 * @example
 * const loaded = await loadConfig();
 * loaded?.config.db; // as written: relative to loaded.dir
 */
export async function loadConfig(options: { cwd?: string; file?: string } = {}): Promise<LoadedConfig | null> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  let file: string | null;
  if (options.file !== undefined) {
    file = path.resolve(cwd, options.file);
    // ENOTDIR (a path through a file) reads as no such file.
    const info = (() => { try { return statSync(file, { throwIfNoEntry: false }); } catch { return undefined; } })();
    if (!info?.isFile()) {
      const why = !info ? 'no such file' : info.isDirectory() ? 'it is a folder' : 'not a regular file';
      throw new BeamulatorError('BEAM_CONFIG', `cannot load config ${options.file}: ${why}`, 'Give --config the config file itself, e.g. --config beamulator.config.ts');
    }
  } else {
    file = findConfigFile(cwd);
    if (file === null) return null;
  }
  const shown = shownPath(file, cwd);
  const mod = await importConfigModule(file, shown);
  const exports = moduleExports(mod);
  if (exports.default === undefined) {
    const names = Object.keys(exports).join(', ') || 'nothing';
    throw new BeamulatorError('BEAM_CONFIG', `cannot use ${shown}: it does not export a config (exports: ${names})`, 'Add `export default defineConfig({ ... })`');
  }
  return { file, shown, dir: path.dirname(file), config: validateConfig(exports.default, shown) };
}

/**
 * The file's own exports. A file loaded as CommonJS (a project without `"type": "module"`)
 * arrives wrapped once more: its exports object, marked `__esModule`, is the default export.
 */
function moduleExports(mod: Record<string, unknown>): Record<string, unknown> {
  const inner = mod.default as { __esModule?: unknown } | null | undefined;
  return typeof inner === 'object' && inner !== null && inner.__esModule === true ? inner as Record<string, unknown> : mod;
}

/** A path relative to `cwd` when it lies inside it, else absolute. */
function shownPath(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}
