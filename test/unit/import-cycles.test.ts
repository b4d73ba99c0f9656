/**
 * No import cycles in src/: layers point one way (util → clock, rng → store, connectors → actions
 * → engine → replay → fuzz → cli, vitest) and, inside a folder, a file's collaborators are named
 * by interfaces it owns (the engine implements ScheduledRun, TurnRun and InvariantRun), not by
 * importing the class that uses it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importCycles } from '../support/import-cycles.ts';

describe('import cycles', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'beamulator-cycles-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('are found through value, type-only and dynamic imports, across folders and in a file importing itself', () => {
    const write = (file: string, text: string) => {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), text);
    };
    write('a/engine.ts', "import { Actor } from './actor.ts';\nexport class Engine {}\n");
    write('a/actor.ts', "import type { Ctx } from '../b/ctx.ts';\nexport class Actor {}\n");
    write('b/ctx.ts', "export type Ctx = import('../a/engine.ts').Engine;\n");
    write('b/alone.ts', "import { Actor } from '../a/actor.ts';\nimport { x } from 'node:path';\n");
    write('c/self.ts', "export const load = () => import('./self.ts');\n");
    expect(importCycles(dir)).toEqual([['a/actor.ts', 'a/engine.ts', 'b/ctx.ts'], ['c/self.ts']]);
  });

  it('are none in src/', () => {
    expect(importCycles(path.resolve(import.meta.dirname, '../../src'))).toEqual([]);
  });
});
