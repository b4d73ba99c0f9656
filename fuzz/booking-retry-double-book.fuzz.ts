/** Group bookings (3+ seats) ignore the idempotency key: a client's retry books the group twice. */
import { bookingFuzzTarget } from './booking-fuzz.ts';

export default bookingFuzzTarget('booking-retry-double-book', ['retry-double-book']);
