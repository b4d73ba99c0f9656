/** Minimal ANSI styling that disappears when color is off. */
export function styler(color: boolean) {
  const wrap = (code: number) => (s: string | number) => (color ? `\x1b[${code}m${s}\x1b[0m` : String(s));
  return { bold: wrap(1), dim: wrap(2), red: wrap(31), green: wrap(32), yellow: wrap(33), cyan: wrap(36) };
}
