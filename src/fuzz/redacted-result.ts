import type { FuzzSpec } from '../replay/fuzz-spec.ts';
import type { Redactor } from '../store/redact.ts';
import type { FuzzResult } from './fuzz-result.ts';
import type { FuzzFailure } from './run-outcome.ts';

/**
 * A campaign's result as its caller gets it: the user data of the shrunk run (args, results,
 * complaint details, actor configs) redacted as the store redacts the recorded run. The engine's
 * hooks hand the campaign its actions and complaints raw, before any store sees them.
 */
export function redactedResult<R extends FuzzResult>(result: R, redactor: Redactor): R {
  const failure = result.failure && redactedFailure(result.failure, redactor);
  return {
    ...result,
    spec: result.spec && redactedSpec(result.spec, redactor),
    failure,
    complaint: failure?.kind === 'complaint' ? failure.complaint : null,
    actors: result.actors.map((a) => redactor.record(a)),
    actions: result.actions.map((a) => redactor.record(a)),
    complaints: result.complaints.map((c) => redactor.record(c)),
  };
}

/** A spec with its actors' configs redacted (as stored with the fuzz run). */
export function redactedSpec(spec: FuzzSpec, redactor: Redactor): FuzzSpec {
  return { ...spec, actors: spec.actors.map((a) => redactor.record(a)) };
}

function redactedFailure(failure: FuzzFailure, redactor: Redactor): FuzzFailure {
  if (failure.kind === 'complaint') return { ...failure, complaint: redactor.record(failure.complaint) };
  return failure.kind === 'invariant' ? { ...failure, detail: redactor.value(failure.detail) } : failure;
}
