import { isRecordedRun, type RecordedRun } from './recorded-run.ts';

/** The received value of a beamulator matcher, or a TypeError that says what went wrong. */
export function requireRecordedRun(received: unknown, matcher: string): RecordedRun {
  if (isRecordedRun(received)) return received;
  const got = received instanceof Promise || (typeof received === 'object' && received !== null && typeof (received as { then?: unknown }).then === 'function')
    ? 'a promise (did you forget `await runSimulation(...)`?)'
    : received === null ? 'null' : typeof received === 'object' ? 'an object that is not a run' : typeof received;
  throw new TypeError(`expect(run).${matcher}(): run must be what runSimulation from 'beamulator/vitest' resolves to, got ${got}`);
}
