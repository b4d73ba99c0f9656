import { once } from 'node:events';
import { defaultStorePath } from '../store/default-store-path.ts';
import { shellQuote } from '../util/reproduce-command.ts';

export { styler } from '../format/styler.ts';

/** Where the CLI writes; injected so tests can capture it. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
  /**
   * Resolves once what `out` wrote has been handed to stdout's reader (at once when nothing is
   * queued). A command that prints a lot awaits it between chunks, so a slow reader (a pipe)
   * holds the command back instead of the output piling up in memory.
   */
  drained?: () => Promise<void>;
  /** True when stderr is a terminal (progress lines are drawn only then). */
  isTTY: boolean;
  /** Colour what goes to stdout (`out`). */
  color: boolean;
  /** Colour what goes to stderr (`err`): decided apart from stdout, so `beamulator runs > f` in a terminal writes no escapes into f. */
  errColor: boolean;
}

/**
 * Whether to colour a stream: FORCE_COLOR (other than 0/false) forces it on, NO_COLOR (non-empty)
 * off, else a terminal gets colour and a file or pipe does not.
 *
 * @example
 * colorFor(process.stdout.isTTY, process.env);
 */
export function colorFor(isTTY: boolean | undefined, env: NodeJS.ProcessEnv): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  if (env.NO_COLOR) return false;
  return Boolean(isTTY);
}

export function processOutput(): Output {
  const isTTY = Boolean(process.stderr.isTTY);
  // A reader that goes away (`beamulator show ... | head`) is not an error of the command: stop
  // writing to it and let the command finish (a run still records everything).
  const closed = { stdout: false, stderr: false };
  for (const name of ['stdout', 'stderr'] as const) {
    process[name].on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      closed[name] = true;
    });
  }
  return {
    out: (text) => {
      if (!closed.stdout) process.stdout.write(text);
    },
    err: (text) => {
      if (!closed.stderr) process.stderr.write(text);
    },
    // A reader that went away fails the wait (EPIPE): nothing more will be written anyway.
    drained: () => (closed.stdout || !process.stdout.writableNeedDrain ? Promise.resolve()
      : once(process.stdout, 'drain').then(() => undefined, () => undefined)),
    isTTY,
    color: colorFor(process.stdout.isTTY, process.env),
    errColor: colorFor(process.stderr.isTTY, process.env),
  };
}

/** ` --db <path>` for commands printed to the user, or nothing for the default store. */
export function dbFlag(db: string): string {
  return db === defaultStorePath ? '' : ` --db ${shellQuote(db)}`;
}
