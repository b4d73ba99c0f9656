import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BeamulatorError, errorMessage } from '../util/errors.ts';
import { isSimulation, type Simulation } from './simulation.ts';

export interface LoadedSimulation {
  simulation: Simulation;
  /** Absolute path of the file. */
  file: string;
  /** sha256 of the file's source: tells later whether the code changed since a run. */
  codeHash: string;
}

/**
 * Loads a simulation file (TypeScript or JavaScript, no build step): its default export, or an
 * export named `simulation`, made with defineSimulation.
 *
 * @example
 * const { simulation, codeHash } = await loadSimulation('examples/todo/todo.sim.ts');
 */
export async function loadSimulation(file: string): Promise<LoadedSimulation> {
  const abs = path.resolve(file);
  const info = await stat(abs).catch(() => null);
  if (!info?.isFile()) {
    throw new BeamulatorError('BEAM_SIMULATION_LOAD', `cannot load simulation ${file}: no such file`, 'Check the path (simulation files usually end in .sim.ts)');
  }
  const source = await readFile(abs);
  let mod: Record<string, unknown>;
  try {
    mod = await importTs(abs);
  } catch (error) {
    // The loader's own message can hide a syntax error (tsx falls back to require() and reports
    // an ES module cycle instead): name the syntax error itself when there is one.
    const syntax = await syntaxError(abs, source.toString('utf8'));
    if (syntax) throw new BeamulatorError('BEAM_SIMULATION_LOAD', `cannot load simulation ${file}: ${syntax}`, 'Fix the error in the file', { cause: error });
    const message = errorMessage(error);
    // Outside a `"type": "module"` package tsx loads .ts files as CommonJS, which cannot import beamulator's ES modules in a cycle.
    const hint = /require\(\) ES Module/.test(message)
      ? 'The file was loaded as CommonJS: add "type": "module" to the nearest package.json, or rename it to .mts'
      : 'Fix the error in the file (run it with `npx tsx <file>` to see the full stack)';
    throw new BeamulatorError('BEAM_SIMULATION_LOAD', `cannot load simulation ${file}: ${message}`, hint, { cause: error });
  }
  const candidate = simulationExport(mod) ?? simulationExport(mod.default as Record<string, unknown> | undefined);
  if (!isSimulation(candidate)) {
    const exported = Object.keys(mod).join(', ') || 'nothing';
    throw new BeamulatorError('BEAM_SIMULATION_INVALID', `cannot use ${file}: it does not export a simulation (exports: ${exported})`, 'Add `export default defineSimulation({ ... })`');
  }
  return { simulation: candidate, file: abs, codeHash: createHash('sha256').update(source).digest('hex') };
}

/**
 * The default export, or the one named `simulation`. A file loaded as CommonJS (a project without
 * `"type": "module"`) arrives wrapped once more: its exports object is the default export.
 */
function simulationExport(mod: Record<string, unknown> | undefined): unknown {
  if (typeof mod !== 'object' || mod === null) return undefined;
  return [mod.default, mod.simulation].find(isSimulation);
}

async function importTs(abs: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(abs).href;
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    // Plain Node cannot load TypeScript: register tsx's hooks for the rest of the process and try
    // again. Registered globally (not tsImport's private namespace) so that the user's
    // `import 'beamulator'` gets this very instance of the package, not a second copy.
    if ((error as { code?: string }).code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw error;
    // Node remembers the failed import of this url: the retry asks for the file under another one.
    await registerTypeScriptLoader();
    return (await import(`${url}?ts`)) as Record<string, unknown>;
  }
}

let loaderRegistered: Promise<void> | undefined;

/** tsx's ES module and CommonJS hooks, loaded only once a TypeScript file needs them (tsx costs ~170 ms). */
function registerTypeScriptLoader(): Promise<void> {
  loaderRegistered ??= Promise.all([import('tsx/esm/api'), import('tsx/cjs/api')]).then(([esm, cjs]) => {
    esm.register();
    cjs.register();
  });
  return loaderRegistered;
}

/** The first syntax error of a simulation source as `syntax error at line:col: text`, or null. */
async function syntaxError(file: string, source: string): Promise<string | null> {
  const { transform } = await import('esbuild');
  const loader = /\.[cm]?tsx?$/.test(file) ? (file.endsWith('x') ? 'tsx' : 'ts') : 'js';
  try {
    await transform(source, { loader, sourcefile: file, logLevel: 'silent' });
    return null;
  } catch (error) {
    const first = (error as { errors?: Array<{ text: string; location?: { line: number; column: number } | null }> }).errors?.[0];
    if (!first) return null;
    return `syntax error${first.location ? ` at ${first.location.line}:${first.location.column + 1}` : ''}: ${first.text}`;
  }
}
