import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSimulation, type TestRun } from 'beamulator/vitest';
import todo from '../../examples/todo/todo.sim.ts';
import { startTodoApp, type TodoApp } from '../../fixtures/todo-app/server.ts';
import { exampleFile, failureOf, withEnv } from './helpers.ts';

const staleRead = 'the list shows a todo I completed as incomplete (stale read)';

/** What every failure message must show: the run id, the seed and the reproduce command. */
function expectFooter(message: string, run: TestRun): void {
  expect(message).toContain(`run        ${run.runId} (simulation todo)`);
  expect(message).toContain(`seed       ${run.seed}`);
  expect(message).toContain(`reproduce  ${run.reproduce}`);
  expect(message).toContain('rerun      ');
  expect(message).toContain('test/vitest/failure-messages.test.ts');
}

describe('failure messages of the matchers', () => {
  let app: TodoApp;
  let buggy: TestRun;
  let clean: TestRun;
  beforeAll(async () => {
    app = await startTodoApp({ bugs: ['stale-read'] });
    buggy = await runSimulation(todo, { seed: 1, duration: '8h', target: app.url, file: exampleFile });
    app.setBugs([]);
    app.reset();
    clean = await runSimulation(todo, { seed: 1, duration: '2h', target: app.url, file: exampleFile });
  });
  afterAll(() => app.stop());

  it('toHaveNoComplaints lists the complaints (severity, message, actor, sim time, action) with run id, seed, reproduce', () => {
    expect(() => expect(buggy).toHaveNoComplaints()).toThrow(/expected run to have no complaints, but it has \d+:/);
    const message = failureOf(() => expect(buggy).toHaveNoComplaints({ severity: 'urgent' }));
    const count = buggy.complaints.length;
    expect(message).toContain(`expected run to have no complaints at or above 'urgent', but it has ${count}:`);
    const first = buggy.complaints[0]!;
    const actor = buggy.actors.find((a) => a.actorId === first.actorId)!.name;
    expect(message).toMatch(new RegExp(`urgent +${escape(staleRead)} +\\(${escape(actor)} at \\d+:\\d\\d:\\d\\d, action #${first.actionSeq}; ${count}x\\)`));
    expectFooter(message, buggy);
    expect(message).toContain(`--seed 1 --duration 8h --param bugs= --param teams=3 --target ${app.url}`);
    expect(message).toContain('seed       1 (from options.seed)');
    expect(message).toContain('the run was recorded in memory only; set BEAMULATOR_KEEP_RUNS=1');
    expect(message).toContain(`note       the run used the target at ${app.url}`);
  });

  it('toHaveNoComplaints with .not says there were none', () => {
    const message = failureOf(() => expect(clean).not.toHaveNoComplaints());
    expect(message).toContain('expected run to have complaints, but it has none');
    expectFooter(message, clean);
  });

  it('toHaveComplained says nothing matched and lists what there was', () => {
    const message = failureOf(() => expect(buggy).toHaveComplained(/tenant leak/));
    expect(message).toContain(`expected run to have complained /tenant leak/, but no complaint matched; it has ${buggy.complaints.length} complaints:`);
    expect(message).toContain(staleRead);
    expectFooter(message, buggy);
    const none = failureOf(() => expect(clean).toHaveComplained('stale read', { severity: 'annoying' }));
    expect(none).toContain(`expected run to have complained "stale read" at or above 'annoying', but no complaint matched; it has 0 complaints\n`);
    expectFooter(none, clean);
  });

  it('toHaveComplained with .not lists the complaints that matched', () => {
    const message = failureOf(() => expect(buggy).not.toHaveComplained(/stale read/));
    expect(message).toContain(`expected run not to have complained /stale read/, but it did ${buggy.complaints.length} times:`);
    expect(message).toContain(staleRead);
    expectFooter(message, buggy);
  });

  it('toSatisfyInvariant shows the reason: a returned string, false, or what it threw', () => {
    const reason = failureOf(() => expect(buggy).toSatisfyInvariant((r) => r.complaints.length === 0 || `${r.complaints.length} complaints`));
    expect(reason).toContain(`expected run to satisfy the invariant, but it did not: ${buggy.complaints.length} complaints`);
    expectFooter(reason, buggy);
    const noComplaints = (r: TestRun) => r.complaints.length === 0;
    expect(failureOf(() => expect(buggy).toSatisfyInvariant(noComplaints))).toContain('expected run to satisfy invariant "noComplaints", but it did not: it returned false');
    // The shape every invariant may return: a message and a detail.
    expect(failureOf(() => expect(buggy).toSatisfyInvariant((r) => ({ message: 'complaints', detail: { n: r.complaints.length } }), 'none')))
      .toContain(`expected run to satisfy invariant "none", but it did not: complaints {"n":${buggy.complaints.length}}`);
    const threw = failureOf(() => expect(buggy).toSatisfyInvariant(() => {
      expect(1).toBe(2);
    }, 'one is two'));
    expect(threw).toMatch(/expected run to satisfy invariant "one is two", but it did not: it threw: expected 1 to be 2/);
    expectFooter(threw, buggy);
    const not = failureOf(() => expect(clean).not.toSatisfyInvariant(() => true, 'anything'));
    expect(not).toContain('expected run not to satisfy invariant "anything", but it did');
    expectFooter(not, clean);
  });

  it('toHaveOutcomes shows the counts', () => {
    const { ok } = clean.summary.byOutcome;
    const message = failureOf(() => expect(clean).toHaveOutcomes({ ok: 0, crash: 0 }));
    expect(message).toContain(`expected run to have outcomes ok 0, crash 0, but it has ok ${ok}, crash 0`);
    expectFooter(message, clean);
  });

  it('a random seed comes with the way to pin it', async () => {
    const run = await withEnv({ BEAMULATOR_SEED: undefined }, () => runSimulation(todo, { duration: '10m', file: exampleFile }));
    const message = failureOf(() => expect(run).toHaveOutcomes({ ok: 0 }));
    expect(message).toContain(`seed       ${run.seed} (random; pin it with BEAMULATOR_SEED=${run.seed})`);
    expect(message).toContain(`rerun      BEAMULATOR_SEED=${run.seed} npx vitest run test/vitest/failure-messages.test.ts`);
  });

  it('a kept run names its DuckDB file and the inspect command', async () => {
    const run = await runSimulation(todo, { seed: 2, duration: '10m', keep: true, file: exampleFile });
    rmSync(path.dirname(run.db!), { recursive: true, force: true });
    const message = failureOf(() => expect(run).toHaveComplained('anything'));
    expect(message).toContain(`inspect    npx beamulator show ${run.runId} --db ${run.db}`);
  });

  it('a value that is not a run is a usage error, and a forgotten await is named', () => {
    const pending = Promise.resolve(clean);
    expect(() => expect(pending).toHaveNoComplaints()).toThrow(/got a promise \(did you forget `await runSimulation\(\.\.\.\)`\?\)/);
    expect(() => expect({ runId: 'x' }).toHaveComplained('x')).toThrow(/toHaveComplained\(\): run must be what runSimulation/);
    expect(() => expect(clean).toHaveNoComplaints({ severity: 'fatal' as never })).toThrow(/severity must be one of urgent, annoying, justsayin/);
    expect(() => expect(clean).toHaveOutcomes({ crashes: 0 } as never)).toThrow(/unknown outcome 'crashes'/);
    expect(() => expect(clean).toSatisfyInvariant((() => Promise.resolve(true)) as never)).toThrow(/returned a promise; invariants are synchronous/);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
