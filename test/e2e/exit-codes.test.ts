// The exit codes are documented in one place (docs/exit-codes.md), listed by --help and the
// README; and beamulator never ends with Node's own code 13 (an unsettled top-level await).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { ExitCode } from '../../src/util/errors.ts';
import { root, runCli, tempDir } from '../support/cli.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const codes = Object.values(ExitCode);

it('docs/exit-codes.md has a row for every exit code, --help and the README list each and point there', async () => {
  const doc = readFileSync(path.join(root, 'docs/exit-codes.md'), 'utf8');
  const rows = [...doc.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
  expect(rows).toEqual(codes);
  const help = (await runCli(['--help'])).stdout;
  expect(help).toContain('docs/exit-codes.md');
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const inShort = /\(docs\/exit-codes\.md\)\.\nIn short: ([^]*?)\n\n/.exec(readme)?.[1] ?? '';
  for (const code of codes) {
    expect(help).toMatch(new RegExp(`(^|\\s)${code} \\S`, 'm'));
    expect(inShort).toMatch(new RegExp(`(^|\\s)${code} \\S`));
  }
});

it('a command left waiting on a promise that can never settle exits 70 with one line, never 13', async () => {
  const sim = path.join(tmp.dir, 'hang.sim.mjs');
  writeFileSync(sim, `import { defineBehavior, defineSimulation, STOP } from '${path.join(root, 'dist/index.js')}';
const b = defineBehavior({ name: 'B', initialState: undefined, act: () => STOP });
export default defineSimulation({ name: 'hang', population: [{ behavior: b, count: 1 }], target: { start: () => new Promise(() => {}) } });
`);
  const r = await runCli(['run', sim, '--db', ':memory:']);
  expect(r.code).toBe(70);
  expect(r.stderr).toMatch(/^beamulator: cannot finish: the command was left waiting on a promise that can never settle .*\n$/);
  expect(r.stderr).not.toMatch(/top-level await|Warning/);
});
