import type { RunWriter } from './run-store.ts';

/** A writer that records nothing: for benchmarks and dry runs. */
export class NullWriter implements RunWriter {
  constructor(readonly runId = 'unrecorded') {}
  addActor(): void {}
  addAction(): void {}
  addComplaint(): void {}
  addExchange(): void {}
  addEvent(): void {}
  addSnapshot(): void {}
  async flush(): Promise<void> {}
  async save(): Promise<void> {}
  async finish(): Promise<void> {}
}
