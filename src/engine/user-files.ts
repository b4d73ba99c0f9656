import { stat } from 'node:fs/promises';
import path from 'node:path';
import { BeamulatorError } from '../util/errors.ts';
import { globFiles } from '../util/glob-files.ts';

/** What a file argument names: a simulation (`*.sim.ts`) or a fuzz target (`*.fuzz.ts`). */
export type UserFileKind = 'simulation' | 'fuzz target';

/** The file name each kind has (`shop.sim.ts`), and its extensions. */
const suffixes: Record<UserFileKind, string> = { simulation: 'sim', 'fuzz target': 'fuzz' };
const extensions = '{ts,mts,cts,js,mjs,cjs}';

/** How a file of `kind` is usually named, for messages: `.sim.ts`, `.fuzz.ts`. */
export function usualSuffix(kind: UserFileKind): string {
  return `.${suffixes[kind]}.ts`;
}

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
  const found = await globFiles([`**/*.${suffixes[kind]}.${extensions}`], abs);
  if (found.length === 0) {
    throw new BeamulatorError('BEAM_SIMULATION_LOAD', `cannot load a ${kind} from ${arg}: the folder holds no *.${suffixes[kind]}.ts file`, `Pass a ${kind} file, or a folder that holds one`);
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
