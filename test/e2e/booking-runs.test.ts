/**
 * The booking example as plain simulations (no fuzzing), in this process with the app its
 * `target.start` starts: its complaints stay silent with every bug off (serial and with overlap)
 * and catch each planted bug with it on. About 0.5 s per 8 h run.
 */
import { describe, expect, it } from 'vitest';
import { runSimulation, type RunOptions } from 'beamulator';
import type { ComplaintRecord } from '../../src/store/records.ts';
import booking from '../../examples/booking/booking.sim.ts';
import type { BookingBug } from '../../fixtures/booking-app/bugs.ts';

async function complaintsWith(bugs: BookingBug[], options: RunOptions = {}): Promise<string[]> {
  const complaints: ComplaintRecord[] = [];
  await runSimulation(booking, { db: false, env: {}, ...options, params: { bugs }, hooks: { onComplaint: (c) => complaints.push(c) } });
  return [...new Set(complaints.map((c) => c.message))];
}

const overlap: RunOptions = { concurrency: 4, overlapWindow: '10m', duration: '24h' };

describe("the booking example's complaints catch each planted bug", () => {
  it('stay silent with every bug off, serial and with overlap, over two seeds', async () => {
    for (const seed of [1, 2]) {
      expect(await complaintsWith([], { seed })).toEqual([]);
      expect(await complaintsWith([], { seed, ...overlap })).toEqual([]);
    }
  });

  it.each([
    ['cancel-keeps-seat', 'my cancelled booking still holds seats'],
    ['seat-collision', 'one seat is sold to two bookings'],
  ] as const)('catch %s (seed 42)', async (bug, message) => {
    expect(await complaintsWith([bug], { seed: 42 })).toEqual([message]);
  });

  it('catch the retry bug: a retried group booking books again, or is refused once the seats are gone (seed 2)', async () => {
    expect((await complaintsWith(['retry-double-book'], { seed: 2 })).sort()).toEqual([
      'my retried booking was booked a second time (double booking)',
      'my retried booking was refused instead of answered like the first',
    ]);
  });

  it('catch the oversell when bookings overlap, and not when they run one after another', async () => {
    expect(await complaintsWith(['oversell'], { seed: 42, ...overlap })).toEqual(['the event is oversold: more seats booked than it has']);
    expect(await complaintsWith(['oversell'], { seed: 42, duration: '24h' })).toEqual([]);
  });
});
