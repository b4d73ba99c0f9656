/**
 * Shared setup of the booking fuzz targets: the booking example's guests (Planner, Commuter)
 * against the bundled booking app, which the example's `target.start` starts, with one planted
 * bug switched on (or none) through the example's `bugs` parameter.
 */
import type { BookingBug } from '../fixtures/booking-app/bugs.ts';
import booking from '../examples/booking/booking.sim.ts';
import { defineFuzzTarget, type FuzzTarget, type FuzzTargetSpec } from 'beamulator';

export function bookingFuzzTarget(name: string, bugs: BookingBug[], extra: Partial<FuzzTargetSpec> = {}): FuzzTarget {
  return defineFuzzTarget({
    name,
    simulation: booking,
    params: { bugs },
    behaviors: ['Planner', 'Commuter'],
    maxActors: 3,
    maxTurns: 10,
    duration: '24h',
    ...extra,
  });
}
