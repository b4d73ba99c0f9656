import { rmSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkReplayFile, runSimulation, type TestRun } from 'beamulator/vitest';
import { openInstanceCount } from '../../src/store/instance-cache.ts';
import todo from '../../examples/todo/todo.sim.ts';
import { startTodoApp } from '../../fixtures/todo-app/server.ts';
import { activeResources, exampleFile, extraResources } from './helpers.ts';

// Same method as no-leaks.test.ts (libuv handles/requests and ref'd timers by kind), with one
// difference: a replay against a started target resolves as soon as the target's stop() and the
// HTTP client's close() have resolved, and libuv drops a closed handle from its list in the close
// phase of a later loop turn (2 turns here). So the count is taken after at most 10 loop turns
// (setImmediate: no wall-clock wait). A server or socket that was never closed is still listed then.
async function settledResources(before: Map<string, number>): Promise<string[]> {
  for (let turn = 0; turn < 10; turn++) {
    if (extraResources(before, activeResources()).length === 0) return [];
    await new Promise((resolve) => setImmediate(resolve));
  }
  return extraResources(before, activeResources());
}

describe('replays leave nothing behind', () => {
  let run: TestRun;
  beforeAll(async () => {
    run = await runSimulation(todo, { seed: 11, duration: '1h', file: exampleFile });
    await expect(run).toReplayIdentically({ offline: true }); // warm-up
  });

  it('toReplayIdentically against the target the simulation starts again: no extra handles', async () => {
    const before = activeResources();
    await expect(run).toReplayIdentically();
    expect(await settledResources(before)).toEqual([]);
  });

  it('the settled count still sees a server that is left open', async () => {
    const before = activeResources();
    const app = await startTodoApp();
    try {
      expect((await settledResources(before)).join(' ')).toMatch(/TCPServerWrap \+1/);
    } finally {
      await app.stop();
    }
  });

  it('toReplayIdentically of a kept run (the replay is recorded in its file): no extra handles, no open DuckDB file', async () => {
    const kept = await runSimulation(todo, { seed: 11, duration: '1h', file: exampleFile, keep: true });
    try {
      const before = activeResources();
      await expect(kept).toReplayIdentically({ offline: true });
      expect(await settledResources(before)).toEqual([]);
      expect(openInstanceCount()).toBe(0);
    } finally {
      rmSync(path.dirname(kept.db!), { recursive: true, force: true });
    }
  });

  it('checkReplayFile, offline and against a started target: no extra handles', async () => {
    const before = activeResources();
    expect((await checkReplayFile('replays/todo-example.json')).pass).toBe(true);
    expect((await checkReplayFile('replays/todo-example.json', { offline: false, mode: 'log' })).report).not.toBeNull();
    expect(await settledResources(before)).toEqual([]);
  });
});

