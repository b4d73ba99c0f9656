import { describe, expect, it } from 'vitest';
import { defineSimulation, fuzz } from 'beamulator';
import { defineFuzzTarget } from 'beamulator';
import { readYourWrites, type EntityModel } from '../../src/checkers/index.ts';
import type { Json } from '../../src/store/records.ts';
import { actions, type Todo } from '../../examples/todo/actions.ts';
import { organizer, procrastinator } from '../../examples/todo/behaviors.ts';
import { startTodoApp } from '../../fixtures/todo-app/server.ts';
import { noTimeCap } from '../support/no-time-cap.ts';

const todos: EntityModel = {
  writes: { completeTodo: (args: { id: string }) => ({ key: args.id, fields: { completed: true } }) },
  reads: {
    listTodos: (_args, list: Todo[]) => list.map((t) => [t.id, t as unknown as Json] as const),
    getTodo: (_args, todo: Todo) => [[todo.id, todo as unknown as Json] as const],
  },
  deletes: { deleteTodo: (args: { id: string }) => args.id },
};

describe('checkers under fuzzing', () => {
  it('a checker complaint fails a fuzz run, and fast-check shrinks it (stale read, read-your-writes)', async () => {
    const sim = defineSimulation({
      name: 'todo-ryw', actions, behaviors: [organizer, procrastinator], population: [{ behavior: organizer, config: { team: 'red' } }],
      checkers: [readYourWrites(todos)],
    });
    const target = defineFuzzTarget({
      name: 'todo-ryw', simulation: sim, behaviors: ['Organizer', 'Procrastinator'], configs: [{ team: 'red' }], maxActors: 2, maxTurns: 12, duration: '24h',
      failWhen: (c) => c.trigger === 'checker:read-your-writes',
      target: { start: async () => { const app = await startTodoApp({ bugs: ['stale-read'] }); return { url: app.url, stop: () => app.stop(), reset: () => app.reset() }; } },
    });
    const result = await fuzz(target, { seed: 1, runs: 300, shrinkRuns: 250, ...noTimeCap, db: false, replaysDir: false });
    expect(result.found).toBe(true);
    expect(result.complaint).toMatchObject({ trigger: 'checker:read-your-writes', detail: { checker: 'read-your-writes', field: 'completed', written: true, shown: false } });
    // The shrunk run (seed 1: 2 actors, 12 actions) points at the completion and the stale list read.
    const log = result.actions.map((a) => `${a.actorId}:${a.action}`);
    const { write, read } = (result.complaint!.detail as { actions: { write: number; read: number } }).actions;
    expect(result.actions.find((a) => a.seq === write)?.action).toBe('completeTodo');
    expect(result.actions.find((a) => a.seq === read)?.action).toBe('listTodos');
    expect(log.length).toBeLessThanOrEqual(12);
  }, 120_000);
});
