import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSimulation, runSimulation, type RunOptions } from 'beamulator';
import { lostUpdate, monotonicReads, readYourWrites, type EntityModel, type Invariant } from '../../src/checkers/index.ts';
import type { ComplaintRecord, Json } from '../../src/store/records.ts';
import { actions, type Todo } from '../../examples/todo/actions.ts';
import { organizer, procrastinator, type TeamConfig } from '../../examples/todo/behaviors.ts';
import { startTodoApp, type TodoApp } from '../../fixtures/todo-app/server.ts';
import type { BugName } from '../../fixtures/todo-app/bugs.ts';

/** How the todo app's actions read and write todos. */
const todos: EntityModel = {
  writes: {
    completeTodo: (args: { id: string }) => ({ key: args.id, fields: { completed: true } }),
    renameTodo: (args: { id: string; title: string }) => ({ key: args.id, fields: { title: args.title } }),
  },
  reads: {
    listTodos: (_args, list: Todo[]) => list.map((t) => [t.id, t as unknown as Json] as const),
    getTodo: (_args, todo: Todo) => [[todo.id, todo as unknown as Json] as const],
  },
  deletes: { deleteTodo: (args: { id: string }) => args.id },
};

const teams = ['red', 'blue', 'green'];
const population = [
  { behavior: organizer, count: 3, config: (i: number): TeamConfig => ({ team: teams[i % 3]! }), start: { jitter: '5m' } },
  { behavior: procrastinator, count: 6, config: (i: number): TeamConfig => ({ team: teams[i % 3]! }), start: { rampUp: '30m', jitter: '5m' } },
];

const checkers = [
  readYourWrites(todos),
  monotonicReads({ reads: todos.reads, deletes: todos.deletes!, version: (t: Todo) => t.version }),
  lostUpdate(todos),
];

/** The example's actions and behaviors, with the built-in checkers (and any invariants). */
function todoSim(invariants: Invariant[] = []) {
  return defineSimulation({ name: 'todo-checked', actions, behaviors: [organizer, procrastinator], population, checkers, invariants, duration: '8h' });
}

let app: TodoApp;
beforeAll(async () => {
  // The runs share this process with the app: its lost-update window counts event-loop turns, so
  // which overlapping PATCHes race does not depend on how busy the machine is (see RaceWindow).
  app = await startTodoApp({ lostUpdateWindow: { turns: 20 } });
});
afterAll(() => app.stop());

async function run(bugs: BugName[], options: RunOptions, invariants: Invariant[] = []): Promise<ComplaintRecord[]> {
  app.reset();
  app.setBugs(bugs);
  const complaints: ComplaintRecord[] = [];
  await runSimulation(todoSim(invariants), { db: false, target: app.url, ...options, hooks: { onComplaint: (c) => complaints.push(c) } });
  return complaints;
}

const byCheckers = (complaints: ComplaintRecord[]) => complaints.filter((c) => c.trigger.startsWith('checker:'));
const triggers = (complaints: ComplaintRecord[]) => [...new Set(byCheckers(complaints).map((c) => c.trigger))].sort();
const overlap: RunOptions = { concurrency: 4, overlapWindow: '10m' };

