/** Set to 1 (or true) to keep every run of the test process in a DuckDB file you can inspect. */
export const keepRunsEnvVar = 'BEAMULATOR_KEEP_RUNS';

/**
 * Whether a run is kept in a temp DuckDB file: `options.keep` when given, else the environment.
 *
 * @example
 * keepRuns(undefined, { BEAMULATOR_KEEP_RUNS: '1' }); // true
 */
export function keepRuns(explicit: boolean | undefined, env: Record<string, string | undefined> = process.env): boolean {
  if (explicit !== undefined) return explicit;
  const value = env[keepRunsEnvVar]?.trim().toLowerCase();
  return value === '1' || value === 'true' || value === 'yes';
}
