/**
 * Wall-time caps for the fuzz campaigns of tests: an hour, far above any test's timeout. The caps
 * on runs (`runs`, `shrinkRuns`, or a shrink left to finish) then decide what a campaign finds
 * and how far it shrinks, so a slow or loaded machine cannot change the outcome a test asserts:
 * at worst the test times out, which says what happened.
 */
export const noTimeCap = { timeLimitMs: 3_600_000, shrinkTimeLimitMs: 3_600_000 } as const;

/** The same for the CLI's `--time-limit` (fuzz: search and shrink; shrink: the shrink). */
export const noTimeLimit = '1h';
