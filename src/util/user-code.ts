/**
 * Code the user wrote (behaviors, actions, complaint predicates, checker models, invariants,
 * population functions, reset hooks, replay normalizers, fuzz predicates) is called from many
 * places in beamulator. Whatever it throws is the user's to fix, not a bug in beamulator: it is
 * reported as a UserCodeError (exit 6) that names what beamulator was calling and where in the
 * user's files it threw.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BeamulatorError } from './errors.ts';

/** The action a failing callback was called for: `for action #12 addTodo by Writer 2`. */
export interface UserCodeAction {
  seq: number;
  action: string;
  actorId: number;
  /** The actor's name, when the caller knows it (else filled in by whoever does, see `with`). */
  actorName?: string;
}

export interface UserCodeErrorOptions {
  /** What the command was doing: `run todo` (default `run the simulation`). */
  doing?: string;
  /** The action the callback was called for. */
  action?: UserCodeAction;
  /** What to fix, when the contract broken is a known one: a sentence (`The action failed (outcome error), so its result is null`). */
  advice?: string;
  /** What was kept of the run: `the run so far is kept (20261201-..., status failed)`. */
  kept?: string;
  /**
   * The callback broke its contract by what it returned rather than by throwing: the message
   * says it `returned <this>` (and `thrown` is this text, for the run's crash event).
   */
  returned?: string;
}

/** Set to 1 to have the CLI print the whole stack of what user code threw, after its one-line error. */
export const stackEnvVar = 'BEAMULATOR_STACK';

/**
 * Something the user's code threw, while beamulator called it: exit 6. The message is one line:
 * `cannot run todo: checker 'todos' model writes.addTodo() for action #12 addTodo by Writer 2
 * threw TypeError: ... (at todo.sim.ts:42:17). Fix that code ...`; `stack` of `thrown` is the
 * user's own stack, printed by the CLI with BEAMULATOR_STACK=1.
 */
export class UserCodeError extends BeamulatorError {
  /** What beamulator was calling: `invariant 'one owner'`, `target.reset()`. */
  readonly what: string;
  /** What the user's code threw. */
  readonly thrown: unknown;
  /** `file:line:column` of the first stack frame in the user's files, or null. */
  readonly at: string | null;
  readonly options: UserCodeErrorOptions;

  constructor(what: string, thrown: unknown, options: UserCodeErrorOptions = {}) {
    const { doing = 'run the simulation', action, advice, kept, returned } = options;
    const at = returned === undefined ? userFrame(thrown) : null;
    const forAction = action ? ` for action #${action.seq} ${action.action}${action.actorName ? ` by ${action.actorName}` : ''}` : '';
    const hint = `${advice ? `${advice}: fix` : 'Fix'} that code${kept ? `; ${kept}` : ''}; ${stackEnvVar}=1 prints its stack`;
    const how = returned === undefined ? `threw ${describeThrown(thrown)}` : `returned ${returned}`;
    super('BEAM_USER_CODE', `cannot ${doing}: ${what}${forAction} ${how}${at ? ` (at ${at})` : ''}`, hint, { cause: thrown });
    this.name = 'UserCodeError';
    this.what = what;
    this.thrown = thrown;
    this.at = at;
    this.options = options;
  }

  /** The same failure told with more context (a prefix for `what`, the actor's name, the kept run, and the command unless one was given). */
  with(more: { prefix?: string; actorName?: string | undefined; doing?: string; kept?: string }): UserCodeError {
    const { action } = this.options;
    return new UserCodeError(`${more.prefix ?? ''}${this.what}`, this.thrown, {
      ...this.options,
      ...(more.doing && !this.options.doing ? { doing: more.doing } : {}),
      ...(more.kept ? { kept: more.kept } : {}),
      ...(action && more.actorName && !action.actorName ? { action: { ...action, actorName: more.actorName } } : {}),
    });
  }
}

/** True for a UserCodeError, even one from another copy of the module. */
export function isUserCodeError(error: unknown): error is UserCodeError {
  return error instanceof Error && (error as { code?: unknown }).code === 'BEAM_USER_CODE' && 'thrown' in error;
}

/**
 * The error for `thrown` out of the user's code called as `what`. One already made deeper down
 * (a checker called from an invariant's probe) is kept: it names the innermost callback.
 */
export function userCodeError(what: string, thrown: unknown, options?: UserCodeErrorOptions): UserCodeError {
  return isUserCodeError(thrown) ? thrown : new UserCodeError(what, thrown, options);
}

/**
 * Calls the user's `fn` as `what`: what it throws (or its promise rejects with) becomes a
 * UserCodeError. Not for hot paths (a closure per call): those catch and call userCodeError.
 *
 * @example
 * await callUser('target.reset()', () => reset({ url, params }));
 */
export function callUser<T>(what: string, fn: () => T, options?: UserCodeErrorOptions): T {
  let result: T;
  try {
    result = fn();
  } catch (thrown) {
    throw userCodeError(what, thrown, options);
  }
  if (result !== null && typeof (result as { then?: unknown })?.then === 'function') {
    return (result as unknown as Promise<unknown>).then(undefined, (thrown: unknown) => {
      throw userCodeError(what, thrown, options);
    }) as T;
  }
  return result;
}

/** `TypeError: Cannot read properties of null (reading 'id')`; a thrown string quoted; anything else as text. */
export function describeThrown(thrown: unknown): string {
  if (!(thrown instanceof Error)) return typeof thrown === 'string' ? `'${firstLine(thrown)}'` : firstLine(String(thrown));
  const message = firstLine(thrown.message);
  return message ? `${thrown.name || 'Error'}: ${message}` : thrown.name || 'Error';
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}

// This file is src/util/ or dist/util/: two folders up is the package.
const packageRoot = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
const ownFolders = ['src', 'dist', 'bin'].map((folder) => path.join(packageRoot, folder) + path.sep);

/**
 * `file:line:column` of the first frame of `error`'s stack that is in the user's files: not
 * beamulator's own (src/, dist/), not a dependency (node_modules) nor Node's (node:internal).
 * Relative to the working directory when inside it. Null when there is none.
 *
 * @example
 * userFrame(error); // 'simulations/todo.sim.ts:42:17'
 */
export function userFrame(error: unknown): string | null {
  const stack = error instanceof Error ? error.stack : undefined;
  if (!stack) return null;
  for (const line of stack.split('\n')) {
    const frame = /^\s+at (?:.*? \()?(.+?):(\d+):(\d+)\)?$/.exec(line);
    if (!frame) continue;
    const file = fileOf(frame[1]!);
    if (file === null || !path.isAbsolute(file) || ownFolders.some((own) => file.startsWith(own)) || file.includes(`${path.sep}node_modules${path.sep}`)) continue;
    const relative = path.relative(process.cwd(), file);
    return `${relative && !relative.startsWith('..') ? relative : file}:${frame[2]}:${frame[3]}`;
  }
  return null;
}

/** ` (at file:line:column)` of the user's frame of `error`, or '' (for messages that quote what the user's code threw). */
export function atUserLine(error: unknown): string {
  const at = userFrame(error);
  return at ? ` (at ${at})` : '';
}

/** The path of a frame's location (`file:///x.sim.ts?ts`, `/x.mjs`), or null for Node's own (`node:internal/...`). */
function fileOf(location: string): string | null {
  if (location.startsWith('node:') || location.startsWith('internal/')) return null;
  if (!location.startsWith('file://')) return location;
  try {
    return fileURLToPath(location.replace(/[?#].*$/, ''));
  } catch {
    return null;
  }
}
