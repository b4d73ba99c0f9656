/** What a beamulator matcher returns to vitest (a synchronous expectation result). */
export interface MatcherOutcome {
  pass: boolean;
  message: () => string;
  /** Shown as a diff under the message when given. */
  actual?: unknown;
  expected?: unknown;
}
