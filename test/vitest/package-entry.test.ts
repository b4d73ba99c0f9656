import { expect, it } from 'vitest';
// The specifier users write: resolved through package.json "exports" (package self-reference).
import { runSimulation, setupMatchers } from 'beamulator/vitest';
import * as direct from '../../src/vitest/index.ts';

it("'beamulator/vitest' resolves to src/vitest/index.ts", () => {
  expect(runSimulation).toBe(direct.runSimulation);
  expect(setupMatchers).toBe(direct.setupMatchers);
});

it("'beamulator' resolves to src/index.ts: one instance with the modules tests import by path", async () => {
  const root = await import('beamulator');
  const direct = await import('../../src/index.ts');
  expect(root.runSimulation).toBe(direct.runSimulation);
  expect(root.BeamulatorError).toBe(direct.BeamulatorError);
});
