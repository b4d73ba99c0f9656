import { stat } from 'node:fs/promises';
import path from 'node:path';
import { BeamulatorError } from '../util/errors.ts';
import { globFiles } from '../util/glob-files.ts';

/** What a file argument names: a simulation (`*.sim.ts`) or a fuzz target (`*.fuzz.ts`). */
export type UserFileKind = 'simulation' | 'fuzz target';

const globs: Record<UserFileKind, string> = {
  simulation: '**/*.sim.{ts,mts,cts,js,mjs,cjs}',
  'fuzz target': '**/*.fuzz.{ts,mts,cts,js,mjs,cjs}',
};

/**
 * The files a command argument stands for: the argument itself when it is not a folder, else
 * every file of that kind inside the folder (any depth, sorted). A folder with none is an error
 * that says which file names were looked for.
 *
 * @example
 * await filesOfArgument('fuzz', 'fuzz target'); // ['/home/me/shop/fuzz/cart.fuzz.ts', ...]
 */
export async function filesOfArgument(arg: string, kind: UserFileKind): Promise<string[]> {
  const abs = path.resolve(arg);
  if (!(await stat(abs).catch(() => null))?.isDirectory()) return [arg];
  const found = await globFiles([globs[kind]], abs);
  if (found.length === 0) {
    throw new BeamulatorError('BEAM_SIMULATION_LOAD', `cannot load a ${kind} from ${arg}: the folder holds no ${globs[kind].slice(3).replace(/\{.*\}/, 'ts')} file`, `Pass a ${kind} file, or a folder that holds one`);
  }
  return found;
}

/**
 * One file of `kind` for an argument that may be a folder: the folder's only such file, or an
 * error listing the candidates.
 *
 * @example
 * await oneFileOfArgument('simulations', 'simulation'); // '/home/me/shop/simulations/shop.sim.ts'
 */
export async function oneFileOfArgument(arg: string, kind: UserFileKind): Promise<string> {
  const files = await filesOfArgument(arg, kind);
  if (files.length === 1) return files[0]!;
  const shown = files.map((file) => path.relative(process.cwd(), file)).join(', ');
  throw new BeamulatorError('BEAM_USAGE', `cannot choose a ${kind} in ${arg}: it holds ${files.length} (${shown})`, 'Pass the file you mean');
}
