/**
 * What a real CLI process loads: the CLI run under the load-trace.mjs hook, and the npm packages and
 * own modules read from its trace. Lets tests and bench/cli tell a command that stays light from one
 * that drags in DuckDB, a TypeScript loader or faker.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runCli, root, tempDir, type CliOptions, type CliResult } from './cli.ts';

/** `--import` this (with BEAMULATOR_LOAD_TRACE=<file>) to trace a node process's module loads. */
export const loadTraceHook = pathToFileURL(path.join(root, 'test/support/load-trace.mjs')).href;

/** Packages that cost tens to hundreds of ms to load: `--help` and `--version` load none of them. */
export const heavyPackages = [
  '@duckdb/node-api', 'tsx', 'esbuild', '@faker-js/faker', 'undici', 'fast-check', 'msw', '@mswjs/interceptors',
] as const;

export interface Loads {
  /** npm packages the process loaded at least one module of, sorted. */
  packages: string[];
  /** The process's own modules outside node_modules, relative to `base` (e.g. dist/cli/main.js). */
  own: string[];
}

/** Reads a trace written by load-trace.mjs; `base` is the checkout the CLI ran from. */
export function readLoads(traceFile: string, base = root): Loads {
  const packages = new Set<string>();
  const own = new Set<string>();
  for (const url of readFileSync(traceFile, 'utf8').split('\n')) {
    if (!url.startsWith('file:')) continue;
    const file = fileURLToPath(url);
    const inPackage = /.*\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file);
    if (inPackage) packages.add(inPackage[1]!);
    else own.add(path.relative(base, file));
  }
  return { packages: [...packages].sort(), own: [...own].sort() };
}

/** The heavy packages among `loads`. */
export function heavyOf(loads: Loads): string[] {
  return loads.packages.filter((p) => (heavyPackages as readonly string[]).includes(p));
}

/** Runs the real CLI (test/support/cli.ts) under the trace hook: its result and what it loaded. */
export async function runCliTraced(args: string[], options: CliOptions = {}): Promise<CliResult & Loads> {
  const tmp = tempDir();
  try {
    const trace = path.join(tmp.dir, 'trace.txt');
    const result = await runCli(args, {
      ...options,
      env: { ...options.env, BEAMULATOR_LOAD_TRACE: trace },
      nodeArgs: ['--import', loadTraceHook, ...(options.nodeArgs ?? [])],
    });
    return { ...result, ...readLoads(trace) };
  } finally {
    tmp.cleanup();
  }
}
