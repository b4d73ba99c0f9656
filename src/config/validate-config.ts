import { severities } from '../store/records.ts';
import { closestName } from '../util/closest-name.ts';
import { parseDuration } from '../util/duration.ts';
import { BeamulatorError } from '../util/errors.ts';
import { configKeys, type BeamulatorConfig } from './define-config.ts';

/** A check of one key's value: null when it is fine, else what it must be. */
type Check = (value: unknown) => string | null;

const checks: Record<(typeof configKeys)[number], Check> = {
  db: (v) => (nonEmptyString(v) ? null : "must be a file path or ':memory:'"),
  replays: (v) => (nonEmptyString(v) ? null : 'must be a folder path'),
  target: (v) => (typeof v === 'string' && /^https?:$/.test(urlProtocol(v)) ? null : "must be an http(s) url like 'http://localhost:3000'"),
  failOn: (v) => ([...severities, 'none'].includes(v as string) ? null : `must be one of ${[...severities, 'none'].join(', ')}`),
  actionTimeout: (v) => (positiveDuration(v) ? null : "must be a duration like '30s' or '2m', or a number of milliseconds"),
  redact: (v) => (Array.isArray(v) && v.every((p) => nonEmptyString(p) || isRegExp(p))
    ? null : "must be a list of names (strings, '*' matching anything) and regular expressions"),
  simulations: (v) => (Array.isArray(v) && v.every(nonEmptyString) ? null : "must be a list of globs like 'simulations/*.sim.ts'"),
  fuzz: (v) => (Array.isArray(v) && v.every(nonEmptyString) ? null : "must be a list of globs like 'fuzz/*.fuzz.ts'"),
};

/**
 * The config a file exported, checked key by key. Throws BEAM_CONFIG on the first unknown key
 * (suggesting the closest known one) or value of the wrong type, naming the file as `shown`.
 *
 * @example
 * validateConfig({ failOn: 'fatal' }, 'beamulator.config.ts');
 * // throws: cannot use beamulator.config.ts: failOn must be one of urgent, annoying, justsayin, none (got 'fatal')
 */
export function validateConfig(value: unknown, shown: string): BeamulatorConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BeamulatorError('BEAM_CONFIG', `cannot use ${shown}: its default export is ${describe(value)}, not a config`, 'Export `defineConfig({ ... })` as default');
  }
  const known: readonly string[] = configKeys;
  for (const [key, v] of Object.entries(value)) {
    if (!known.includes(key)) {
      const close = closestName(key, known);
      throw new BeamulatorError('BEAM_CONFIG', `cannot use ${shown}: unknown key '${key}'`,
        close ? `Did you mean '${close}'?` : `Known keys: ${known.join(', ')}`);
    }
    if (v === undefined) continue;
    const problem = checks[key as keyof typeof checks](v);
    if (problem) throw new BeamulatorError('BEAM_CONFIG', `cannot use ${shown}: ${key} ${problem} (got ${describe(v)})`);
  }
  return value as BeamulatorConfig;
}

function nonEmptyString(v: unknown): v is string {
  return typeof v === 'string' && v.trim() !== '';
}

function isRegExp(v: unknown): v is RegExp {
  // A config loaded in another realm (a vm, a worker) has its own RegExp: not instanceof ours.
  return Object.prototype.toString.call(v) === '[object RegExp]';
}

function urlProtocol(v: string): string {
  try {
    return new URL(v).protocol;
  } catch {
    return '';
  }
}

function positiveDuration(v: unknown): boolean {
  if (typeof v !== 'string' && typeof v !== 'number') return false;
  try {
    return parseDuration(v) > 0;
  } catch {
    return false;
  }
}

/** A value as the message quotes it: 'text', 42, /re/i, a list, an object. */
function describe(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (isRegExp(v)) return String(v);
  if (typeof v === 'function') return 'a function';
  if (Array.isArray(v)) return `[${v.map(describe).join(', ')}]`;
  if (typeof v === 'object' && v !== null) return 'an object';
  return String(v);
}
