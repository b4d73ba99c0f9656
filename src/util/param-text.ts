/**
 * A run parameter's value as `--param name=<text>` takes it: lists comma-separated, the rest as
 * written (`String`), so parsing the text gives the value back.
 *
 * @example
 * paramText(['slow-db', 'no-cache']); // 'slow-db,no-cache'
 * paramText(3);                             // '3'
 */
export function paramText(value: unknown): string {
  return Array.isArray(value) ? value.join(',') : String(value);
}
