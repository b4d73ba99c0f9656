/** A run that stopped before its end replays to where it stopped, not over its whole configured duration. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, readRunBundle, replayRun, runSimulation, type ReplaySource, type RunOptions } from 'beamulator';
import todo from '../../examples/todo/todo.sim.ts';
import { startTodoApp, type TodoApp } from '../../fixtures/todo-app/server.ts';
import { formatReplayReport } from '../../src/replay/format-report.ts';

let app: TodoApp;
beforeAll(async () => {
  app = await startTodoApp();
});
afterAll(() => app.stop());

async function record(options: RunOptions): Promise<ReplaySource> {
  const store = await openStore(':memory:');
  try {
    app.reset();
    const { runId } = await runSimulation(todo, { seed: 12, duration: '24h', target: app.url, ...options, db: store });
    return await readRunBundle(store, runId);
  } finally {
    await store.close();
  }
}

describe('replay of a run that stopped early', () => {
  it('interrupted (Ctrl-C: an aborted signal) after 25 actions: the rerun stops there and is identical, again and again', async () => {
    for (let i = 0; i < 5; i++) await interruptedReplay();
  });

  async function interruptedReplay() {
    const stop = new AbortController();
    let n = 0;
    const source = await record({ signal: stop.signal, hooks: { onAction: () => void (++n >= 25 && stop.abort()) } });
    expect(source.run).toMatchObject({ status: 'stopped', stopReason: 'interrupted' });
    const report = await replayRun(source, { simulation: todo, target: app.url, db: false });
    expect(report).toMatchObject({ identical: true, compared: source.actions.length, stoppedEarly: { reason: 'interrupted', actions: source.actions.length } });
    expect(formatReplayReport(report, source.actors, false)).toContain(`the original stopped early (interrupted) after ${source.actions.length} actions: the replay stopped there too`);
  }

  it('stopped by --max-wall-time: identical', async () => {
    const source = await record({ maxWallTime: 1, concurrency: 3, overlapWindow: '5m' });
    expect(source.run.stopReason).toBe('max-wall-time');
    const report = await replayRun(source, { simulation: todo, target: app.url, db: false });
    expect(report).toMatchObject({ identical: true, compared: source.actions.length });
  });

  it('killed mid-step (abandoned, its log cut inside a turn): identical up to the cut, the rest counted, not compared', async () => {
    const full = await record({ duration: '3h' });
    const cut = full.actions.findIndex((a, i) => i > 10 && a.step === full.actions[i - 1]!.step);
    expect(cut).toBeGreaterThan(10);
    const killed: ReplaySource = { ...full, run: { ...full.run, status: 'abandoned', stopReason: null }, actions: full.actions.slice(0, cut), exchanges: full.exchanges.filter((e) => e.actionSeq < cut) };
    for (const mode of ['rerun', 'log'] as const) {
      const report = await (app.reset(), replayRun(killed, { mode, simulation: todo, target: app.url, db: false }));
      expect(report, mode).toMatchObject({ identical: true, compared: cut });
      if (mode === 'rerun') expect(report.stoppedEarly!.beyondCut).toBeGreaterThan(0);
    }
  });
});
