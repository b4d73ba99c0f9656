/** Cancelling a booking of several seats releases only its first seat (one guest suffices). */
import { bookingFuzzTarget } from './booking-fuzz.ts';

export default bookingFuzzTarget('booking-cancel-keeps-seat', ['cancel-keeps-seat']);
