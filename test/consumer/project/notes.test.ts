import { expect, test } from 'vitest';
import { runSimulation } from 'beamulator/vitest';
import notes from './notes.sim.js';

test('two writers for two hours: no complaints', async () => {
  const run = await runSimulation(notes, { seed: 1 });
  expect(run).toHaveNoComplaints();
  expect(run).toHaveOutcomes({ ok: run.summary.actions });
});
