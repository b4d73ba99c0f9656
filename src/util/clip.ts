/** Cuts text to `max` characters, marking the cut with an ellipsis ('' for undefined). */
export function clip(text: string | undefined, max: number): string {
  if (text === undefined) return '';
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
