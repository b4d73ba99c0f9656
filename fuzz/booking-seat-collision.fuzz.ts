/** Seats are allocated as if only the caller's own seats were taken: two guests get the same seat. */
import { bookingFuzzTarget } from './booking-fuzz.ts';

export default bookingFuzzTarget('booking-seat-collision', ['seat-collision']);
