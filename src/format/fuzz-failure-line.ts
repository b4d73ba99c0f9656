import type { FuzzFailure } from '../fuzz/run-outcome.ts';
import type { Json, RunRecord } from '../store/records.ts';
import { previewJson } from './json-preview.ts';

/** A fuzz failure as stored in a fuzz run's `meta.failure` (and as the result's failure describes it). */
export interface StoredFuzzFailure {
  kind: 'complaint' | 'invariant' | 'crash';
  message: string;
  severity?: string;
  invariant?: string;
  detail?: Json;
  actionSeq?: number | null;
  actorId?: number;
  trigger?: string;
  /** A crash: where the behavior threw (the first frame of its stack). */
  at?: string | null;
}

/**
 * What failed, on one line, the same in `fuzz` output and `show` of a fuzz run: `urgent: <message>`,
 * `invariant 'name' broken: <message> {detail}`, `crash: <error>`.
 *
 * @example
 * fuzzFailureLine({ kind: 'invariant', invariant: 'unique ids', message: '2 todos share t1', detail: { id: 't1' } });
 * // "invariant 'unique ids' broken: 2 todos share t1  {\"id\":\"t1\"}"
 */
export function fuzzFailureLine(failure: StoredFuzzFailure): string {
  switch (failure.kind) {
    case 'complaint':
      return `${failure.severity ?? 'complaint'}: ${failure.message}`;
    case 'invariant': {
      const detail = failure.detail === undefined || failure.detail === null ? '' : `  ${previewJson(failure.detail, 100)}`;
      return `invariant '${failure.invariant ?? '?'}' broken: ${failure.message}${detail}`;
    }
    case 'crash':
      return `crash${failure.actionSeq !== null && failure.actionSeq !== undefined ? ` in action #${failure.actionSeq}` : ' of a behavior'}: ${failure.message}`;
  }
}

/**
 * The failure as a fuzz run stores it (`meta.failure`), which `fuzz` output and `show` print
 * (see fuzzFailureLine).
 *
 * @example
 * fuzzFailureLine(storedFailure(result.failure!)); // "invariant 'unique ids' broken: 2 todos share t1"
 */
export function storedFailure(failure: FuzzFailure): StoredFuzzFailure {
  switch (failure.kind) {
    case 'complaint': {
      const c = failure.complaint;
      return { kind: 'complaint', message: c.message, severity: c.severity, actionSeq: c.actionSeq, actorId: c.actorId, trigger: c.trigger };
    }
    case 'invariant':
      return { kind: 'invariant', invariant: failure.invariant, message: failure.message, detail: failure.detail };
    case 'crash':
      return { kind: 'crash', message: failure.message, actorId: failure.actorId, actionSeq: failure.actionSeq, at: failure.at ?? null };
  }
}

const kinds: ReadonlyArray<StoredFuzzFailure['kind']> = ['complaint', 'invariant', 'crash'];

/**
 * The failure a recorded run was recorded for: a fuzz run's `meta.failure` (see storedFailure); null for any other run.
 *
 * @example
 * const failure = storedFailureOf(bundle.run); // { kind: 'complaint', message: '...', trigger: 'ctx.complain', ... }
 */
export function storedFailureOf(run: Pick<RunRecord, 'config'>): StoredFuzzFailure | null {
  const failure = (run.config as { meta?: { failure?: Json } } | null)?.meta?.failure as Partial<StoredFuzzFailure> | undefined;
  if (!failure || typeof failure !== 'object' || typeof failure.message !== 'string') return null;
  return failure.kind !== undefined && kinds.includes(failure.kind) ? failure as StoredFuzzFailure : null;
}
