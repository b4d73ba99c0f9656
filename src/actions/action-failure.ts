import type { Json } from '../store/records.ts';

/**
 * Thrown by `fail()`: the action reached the target but did not succeed (a 4xx/5xx, a refused
 * operation). Its outcome is `error`, not `crash`, and `detail` is stored as the action's result.
 */
export class ActionFailure extends Error {
  override readonly name = 'ActionFailure';
  constructor(message: string, readonly detail: unknown = null) {
    super(message);
  }
}

/**
 * Ends the action with outcome `error`.
 *
 * @example
 * if (res.status === 404) fail('todo not found', { id });
 */
export function fail(message: string, detail?: unknown): never {
  throw new ActionFailure(message, detail);
}

export type { Json };
