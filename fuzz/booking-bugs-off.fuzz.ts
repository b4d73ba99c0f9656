/** Every planted bug of the booking app off, overlap on: the fuzzer must find nothing. */
import { bookingFuzzTarget } from './booking-fuzz.ts';

export default bookingFuzzTarget('booking-bugs-off', [], { overlap: true, maxSpan: 2, maxLatency: '10m', arrivalJitter: '2h' });
