import { BeamulatorError } from './errors.ts';

/** A duration: milliseconds as a number, or a string such as `'1h30m'`, `'250ms'`, `'2d'`, `'1.5s'`. */
export type Duration = number | string;

const units: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};
const part = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/y;

/**
 * Parses a duration into whole milliseconds.
 *
 * @example
 * parseDuration('1h30m'); // 5_400_000
 * parseDuration('250ms'); // 250
 * parseDuration(1500);    // 1500
 */
export function parseDuration(value: Duration, what = 'duration'): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw invalid(String(value), what);
    return Math.round(value);
  }
  const text = value.trim().replace(/\s+/g, '');
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text));
  let total = 0;
  part.lastIndex = 0;
  let matched = 0;
  while (part.lastIndex < text.length) {
    const m = part.exec(text);
    if (!m) throw invalid(value, what);
    total += Number(m[1]) * units[m[2]!]!;
    matched++;
  }
  if (matched === 0) throw invalid(value, what);
  return Math.round(total);
}

/**
 * parseDuration for a length that must be more than zero (a run's duration, a wall-time cap): 0
 * would make a run that does nothing and still succeeds.
 *
 * @example
 * parsePositiveDuration('30m', 'duration'); // 1_800_000
 */
export function parsePositiveDuration(value: Duration, what = 'duration'): number {
  const ms = parseDuration(value, what);
  if (ms <= 0) {
    throw new BeamulatorError('BEAM_DURATION', `cannot use ${what} '${value}': it must be longer than 0`, "Give a length such as '30s', '15m' or '2h'");
  }
  return ms;
}

function invalid(value: string, what: string): BeamulatorError {
  return new BeamulatorError(
    'BEAM_DURATION',
    `cannot read ${what} '${value}': not a duration`,
    "Use a number of milliseconds or units like '250ms', '30s', '15m', '1h30m', '2d'",
  );
}

/**
 * Formats milliseconds compactly, largest units first.
 *
 * @example
 * formatDuration(5_400_000); // '1h30m'
 * formatDuration(250);       // '250ms'
 */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0ms';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(Math.round(ms));
  let out = '';
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]] as const) {
    if (rest >= size) {
      out += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return sign + out;
}

/**
 * Sim time as a clock reading since the run's start, to the second: `0:02:11`, `27:40:05`.
 *
 * @example
 * formatClock(5_307_211); // '1:28:27'
 */
export function formatClock(ms: number): string {
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}

/** Drops the milliseconds of spans of a second or more, for display. */
export function toSeconds(ms: number): number {
  return ms >= 1000 ? Math.floor(ms / 1000) * 1000 : ms;
}
