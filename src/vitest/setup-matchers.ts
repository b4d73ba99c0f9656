import { expect } from 'vitest';
import { beamulatorMatchers } from './matchers.ts';

/**
 * Registers the beamulator matchers on vitest's `expect`. Importing `beamulator/vitest` already
 * does it; call it yourself (in a `setupFiles` entry, say) when the matchers are used in test files
 * that never import `beamulator/vitest`. Calling it again is harmless.
 *
 * @example
 * // vitest.setup.ts, listed in test.setupFiles
 * import { setupMatchers } from 'beamulator/vitest';
 * setupMatchers();
 */
export function setupMatchers(): void {
  expect.extend(beamulatorMatchers);
}
