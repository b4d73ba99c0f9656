/**
 * Teardowns run in the reverse order of setup, every one of them even when another throws:
 * what `AsyncDisposableStack` does, which Node 20 does not have (Node 24 does). Dispose it
 * with `await using`, or call `close()`.
 *
 * @example
 * await using stack = new ResourceStack();
 * const store = stack.use(await openStore(file), (s) => s.close());
 * const server = stack.use(await startServer(), (s) => s.stop());
 * // leaving the block stops the server, then closes the store
 */
export class ResourceStack implements AsyncDisposable {
  #teardowns: Array<() => unknown> = [];
  #closed = false;

  /** Registers `teardown(value)` to run at close; returns `value`. */
  use<T>(value: T, teardown: (value: T) => unknown): T {
    this.defer(() => teardown(value));
    return value;
  }

  /** Registers `teardown` to run at close. */
  defer(teardown: () => unknown): void {
    if (this.#closed) throw new Error('ResourceStack is closed: nothing can be added to it');
    this.#teardowns.push(teardown);
  }

  /** Runs the teardowns, last registered first; throws the first error after all have run (idempotent). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const errors: unknown[] = [];
    for (const teardown of this.#teardowns.reverse()) {
      try {
        await teardown();
      } catch (error) {
        errors.push(error);
      }
    }
    this.#teardowns = [];
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, `${errors.length} teardowns failed`);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
