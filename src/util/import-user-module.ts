/**
 * Imports a file the user wrote (a simulation, a fuzz target, the project config): TypeScript or
 * JavaScript, no build step. tsx's hooks are registered only when a TypeScript file first needs
 * them, so commands that load no user TypeScript (and `--help`) never pay for tsx.
 */
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { BeamulatorError, errorMessage, type ErrorCode } from './errors.ts';

/** What the failure message calls the file: `cannot load <subject>: <why>` (e.g. `simulation x.sim.ts`). */
export interface UserModuleFailure {
  code: ErrorCode;
  subject: string;
}

/**
 * The module's exports. A file that does not load throws a BeamulatorError of `failure.code`
 * naming its first syntax error (when there is one) or the loader's message, with a hint.
 *
 * @example
 * const mod = await importUserModule('/abs/beamulator.config.ts', { code: 'BEAM_CONFIG', subject: 'config beamulator.config.ts' });
 */
export async function importUserModule(abs: string, failure: UserModuleFailure): Promise<Record<string, unknown>> {
  try {
    return await importTs(abs);
  } catch (error) {
    const cannot = `cannot load ${failure.subject}`;
    // The loader's own message can hide a syntax error (tsx falls back to require() and reports
    // an ES module cycle instead): name the syntax error itself when there is one.
    const syntax = await syntaxError(abs, await readFile(abs, 'utf8').catch(() => ''));
    if (syntax) throw new BeamulatorError(failure.code, `${cannot}: ${syntax}`, 'Fix the error in the file', { cause: error });
    const message = errorMessage(error);
    // Outside a `"type": "module"` package tsx loads .ts files as CommonJS, which cannot import beamulator's ES modules in a cycle.
    const hint = /require\(\) ES Module/.test(message)
      ? 'The file was loaded as CommonJS: add "type": "module" to the nearest package.json, or rename it to .mts'
      : 'Fix the error in the file (run it with `npx tsx <file>` to see the full stack)';
    throw new BeamulatorError(failure.code, `${cannot}: ${message}`, hint, { cause: error });
  }
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

/** The first syntax error of a source as `syntax error at line:col: text`, or null. */
async function syntaxError(file: string, source: string): Promise<string | null> {
  const { transform } = await import('esbuild');
  const loader = /\.[cm]?tsx?$/.test(file) ? (file.endsWith('x') ? 'tsx' : 'ts') : 'js';
  try {
    await transform(source, { loader, sourcefile: file, logLevel: 'silent' });
    return null;
  } catch (error) {
    return esbuildProblem(error);
  }
}

/**
 * esbuild's first error as one line: `syntax error at line:col: text`, or, for an import it could
 * not resolve, `Could not resolve "x" (at line:col)`; null when the error is not esbuild's.
 */
export function esbuildProblem(error: unknown): string | null {
  const first = (error as { errors?: Array<{ text: string; location?: { line: number; column: number } | null }> }).errors?.[0];
  if (!first) return null;
  const at = first.location ? `${first.location.line}:${first.location.column + 1}` : null;
  if (first.text.startsWith('Could not resolve')) return `${first.text}${at ? ` (at ${at})` : ''}`;
  return `syntax error${at ? ` at ${at}` : ''}: ${first.text}`;
}
