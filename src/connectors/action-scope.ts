import { AsyncLocalStorage } from 'node:async_hooks';
import type { HttpExchange } from './http-client.ts';

/**
 * The action being executed, visible to code that has no other way to know it: interceptors
 * that record (or serve back) the traffic of HTTP clients an action brings itself
 * (global fetch, node:http, SDKs).
 */
export interface ActionScope {
  readonly actionSeq: number;
  /** The index of the next exchange of this action (0, 1, ...). Call once per request, when it starts. */
  nextExchange(): number;
  /** Records a finished exchange under the index it got from `nextExchange()`. */
  record(n: number, exchange: HttpExchange): void;
}

/** Set by the engine around each action's code (only when foreign-client recording or serving is on). */
export const actionScope = new AsyncLocalStorage<ActionScope>();
