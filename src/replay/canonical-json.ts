/**
 * Canonical JSON (for replay file checksums) and locating a JSON syntax error (for the
 * "truncated or not JSON" message), independent of how this Node version words its errors.
 */
import { createHash } from 'node:crypto';

/**
 * The canonical JSON text of a value: object keys sorted by UTF-16 code units, no whitespace,
 * strings and numbers as JSON.stringify writes them (RFC 8785 style). What JSON.stringify
 * drops (undefined, functions) is dropped; non-finite numbers become null. So
 * `canonicalJson(v) === canonicalJson(JSON.parse(JSON.stringify(v)))` for any JSON-like value,
 * and re-indenting or reordering the keys of a file does not change it.
 */
export function canonicalJson(value: unknown): string {
  const parts: string[] = [];
  write(value, parts);
  return parts.join('');
}

function write(value: unknown, out: string[]): void {
  if (value === null) {
    out.push('null');
    return;
  }
  switch (typeof value) {
    case 'string':
      out.push(JSON.stringify(value));
      return;
    case 'number':
      out.push(JSON.stringify(value)); // 'null' for NaN and Infinity
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'object':
      break;
    default:
      out.push('null'); // only reachable in arrays: object members of these types are skipped
      return;
  }
  if (Array.isArray(value)) {
    out.push('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.push(',');
      write(value[i], out);
    }
    out.push(']');
    return;
  }
  const obj = value as Record<string, unknown>;
  // Read own keys by name, never through the prototype (a parsed "__proto__" key is own data).
  const keys = Object.keys(obj).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  out.push('{');
  let first = true;
  for (const key of keys) {
    const item = obj[key];
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    if (!first) out.push(',');
    first = false;
    out.push(JSON.stringify(key), ':');
    write(item, out);
  }
  out.push('}');
}

/** `sha256:<hex>` of the canonical JSON of a value. */
export function sha256Of(value: unknown): string {
  return `sha256:${createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex')}`;
}

export interface JsonSyntaxError {
  /** Offset (UTF-16 code units) where the text stops being valid JSON. */
  offset: number;
  line: number;
  column: number;
  /** True when the text ends before the value is complete (a cut file). */
  atEnd: boolean;
  /** What went wrong, lower case: "unexpected end of input", "unexpected character 'x'". */
  problem: string;
}

/**
 * Where `text` stops being JSON (RFC 8259), or null when it is valid. Only called after
 * JSON.parse failed, so speed is secondary; it is iterative, so deep nesting is fine.
 */
export function locateJsonError(text: string): JsonSyntaxError | null {
  let i = 0;
  const n = text.length;
  const fail = (problem?: string): JsonSyntaxError => {
    const atEnd = i >= n;
    return { offset: i, ...lineColumn(text, i), atEnd, problem: problem ?? (atEnd ? 'unexpected end of input' : `unexpected character ${describe(text[i]!)}`) };
  };
  const ws = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const literal = (word: string): boolean => {
    for (let k = 0; k < word.length; k++, i++) if (text[i] !== word[k]) return false;
    return true;
  };
  const digits = (): boolean => {
    const start = i;
    while (i < n && text[i]! >= '0' && text[i]! <= '9') i++;
    return i > start;
  };
  const string = (): JsonSyntaxError | null => {
    i++; // opening quote
    while (true) {
      if (i >= n) return fail('unterminated string: unexpected end of input');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return null;
      }
      if (c < 0x20) return fail('control character in a string');
      if (c === 0x5c) {
        i++;
        if (i >= n) return fail('unterminated string: unexpected end of input');
        const e = text[i]!;
        if (e === 'u') {
          for (let k = 1; k <= 4; k++) {
            if (i + k >= n) {
              i += k;
              return fail('unterminated string: unexpected end of input');
            }
            if (!/[0-9a-fA-F]/.test(text[i + k]!)) {
              i += k;
              return fail('invalid \\u escape in a string');
            }
          }
          i += 5;
        } else if ('"\\/bfnrt'.includes(e)) {
          i++;
        } else {
          return fail(`invalid escape \\${e} in a string`);
        }
        continue;
      }
      i++;
    }
  };
  const number = (): JsonSyntaxError | null => {
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else if (!digits()) return fail();
    if (text[i] === '.') {
      i++;
      if (!digits()) return fail();
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      if (!digits()) return fail();
    }
    return null;
  };
  // A stack of open containers: '[' or '{'. `expect` says what may come next.
  const stack: Array<'[' | '{'> = [];
  let expect: 'value' | 'value-or-close' | 'key' | 'key-or-close' | 'after-value' = 'value';
  while (true) {
    ws();
    if (expect === 'after-value') {
      const top = stack[stack.length - 1];
      if (top === undefined) {
        if (i < n) return fail('unexpected text after the end of the JSON value');
        return null;
      }
      if (i >= n) return fail();
      if (text[i] === ',') {
        i++;
        expect = top === '[' ? 'value' : 'key';
      } else if ((top === '[' && text[i] === ']') || (top === '{' && text[i] === '}')) {
        i++;
        stack.pop();
        expect = 'after-value';
      } else {
        return fail(`expected ',' or '${top === '[' ? ']' : '}'}', found ${describe(text[i]!)}`);
      }
      continue;
    }
    if (i >= n) return fail();
    const c = text[i]!;
    if (expect === 'key' || expect === 'key-or-close') {
      if (expect === 'key-or-close' && c === '}') {
        i++;
        stack.pop();
        expect = 'after-value';
        continue;
      }
      if (c !== '"') return fail(`expected a property name in double quotes, found ${describe(c)}`);
      const bad = string();
      if (bad) return bad;
      ws();
      if (i >= n) return fail();
      if (text[i] !== ':') return fail(`expected ':' after a property name, found ${describe(text[i]!)}`);
      i++;
      expect = 'value';
      continue;
    }
    if (expect === 'value-or-close' && c === ']') {
      i++;
      stack.pop();
      expect = 'after-value';
      continue;
    }
    if (c === '{') {
      i++;
      stack.push('{');
      expect = 'key-or-close';
    } else if (c === '[') {
      i++;
      stack.push('[');
      expect = 'value-or-close';
    } else if (c === '"') {
      const bad = string();
      if (bad) return bad;
      expect = 'after-value';
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      const bad = number();
      if (bad) return bad;
      expect = 'after-value';
    } else if (c === 't' || c === 'f' || c === 'n') {
      const word = c === 't' ? 'true' : c === 'f' ? 'false' : 'null';
      if (!literal(word)) return fail();
      expect = 'after-value';
    } else {
      return fail();
    }
  }
}

function describe(c: string): string {
  return c === "'" ? `"'"` : `'${JSON.stringify(c).slice(1, -1)}'`;
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let k = 0; k < offset && k < text.length; k++) {
    if (text.charCodeAt(k) === 10) {
      line++;
      lineStart = k + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
