/**
 * The second bundled example: guests book seats of workshops in the bundled booking app.
 *
 *   npx beamulator run examples/booking/booking.sim.ts                                   # all bugs off: no complaints
 *   npx beamulator run examples/booking/booking.sim.ts --param bugs=cancel-keeps-seat    # a planted bug: complaints
 *
 * `bugs` takes a comma list of the app's planted bugs (cancel-keeps-seat, seat-collision,
 * oversell, retry-double-book) or `all`; BOOKING_BUGS sets it too when --param does not. The
 * oversell race needs overlapping requests: add `--concurrency 4 --overlap-window 10m`.
 * Pass `--target <url>` to run against a booking app you started yourself (its bugs are then its
 * own; its bookings are reset first).
 */
import { bookingBugNames, parseBookingBugs } from '../../fixtures/booking-app/bugs.ts';
import { startBookingApp } from '../../fixtures/booking-app/server.ts';
import { defineParams, defineSimulation } from 'beamulator';
import { actions } from './actions.ts';
import { commuter, planner } from './behaviors.ts';

export const params = defineParams({
  bugs: { default: [], choices: [...bookingBugNames, 'all'], description: "the booking app's planted bugs to switch on", env: 'BOOKING_BUGS' },
  planners: { default: 4, description: 'how many Planners book' },
  commuters: { default: 2, description: 'how many Commuters book (and retry)' },
});

export default defineSimulation({
  name: 'booking',
  params,
  actions,
  behaviors: [planner, commuter],
  population: [
    { behavior: planner, count: (p) => Math.max(0, Math.floor(p.planners)), start: { rampUp: '30m', jitter: '5m' } },
    { behavior: commuter, count: (p) => Math.max(0, Math.floor(p.commuters)), start: { rampUp: '1h', jitter: '5m' } },
  ],
  target: {
    // The app runs in this process, so its payment hold counts event-loop turns, not ms: two
    // bookings of one overlapping step reach it a turn apart and race however busy the machine is.
    start: async ({ params }) => {
      const app = await startBookingApp({ bugs: parseBookingBugs(params.bugs), hold: { turns: 20 } });
      return { url: app.url, stop: () => app.stop(), reset: () => app.reset() };
    },
    reset: 'POST /__admin/reset',
  },
  duration: '8h',
});
