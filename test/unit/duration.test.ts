import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/util/duration.ts';
import { isBeamulatorError } from '../../src/util/errors.ts';
import { toJson } from '../../src/util/to-json.ts';

describe('durations', () => {
  it('parses strings and numbers', () => {
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('2d 3h')).toBe(2 * 86_400_000 + 3 * 3_600_000);
    expect(parseDuration('1w')).toBe(604_800_000);
    expect(parseDuration(42)).toBe(42);
    expect(parseDuration('42')).toBe(42);
  });

  it('rejects what is not a duration with a coded error', () => {
    for (const bad of ['', 'soon', '5 parsecs', '1h-2m', -5, Number.NaN, '10mm']) {
      let caught: unknown;
      try {
        parseDuration(bad, '--duration');
      } catch (error) {
        caught = error;
      }
      expect(isBeamulatorError(caught)).toBe(true);
      expect((caught as Error).message).toMatch(/^cannot read --duration '.*': not a duration\. Use/);
    }
  });

  it('formats compactly and round-trips', () => {
    expect(formatDuration(5_400_000)).toBe('1h30m');
    expect(formatDuration(250)).toBe('250ms');
    expect(formatDuration(0)).toBe('0ms');
    expect(formatDuration(90_061_001)).toBe('1d1h1m1s1ms');
    for (const ms of [1, 999, 1000, 61_000, 3_600_001, 86_400_000 * 3 + 5]) expect(parseDuration(formatDuration(ms))).toBe(ms);
  });
});

describe('toJson', () => {
  it('stores anything without throwing', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(toJson({ u: undefined, b: 10n, d: new Date(0), m: new Map([['k', 1]]), s: new Set([1]), e: new Error('x'), f: () => 1, n: Number.NaN, cyclic }))
      .toEqual({ b: '10', d: '1970-01-01T00:00:00.000Z', m: { k: 1 }, s: [1], e: { name: 'Error', message: 'x' }, n: 'NaN', cyclic: { a: 1, self: '[circular]' } });
  });
});