describe('the built-in checkers on the todo app', () => {
  it('stay silent with every bug off, serial and overlapped, over several seeds', async () => {
    for (const seed of [1, 2, 3]) {
      expect(byCheckers(await run([], { seed }))).toEqual([]);
      expect(byCheckers(await run([], { seed, ...overlap, duration: '24h' }))).toEqual([]);
    }
  });

  it('read-your-writes catches the stale read, pointing at the write and the read', async () => {
    const complaints = byCheckers(await run(['stale-read'], { seed: 1 }));
    const ryw = complaints.filter((c) => c.trigger === 'checker:read-your-writes');
    expect(ryw.length).toBeGreaterThan(0);
    const first = ryw[0]!;
    expect(first.severity).toBe('urgent');
    const detail = first.detail as { checker: string; actions: { write: number; read: number }; key: string };
    expect(detail.checker).toBe('read-your-writes');
    expect(detail.actions.read).toBe(first.actionSeq);
    expect(detail.actions.write).toBeLessThan(detail.actions.read);
    // The stale list is not a lost update (no overlapping writes): that checker stays silent.
    expect(triggers(complaints)).not.toContain('checker:lost-update');
    // The stale list also shows an older version than the actor saw before.
    expect(triggers(complaints)).toEqual(['checker:monotonic-reads', 'checker:read-your-writes']);
  });

  it('lost-update catches the lost update when writes overlap, and not when they run serially', async () => {
    const complaints = byCheckers(await run(['lost-update'], { seed: 1, duration: '24h', ...overlap }));
    const lost = complaints.filter((c) => c.trigger === 'checker:lost-update');
    expect(lost.length).toBeGreaterThan(0);
    const detail = lost[0]!.detail as { actions: { write: number; overlapping: number[]; read: number } };
    expect(detail.actions.overlapping.length).toBeGreaterThan(0);
    expect(lost[0]!.detail).toMatchObject({ checker: 'lost-update', field: 'completed', written: [true], shown: false });
    expect(triggers(complaints)).toEqual(['checker:lost-update']);
    expect(detail.actions.read).toBe(lost[0]!.actionSeq);
    expect(byCheckers(await run(['lost-update'], { seed: 1, duration: '24h' }))).toEqual([]);
  });
});

describe('invariants', () => {
  it('a per-turn invariant fires once per actor when it breaks, and a true one stays silent', async () => {
    let actionsArray: unknown = null;
    let sameArray = true;
    const registered: Invariant = {
      name: 'registered after a turn',
      every: 'turn',
      check: (view) => ((view.actor!.state as { registered: boolean }).registered ? null : `${view.actor!.name} is not registered`),
    };
    const busy: Invariant = {
      name: 'at most 10 actions per actor',
      every: 'turn',
      severity: 'annoying',
      check: (view) => {
        actionsArray ??= view.actions;
        sameArray &&= actionsArray === view.actions;
        const mine = view.actions.filter((a) => a.actorId === view.actor!.id).length;
        return mine > 10 ? `${view.actor!.name} did ${mine} actions` : null;
      },
    };
    const complaints = await run([], { seed: 1 }, [registered, busy]);
    expect(sameArray).toBe(true);
    expect(complaints.filter((c) => c.trigger === 'invariant:registered after a turn')).toEqual([]);
    const fired = complaints.filter((c) => c.trigger === 'invariant:at most 10 actions per actor');
    expect(fired.length).toBeGreaterThan(0);
    expect(new Set(fired.map((c) => c.actorId)).size).toBe(fired.length); // once per actor: it never holds again
    expect(fired[0]).toMatchObject({ severity: 'annoying', detail: { invariant: 'at most 10 actions per actor', every: 'turn' } });
    expect(fired[0]!.message).toMatch(/did 1[12] actions$/);
  });

  it('an end invariant is checked once, when the run ends', async () => {
    let calls = 0;
    const fewActions: Invariant = { name: 'fewer than 50 actions', check: (view) => (calls++, view.actions.length < 50 ? null : `${view.actions.length} actions`) };
    const noCrash: Invariant = { name: 'no action crashed', every: 'end', check: (view) => (view.actions.some((a) => a.outcome === 'crash') ? 'a crash' : null) };
    const complaints = await run([], { seed: 1 }, [fewActions, noCrash]);
    expect(calls).toBe(1);
    expect(complaints.filter((c) => c.trigger === 'invariant:no action crashed')).toEqual([]);
    const fired = complaints.filter((c) => c.trigger === 'invariant:fewer than 50 actions');
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({ actionSeq: null, severity: 'urgent', detail: { invariant: 'fewer than 50 actions', every: 'end' } });
  });
});
