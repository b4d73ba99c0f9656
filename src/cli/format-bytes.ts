/**
 * A size for people: `512 B`, `8.9 MB`, `1.2 GB` (powers of 1000, like `ls -lh --si` and most file managers).
 *
 * @example
 * formatBytes(8_925_184); // '8.9 MB'
 */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 999.95 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
