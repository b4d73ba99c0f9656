import fc, { type Arbitrary } from 'fast-check';

/** Options of {@link hostile}.string. */
export interface HostileStringOptions {
  /** Longest ordinary string, in UTF-16 code units (default 32). */
  maxLength?: number;
  /** Length of the very long strings (default 10,000 code units): past most fields' limits. */
  longLength?: number;
}

/**
 * Strings that break services, each a known way a string goes wrong on its way through code:
 * lone UTF-16 surrogates (valid in a JS string and in `\ud800` JSON escapes, but not UTF-8
 * encodable: Python, Go and databases reject or mangle them), NUL and control characters, text
 * that changes under Unicode normalization (NFC vs NFD, compatibility forms), direction
 * overrides, byte-order marks and line separators, zero-width joiner emoji, markup, SQL and path
 * fragments, words that look like other JSON types, blank strings.
 */
const edgeStrings: readonly string[] = [
  ' ', '\t', '\r\n', '\u0000', 'a\u0000b', '\u0007\u001b[31m', '\ud800', '\udfff', 'a\ud83d', '\udc00\ud800',
  '\u00e9', 'e\u0301', '\u212b', '\u00c5', '\ufb01', '\uff21', '\u0130', '\u00df', 'ǅ',
  '\u202egnp.exe', '\u200b', '\ufeff', '\u2028', '\u2029', '👩\u200d👩\u200d👧', '🏳️\u200d🌈', '\u0301',
  '<script>alert(1)</script>', "'; DROP TABLE users; --", '" OR "1"="1', '%s%n%x', '${7*7}', '../../etc/passwd',
  'null', 'undefined', 'true', '0', '-1', 'NaN', '{}', '[]', '__proto__', 'constructor',
];

/** Integers where JSON, 32-bit and float64 arithmetic disagree. */
const edgeIntegers: readonly number[] = [
  0, -1, 1, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 2 ** 32 - 1, 2 ** 32, -(2 ** 32),
  Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 53, -(2 ** 53), 2 ** 63, 1e21,
];

/** Finite doubles that round, print in exponent form or lose precision on the way through JSON. */
const edgeNumbers: readonly number[] = [
  ...edgeIntegers, -0, 0.1, 0.1 + 0.2, 1e-7, 5e-324, -5e-324, Number.EPSILON, 1.7976931348623157e308, -1.7976931348623157e308, 0.5, 2.5, 1 / 3,
];

/** Every UTF-16 code unit, lone surrogates included (fast-check's string units never yield one). */
const codeUnit: Arbitrary<string> = fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u));

/**
 * fast-check arbitraries for inputs that break services, for `ctx.rng.draw(...)` in a behavior (or
 * any fast-check property). Each mixes ordinary values (drawn first, so a failure shrinks to
 * the plainest input that still fails) with values chosen to hit known edges. Everything they
 * yield survives JSON: `JSON.stringify` escapes lone surrogates, and no number is NaN or infinite.
 *
 * - `hostile.string()`: ordinary strings; any UTF-16 code units, lone surrogates included; edge
 *   strings (NUL, normalization variants, direction overrides, markup, SQL, blanks...); an edge
 *   string inside ordinary text; very long strings.
 * - `hostile.integer()`: any 32-bit integer, or one at an edge (±2^31, ±2^32, ±2^53, 2^63, 1e21).
 * - `hostile.number()`: any double, or an edge one (-0, 0.1 + 0.2, 5e-324, ±MAX_VALUE, 1e-7...).
 *
 * @example
 * import { hostile } from 'beamulator';
 * const title = ctx.rng.draw(hostile.string());
 * await ctx.execute(actions.createTodo, { user, title, priority: ctx.rng.draw(hostile.integer()) });
 */
export const hostile = {
  string(options: HostileStringOptions = {}): Arbitrary<string> {
    const maxLength = options.maxLength ?? 32;
    const longLength = options.longLength ?? 10_000;
    const ordinary = fc.string({ maxLength });
    const edge = fc.constantFrom(...edgeStrings);
    return fc.oneof(
      { arbitrary: ordinary, weight: 4 },
      { arbitrary: fc.string({ unit: codeUnit, maxLength }), weight: 2 },
      { arbitrary: edge, weight: 3 },
      { arbitrary: fc.tuple(ordinary, edge, ordinary).map(([a, e, b]) => a + e + b), weight: 2 },
      { arbitrary: fc.tuple(fc.constantFrom('x', 'é', '\ud800', '😀'), fc.integer({ min: longLength / 2, max: longLength })).map(([c, n]) => c.repeat(Math.max(1, Math.floor(n / c.length)))), weight: 1 },
    );
  },
  integer(): Arbitrary<number> {
    return fc.oneof({ arbitrary: fc.integer(), weight: 2 }, { arbitrary: fc.constantFrom(...edgeIntegers), weight: 1 });
  },
  number(): Arbitrary<number> {
    return fc.oneof({ arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }), weight: 2 }, { arbitrary: fc.constantFrom(...edgeNumbers), weight: 1 });
  },
};
