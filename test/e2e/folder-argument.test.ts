import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { root, runCli, tempDir } from '../support/cli.ts';

describe('a folder as the file argument', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('run: the only *.sim.ts inside it (at any depth) is run', async () => {
    const r = await runCli(['run', 'examples/booking', '--db', ':memory:', '--duration', '1m', '--json']);
    expect(r.stderr).not.toMatch(/cannot/);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).file).toBe(path.join('examples', 'booking', 'booking.sim.ts'));
  });

  it('run: several candidates are listed, none is an error naming what was looked for; exit 2 either way', async () => {
    // examples/ holds the bundled examples (booking; todo, todo seeded from a running app, and todo with browser actors): a folder that is ambiguous to the user too.
    const examples = await runCli(['run', 'examples', '--db', ':memory:']);
    expect(examples.code).toBe(2);
    expect(examples.stderr).toMatch(/^beamulator: cannot choose a simulation in examples: it holds 4 \(examples\/booking\/booking\.sim\.ts, examples\/todo\/seeded\.sim\.ts, examples\/todo\/todo-ui\.sim\.ts, examples\/todo\/todo\.sim\.ts\)\. Pass the file you mean\n$/);
    const several = await runCli(['run', 'test/e2e/sims', '--db', ':memory:']);
    expect(several.code).toBe(2);
    expect(several.stderr).toMatch(/^beamulator: cannot choose a simulation in test\/e2e\/sims: it holds \d+ \(test\/e2e\/sims\/crashing\.sim\.ts, .*test\/e2e\/sims\/notes\.sim\.ts.*\)\. Pass the file you mean\n$/);
    const none = await runCli(['run', 'src/util', '--db', ':memory:']);
    expect(none.code).toBe(2);
    expect(none.stderr).toBe('beamulator: cannot load a simulation from src/util: the folder holds no *.sim.ts file. Pass a simulation file, or a folder that holds one\n');
  });

  it('fuzz: a folder stands for every fuzz target inside it', async () => {
    mkdirSync(path.join(tmp.dir, 'fuzz'));
    for (const name of ['a', 'b']) {
      writeFileSync(path.join(tmp.dir, 'fuzz', `${name}.fuzz.ts`), `import { defineBehavior, defineFuzzTarget, defineSimulation } from '${path.join(root, 'dist/index.js')}';
const idle = defineBehavior({ name: 'Idle', initialState: {}, act: (ctx) => ctx.stop() });
export default defineFuzzTarget({ name: '${name}', simulation: defineSimulation({ name: '${name}', population: [{ behavior: idle, count: 1 }], target: { start: () => ({ url: 'http://127.0.0.1:9' }) } }) });
`);
    }
    const r = await runCli(['fuzz', path.join(tmp.dir, 'fuzz'), '--runs', '2', '--db', ':memory:'], { cwd: tmp.dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/2 targets: 0 failed, 2 passed\n\s+fuzz\/a\.fuzz\.ts\s+passed\n\s+fuzz\/b\.fuzz\.ts\s+passed/);
  });
});
