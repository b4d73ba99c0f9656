/**
 * Availability is checked before the payment hold and the seats taken after it: two overlapping
 * bookings of the last seats both succeed. Overlap on: each popped event's actor draws from its
 * tape how many following events run concurrently with it. The example starts the app with its
 * hold counted in event-loop turns, so the two bookings of an overlapping step race however busy
 * the machine is.
 */
import { bookingFuzzTarget } from './booking-fuzz.ts';

export default bookingFuzzTarget('booking-oversell', ['oversell'], { overlap: true, maxSpan: 2, maxLatency: '10m' });
