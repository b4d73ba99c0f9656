/** `beamulator fuzz --max-actors / --max-turns / --overlap / --no-overlap`, through the command function with a captured Output. */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { fuzzCommand, registerFuzzCommand, type FuzzCommandOptions } from '../../src/cli/fuzz-command.ts';
import { campaignSettings } from '../../src/fuzz/fuzz.ts';
import staleRead from '../../fuzz/stale-read.fuzz.ts';
import bugsOff from '../../fuzz/bugs-off.fuzz.ts';
import { tempDir } from '../support/cli.ts';
import { noTimeLimit } from '../support/no-time-cap.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function captured() {
  const o = { text: '', out: (t: string) => { o.text += t; }, err: () => {}, isTTY: false, color: false, errColor: false };
  return o;
}

const base = (extra: Partial<FuzzCommandOptions>): FuzzCommandOptions => ({
  // No fresh-process reproduction: these tests are about the campaign's bounds (test/fuzz/reproduce.test.ts covers it).
  runs: '60', seed: '1', timeLimit: noTimeLimit, db: path.join(tmp.dir, 'cli.duckdb'), replays: path.join(tmp.dir, 'replays'), reproduce: '0', ...extra,
});

describe('fuzz campaign overrides', () => {
  it('campaignSettings applies maxActors, maxTurns and overlap over the target, and rejects bad values', () => {
    expect(campaignSettings(staleRead)).toEqual(staleRead.fuzz);
    expect(campaignSettings(staleRead, { maxActors: 1, maxTurns: 4, overlap: true })).toMatchObject({ maxActors: 1, maxTurns: 4, overlap: true, name: 'stale-read' });
    expect(campaignSettings(bugsOff, { overlap: false }).overlap).toBe(false);
    expect(() => campaignSettings(staleRead, { maxActors: 0 })).toThrow(/maxActors 0/);
    expect(() => campaignSettings(staleRead, { maxTurns: 1.5 })).toThrow(/maxTurns 1.5/);
  });

  it('rejects bad --max-actors / --max-turns / --confirm / --reproduce with a clear error before starting anything', async () => {
    const bad = [
      ['--max-actors', 'maxActors', '0', 1], ['--max-actors', 'maxActors', 'two', 1], ['--max-turns', 'maxTurns', '2.5', 1], ['--max-turns', 'maxTurns', '', 1],
      ['--confirm', 'confirm', '0', 1], ['--reproduce', 'reproduce', '-1', 0],
    ] as const;
    for (const [flag, key, value, min] of bad) {
      await expect(fuzzCommand('fuzz/stale-read.fuzz.ts', base({ [key]: value }), captured())).rejects.toThrow(`cannot fuzz with ${flag} ${value}. Use a whole number >= ${min}`);
    }
  });

  it('--max-turns bounds the search: stale-read needs 6 Organizer turns, so 3 turns find nothing', async () => {
    const output = captured();
    const code = await fuzzCommand('fuzz/stale-read.fuzz.ts', base({ maxActors: '1', maxTurns: '3' }), output);
    expect(code).toBe(0);
    expect(output.text).toContain('(max-actors 1, max-turns 3, overlap off)');
    expect(output.text).toContain('passed  60 runs without a failure');
  });

  it('the flags are wired into the command (commander: --no-overlap turns off the overlap bugs-off asks for)', async () => {
    const output = captured();
    let code = -1;
    const program = new Command().exitOverride();
    registerFuzzCommand(program, output, (c) => (code = c));
    await program.parseAsync(['fuzz', 'fuzz/bugs-off.fuzz.ts', '--no-overlap', '--max-actors', '2', '--max-turns', '4', '--runs', '20', '--seed', '1', '--time-limit', noTimeLimit, '--db', path.join(tmp.dir, 'cli.duckdb')], { from: 'user' });
    expect(code).toBe(0);
    expect(bugsOff.fuzz.overlap).toBe(true);
    expect(output.text).toContain('(max-actors 2, max-turns 4, overlap off)');
    expect(output.text).toContain('passed  20 runs without a failure');
  });

  it('--overlap / --no-overlap override the target (the shrunk spec says which)', async () => {
    for (const overlap of [true, false]) {
      const output = captured();
      const code = await fuzzCommand('fuzz/stale-read.fuzz.ts', base({ runs: '300', json: true, overlap, maxActors: '1' }), output);
      expect(code).toBe(1);
      const [result] = JSON.parse(output.text) as Array<{ found: boolean; spec: { overlap: boolean; actors: unknown[] } }>;
      expect(result).toMatchObject({ found: true, spec: { overlap } });
      expect(result!.spec.actors).toHaveLength(1);
    }
  });

  it('several target files run in order and end with one summary line per target', async () => {
    const output = captured();
    const code = await fuzzCommand(['fuzz/bugs-off.fuzz.ts', 'fuzz/stale-read.fuzz.ts'], base({ runs: '20', reproduce: '0' }), output);
    expect(code).toBe(1);
    expect(output.text.indexOf('fuzz bugs-off')).toBeLessThan(output.text.indexOf('fuzz stale-read'));
    const summary = output.text.slice(output.text.indexOf('2 targets: 1 failed, 1 passed'));
    expect(summary).toMatch(/^2 targets: 1 failed, 1 passed\n {2}fuzz\/bugs-off\.fuzz\.ts {4}passed\n {2}fuzz\/stale-read\.fuzz\.ts {2}FAILED {2}\d+ actions {2}\S+stale-read-\S+\.json\n$/);
  });
});

