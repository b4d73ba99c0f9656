/**
 * A JSON value in at most `width` characters, for one line of output: its JSON text when that
 * fits, else the same shape with long strings clipped (`"Buy oat…"`) and what does not fit left
 * out (`…+3`: three more entries). Every field of an object is kept a short place (about a dozen
 * characters) before an earlier one gets more, so a field at the end of an answer (`"balance":-1`)
 * shows as well as the first; an array shows its first items and counts the rest. It knows
 * nothing of any service: it works on any JSON.
 *
 * @example
 * previewJson({ id: 7, title: 'Buy oat milk, eggs and a very large cake', done: false }, 48);
 * // '{"id":7,"title":"Buy oat milk, e…","done":false}'
 */
export function previewJson(value: unknown, width: number): string {
  const v = plain(value);
  return v === undefined ? '' : render(v, Math.max(1, width), 0);
}

/**
 * What a value is kept at least (whole when shorter) before entries after it are left out: room
 * for a short word, a number or the redaction marker (`"[redacted]"`, 12 characters), uncut.
 */
const minShare = 12;
/** Deeper than this a value shows as `…` (a guard against cycles). */
const maxDepth = 64;

type Entry = readonly [key: string, value: unknown];

/** The value as JSON.stringify sees it: toJSON applied, bigints as numbers, functions and symbols absent. */
function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return plain((value as { toJSON(): unknown }).toJSON());
  }
  return value;
}

function primitive(v: unknown): string {
  return typeof v === 'bigint' ? String(v) : (JSON.stringify(v) ?? 'null');
}

function isContainer(v: unknown): v is object {
  return v !== null && typeof v === 'object';
}

/** An object's or array's entries (keys as JSON text with the colon; '' in arrays), as JSON.stringify writes them. */
function entries(v: object): Entry[] {
  if (Array.isArray(v)) return v.map((item): Entry => ['', plain(item) ?? null]);
  const out: Entry[] = [];
  for (const [key, item] of Object.entries(v)) {
    const p = plain(item);
    if (p !== undefined) out.push([`${JSON.stringify(key)}:`, p]);
  }
  return out;
}

/** The length of the value's JSON text, or `cap + 1` once it is known to be longer than `cap`. */
function measure(v: unknown, cap: number, depth: number): number {
  if (!isContainer(v)) {
    if (typeof v === 'string' && v.length + 2 > cap) return cap + 1;
    return Math.min(primitive(v).length, cap + 1);
  }
  if (depth > maxDepth) return 1;
  const list = entries(v);
  let total = 2 + Math.max(0, list.length - 1);
  for (const [key, item] of list) {
    if (total > cap) return cap + 1;
    total += key.length + measure(item, cap - total - key.length, depth + 1);
  }
  return Math.min(total, cap + 1);
}

/** The value's text in at most `budget` characters (`budget` >= 1). */
function render(v: unknown, budget: number, depth: number): string {
  if (depth > maxDepth) return '…';
  if (!isContainer(v)) {
    const text = primitive(v);
    if (text.length <= budget) return text;
    return typeof v === 'string' ? clipString(v, budget) : '…';
  }
  const list = entries(v);
  const [open, close] = Array.isArray(v) ? ['[', ']'] : ['{', '}'];
  if (measure(v, budget, depth) <= budget) return `${open}${list.map(([key, item]) => key + render(item, Infinity, depth + 1)).join(',')}${close}`;
  // Each entry shown takes at least a character and a comma: more than `budget` of them never fit.
  const needs = list.slice(0, budget).map(([key, item], i) => {
    const need = measure(item, budget, depth + 1);
    // An object's fields differ, so each gets a share; an array's items are alike, so after the
    // first (which may be cut) an item shows whole or is counted. Short scalars are always whole.
    const cut = (i === 0 || !Array.isArray(v)) && (isContainer(item) || typeof item === 'string');
    return { key, item, least: cut ? Math.min(need, minShare) : need };
  });
  // As many entries as can each have their least, in order; the rest are counted.
  let least = needs.reduce((n, e) => n + e.least, 0);
  let keys = needs.reduce((n, e) => n + e.key.length, 0);
  for (let shown = needs.length; shown >= 0; shown--) {
    if (shown < needs.length) {
      least -= needs[shown]!.least;
      keys -= needs[shown]!.key.length;
    }
    const left = list.length - shown;
    const tail = left > 0 ? `…+${left}` : '';
    const fixed = 2 + Math.max(0, shown + (left > 0 ? 1 : 0) - 1) + tail.length + keys;
    if (fixed + least > budget) continue;
    // Left to right, each entry takes what the later ones' least leaves it: the first fields, which
    // usually say what a value is, get the most.
    let free = budget - fixed - least;
    const texts: string[] = [];
    for (let i = 0; i < shown; i++) {
      const text = render(needs[i]!.item, needs[i]!.least + free, depth + 1);
      free -= text.length - needs[i]!.least;
      texts.push(needs[i]!.key + text);
    }
    if (tail) texts.push(tail);
    return `${open}${texts.join(',')}${close}`;
  }
  return '…';
}

/** A string's JSON text cut to `budget` characters, the cut marked with `…` inside the quotes. */
function clipString(s: string, budget: number): string {
  if (budget < 3) return '…';
  let keep = s.slice(0, budget - 3);
  for (;;) {
    // Never split a surrogate pair: half of one is not a character.
    if (/[\ud800-\udbff]$/.test(keep)) keep = keep.slice(0, -1);
    const text = `${JSON.stringify(keep).slice(0, -1)}…"`;
    if (text.length <= budget) return text;
    keep = keep.slice(0, keep.length - (text.length - budget));
  }
}
