import { BeamulatorError } from '../util/errors.ts';

/**
 * A paced run's start instant (`--start-at`, BEAMULATOR_START_AT, RunOptions.wallStartAt) as epoch
 * ms: an ISO date with a zone (`2026-12-01T06:00:00Z`) or epoch ms (`1796104800000`).
 *
 * @example
 * parseWallStartAt('2026-12-01T06:00:00Z'); // 1796104800000
 */
export function parseWallStartAt(given: string | number): number {
  const text = String(given).trim();
  const ms = /^\d+$/.test(text) ? Number(text) : /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)$/i.test(text) ? Date.parse(text) : NaN;
  if (!Number.isFinite(ms)) {
    throw new BeamulatorError('BEAM_USAGE', `cannot start the run at '${text}': not an ISO date with a zone or epoch ms`, "Use e.g. --start-at 2026-12-01T06:00:00Z or --start-at 1796104800000 (every shard given the same instant starts aligned)");
  }
  return ms;
}
