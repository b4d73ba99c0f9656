/** `hostile` arbitraries: what they yield, and a fuzz campaign that finds a bug only they reach. */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzz, hostile } from 'beamulator';
import { TapeRng } from '../../src/rng/tape-rng.ts';
import { runCli, tempDir } from '../support/cli.ts';
import { noTimeCap } from '../support/no-time-cap.ts';
import tags, { loneSurrogate, tagsTarget } from './hostile/tags.fuzz.ts';

describe('hostile arbitraries', () => {
  it('hostile.string yields every kind of troublesome string, all of which survive JSON', () => {
    const strings = fc.sample(hostile.string(), { seed: 1, numRuns: 3000 });
    const share = (test: (s: string) => boolean) => strings.filter(test).length / strings.length;
    expect(share((s) => loneSurrogate.test(s))).toBeGreaterThan(0.05);
    expect(share((s) => s.includes('\u0000'))).toBeGreaterThan(0.005);
    expect(share((s) => s.normalize('NFC') !== s)).toBeGreaterThan(0.02);
    expect(share((s) => s.length >= 5000)).toBeGreaterThan(0.01);
    expect(share((s) => s.trim() === '')).toBeGreaterThan(0.02);
    expect(share((s) => /^[\x20-\x7e]{3,}$/.test(s))).toBeGreaterThan(0.1);
    for (const s of strings) expect(JSON.parse(JSON.stringify(s))).toBe(s);
  });

  it('hostile.integer and hostile.number hit the JSON and integer edges and are always finite', () => {
    const ints = fc.sample(hostile.integer(), { seed: 1, numRuns: 2000 });
    for (const edge of [2 ** 31, -(2 ** 31), 2 ** 53, Number.MAX_SAFE_INTEGER, 2 ** 63]) expect(ints).toContain(edge);
    expect(ints.every((n) => Number.isInteger(n))).toBe(true);
    const numbers = fc.sample(hostile.number(), { seed: 1, numRuns: 2000 });
    expect(numbers.some((n) => Object.is(n, -0))).toBe(true);
    expect(numbers).toContain(5e-324);
    expect(numbers.every((n) => Number.isFinite(n))).toBe(true);
  });

  it("draws the plainest value from a tape of zeros (where shrinking ends)", () => {
    expect(new TapeRng([[]]).draw(hostile.string())).toBe('');
    expect(new TapeRng([[]]).draw(hostile.integer())).toBe(0);
    expect(new TapeRng([[]]).draw(hostile.number())).toBe(0);
  });
});

describe('a campaign with hostile.string', () => {
  const options = { seed: 1, runs: 300, shrinkRuns: 400, ...noTimeCap, db: false, replaysDir: false } as const;

  it('finds the lone-surrogate bug and shrinks it to one add of a one-code-unit label, then the failing list', async () => {
    const result = await fuzz(tags, options);
    expect(result.found).toBe(true);
    expect(result.complaint?.message).toBe('listing my tags fails');
    const failing = result.actions.slice(0, result.failure!.actionsAtFailure);
    expect(failing.map((a) => a.action)).toEqual(['addTag', 'listTags']);
    const { label } = failing[0]!.args as { label: string };
    expect(label).toHaveLength(1);
    expect(label).toMatch(loneSurrogate);
  });

  it("does not find it with fast-check's own strings (binary units), which never hold a lone surrogate", async () => {
    expect(await fuzz(tagsTarget(fc.string({ unit: 'binary' })), options)).toMatchObject({ found: false, runs: 300 });
  });

  it('the exported replay file reproduces it in fresh processes, live and offline', async () => {
    const tmp = tempDir();
    try {
      const replays = path.join(tmp.dir, 'replays');
      const found = await runCli(['fuzz', 'test/fuzz/hostile/tags.fuzz.ts', '--seed', '1', '--runs', '300', '--db', path.join(tmp.dir, 'fuzz.duckdb'), '--replays', replays, '--reproduce', '1']);
      expect(found.code, found.stderr).toBe(1);
      expect(found.stdout).toContain('reproduces 1/1 from its replay file in fresh processes (1/1 identical)');
      expect(found.stdout).toContain('addTag({"label":"\\ud800"}) ok');
      // Every JSON the CLI prints parses in strict parsers (jq rejects a lone-surrogate escape): it shows as text.
      const shown = await runCli(['show', 'latest', '--db', path.join(tmp.dir, 'fuzz.duckdb'), '--json']);
      expect(shown.stdout).not.toMatch(/(?<!\\)(?:\\\\)*\\ud[89a-f][0-9a-f]{2}/);
      expect(JSON.parse(shown.stdout).actions[0].args.label).toBe('\\ud800');
      const [file] = readdirSync(replays);
      for (const mode of [[], [], ['--offline']]) {
        const replay = await runCli(['replay', path.join(replays, file!), '--db', path.join(tmp.dir, 'replay.duckdb'), ...mode]);
        expect(replay.code, replay.stdout + replay.stderr).toBe(0);
        expect(replay.stdout).toMatch(/: identical\n/);
        expect(replay.stdout).toContain('1 complaint raised again, as in the original (first: urgent: listing my tags fails)');
      }
    } finally {
      tmp.cleanup();
    }
  });
});
