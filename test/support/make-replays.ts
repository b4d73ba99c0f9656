/**
 * (Re)generates the committed replay files of the bundled example:
 *
 *   node --import tsx test/support/make-replays.ts
 *
 * - replays/todo-example.json     the example, bugs off, seed 42, 2h: no complaints
 * - replays/todo-stale-read.json  the same against the app with the `stale-read` bug: urgent complaints
 *
 * test/replays.test.ts replays every file of replays/ (offline) on each `npm test`. Regenerate
 * them when the example's behaviors or actions change on purpose (a replay then diverges).
 * The committed ones predate run parameters (no `run.params`): they also keep such files
 * replaying; regenerated ones carry the run's parameters.
 */
import { runSimulation } from '../../src/engine/run-simulation.ts';
import { readRunBundle, writeReplayFile, type ReplayBundle } from '../../src/replay/replay-file.ts';
import { openStore } from '../../src/store/duckdb-store.ts';
import todo from '../../examples/todo/todo.sim.ts';

export const exampleFile = 'examples/todo/todo.sim.ts';
export const replayFiles = { example: 'replays/todo-example.json', staleRead: 'replays/todo-stale-read.json' } as const;

/** Records the example (the simulation starts the bundled app itself, bugs off) and returns its bundle. */
export async function recordExample(): Promise<ReplayBundle> {
  const store = await openStore(':memory:');
  try {
    const result = await runSimulation(todo, { seed: 42, duration: '2h', db: store, file: exampleFile });
    return await readRunBundle(store, result.runId);
  } finally {
    await store.close();
  }
}

/** Records the example with its `bugs` parameter switching the stale-read bug on. */
export async function recordStaleRead(): Promise<ReplayBundle> {
  const store = await openStore(':memory:');
  try {
    const result = await runSimulation(todo, { seed: 42, duration: '2h', db: store, file: exampleFile, params: { bugs: ['stale-read'] } });
    return await readRunBundle(store, result.runId);
  } finally {
    await store.close();
  }
}

async function main(): Promise<void> {
  for (const [file, record] of [[replayFiles.example, recordExample], [replayFiles.staleRead, recordStaleRead]] as const) {
    const bundle = await record();
    await writeReplayFile(bundle, file);
    console.log(`${file}: run ${bundle.run.runId}, ${bundle.actions.length} actions, ${bundle.complaints.length} complaints, ${bundle.exchanges.length} exchanges`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
