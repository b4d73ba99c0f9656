import { severities, type Severity } from '../store/records.ts';
import { BeamulatorError } from '../util/errors.ts';

/**
 * `--fail-on`: the least serious complaint that fails the command, or null for `none`.
 *
 * @example
 * parseFailOn('annoying'); // 'annoying'
 */
export function parseFailOn(value: string): Severity | null {
  if (value === 'none') return null;
  if ((severities as readonly string[]).includes(value)) return value as Severity;
  throw new BeamulatorError('BEAM_USAGE', `cannot use --fail-on '${value}'`, `Use one of: ${severities.join(', ')}, none`);
}
