import { severities, type Severity } from '../store/records.ts';

/** Options of the complaint matchers. */
export interface SeverityOption {
  /** Only complaints at or above this severity count (default: any severity). */
  severity?: Severity;
}

/** The severity threshold of a matcher's options (null: any), or a TypeError for a bad one. */
export function readSeverity(options: SeverityOption | undefined, matcher: string): Severity | null {
  const severity = options?.severity;
  if (severity === undefined) return null;
  if (!(severities as readonly unknown[]).includes(severity)) {
    throw new TypeError(`expect(run).${matcher}(): severity must be one of ${severities.join(', ')}, got ${JSON.stringify(severity)}`);
  }
  return severity;
}

/** ' at or above urgent', or '' for any severity. */
export function atOrAbove(severity: Severity | null): string {
  return severity === null ? '' : ` at or above '${severity}'`;
}
