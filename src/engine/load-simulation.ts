import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { BeamulatorError } from '../util/errors.ts';
import { importUserModule } from '../util/import-user-module.ts';
import { oneFileOfArgument, usualSuffix, type UserFileKind } from './user-files.ts';
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
 * export named `simulation`, made with defineSimulation. A folder stands for the only file of
 * `kind` inside it (`*.sim.ts`, or `*.fuzz.ts` for a fuzz target).
 *
 * @example
 * const { simulation, codeHash } = await loadSimulation('examples/todo/todo.sim.ts');
 */
export async function loadSimulation(fileOrFolder: string, kind: UserFileKind = 'simulation'): Promise<LoadedSimulation> {
  // A folder stands for the only simulation (or fuzz target) inside it.
  const picked = await oneFileOfArgument(fileOrFolder, kind);
  const file = picked === fileOrFolder ? fileOrFolder : path.relative(process.cwd(), picked);
  const abs = path.resolve(picked);
  const info = await stat(abs).catch(() => null);
  if (!info?.isFile()) {
    const why = info ? 'not a regular file' : 'no such file';
    throw new BeamulatorError('BEAM_SIMULATION_LOAD', `cannot load ${kind} ${file}: ${why}`, `Check the path (${kind} files usually end in ${usualSuffix(kind)})`);
  }
  const source = await readFile(abs);
  const mod = await importUserModule(abs, { code: 'BEAM_SIMULATION_LOAD', subject: `${kind} ${file}` });
  const candidate = simulationExport(mod) ?? simulationExport(mod.default as Record<string, unknown> | undefined);
  if (!isSimulation(candidate)) {
    const exported = exportNames(mod).join(', ') || 'nothing';
    const define = kind === 'fuzz target' ? 'defineFuzzTarget' : 'defineSimulation';
    throw new BeamulatorError('BEAM_SIMULATION_INVALID', `cannot use ${file}: it does not export a ${kind} (exports: ${exported})`, `Add \`export default ${define}({ ... })\``);
  }
  return { simulation: candidate, file: abs, codeHash: createHash('sha256').update(source).digest('hex') };
}

/** The names a module exports; for one loaded as CommonJS, those of its exports object (not just `default`). */
function exportNames(mod: Record<string, unknown>): string[] {
  const names = Object.keys(mod).filter((name) => name !== 'module.exports');
  const wrapped = mod.default;
  if (names.length === 1 && names[0] === 'default' && typeof wrapped === 'object' && wrapped !== null) return Object.keys(wrapped);
  return names;
}

/**
 * The default export, or the one named `simulation`. A file loaded as CommonJS (a project without
 * `"type": "module"`) arrives wrapped once more: its exports object is the default export.
 */
function simulationExport(mod: Record<string, unknown> | undefined): unknown {
  if (typeof mod !== 'object' || mod === null) return undefined;
  return [mod.default, mod.simulation].find(isSimulation);
}
