import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSimulation, type RunOptions } from 'beamulator';
import type { ComplaintRecord } from '../../src/store/records.ts';
import todo from '../../examples/todo/todo.sim.ts';
import { startTodoApp, type TodoApp } from '../../fixtures/todo-app/server.ts';
import type { BugName } from '../../fixtures/todo-app/bugs.ts';

let app: TodoApp;
beforeAll(async () => {
  // The runs share this process with the app: its lost-update window counts event-loop turns, so
  // which overlapping PATCHes race does not depend on how busy the machine is (see RaceWindow).
  app = await startTodoApp({ lostUpdateWindow: { turns: 20 } });
});
afterAll(() => app.stop());

/** Runs the example against the shared app with the given bugs on; returns its complaint messages. */
async function complaintsWith(bugs: BugName[], options: RunOptions = {}): Promise<string[]> {
  app.reset();
  app.setBugs(bugs);
  const complaints: ComplaintRecord[] = [];
  await runSimulation(todo, { db: false, target: app.url, duration: '8h', ...options, hooks: { onComplaint: (c) => complaints.push(c) } });
  return [...new Set(complaints.map((c) => c.message))];
}

const overlap: RunOptions = { concurrency: 4, overlapWindow: '10m' };

describe("the example's complaints catch each planted bug", () => {
  it('stays silent with every bug off, serial and with overlap, over several seeds', async () => {
    for (const seed of [1, 2, 3]) {
      expect(await complaintsWith([], { seed })).toEqual([]);
      expect(await complaintsWith([], { seed, ...overlap })).toEqual([]);
    }
  });

  it('catches the stale read (read-your-writes)', async () => {
    expect(await complaintsWith(['stale-read'], { seed: 1 })).toEqual(['the list shows a todo I completed as incomplete (stale read)']);
  });

  it('catches the tenant leak', async () => {
    expect(await complaintsWith(['tenant-leak'], { seed: 1 })).toEqual(["I can see another team's todo (tenant leak)"]);
  });

  it('catches the lost update when writes overlap, and not when they run one after another', async () => {
    const found = await complaintsWith(['lost-update'], { seed: 1, duration: '24h', ...overlap });
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((m) => m.includes('(lost update)'))).toBe(true);
    expect(await complaintsWith(['lost-update'], { seed: 1, duration: '24h' })).toEqual([]);
  });
});
