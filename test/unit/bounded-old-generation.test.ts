import { describe, expect, it } from 'vitest';
import { boundOldGeneration } from '../../src/cli/bounded-old-generation.ts';

// Its effect on the heap is measured by bench/memory (old space of a recorded run ~65-80 -> ~30 MB).
describe('boundOldGeneration', () => {
  it('leaves a heap growing flag given to node alone', () => {
    expect(boundOldGeneration(['--heap-growing-percent=20'], '')).toBe(false);
    expect(boundOldGeneration([], '--max-old-space-size=512 --heap_growing_percent=20')).toBe(false);
  });

  it("sets V8's flag otherwise (other node flags do not count)", () => {
    expect(boundOldGeneration(['--enable-source-maps'], '--max-old-space-size=512')).toBe(true);
  });
});
