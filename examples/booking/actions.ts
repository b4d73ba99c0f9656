/**
 * Actions: the only code that talks to the booking app. Each maps the HTTP answer to a value
 * (outcome `ok`) or to `fail(...)` (outcome `error`: a sold-out event, an unknown booking).
 */
import { defineActions, fail, type HttpResponse } from 'beamulator';

export interface EventSummary {
  id: string;
  name: string;
  capacity: number;
  available: number;
}

export interface EventDetail extends EventSummary {
  seats: Array<{ seat: number; booking: string }>;
}

export interface Booking {
  id: string;
  event: string;
  guest: string;
  seats: number[];
  status: 'confirmed' | 'cancelled';
}

/** What booking and cancelling answer: the booking, and the event's seat map right after. */
export interface BookingReply {
  booking: Booking;
  event: EventDetail;
}

function expectStatus<T>(res: HttpResponse, status: number, what: string): T {
  if (res.status !== status) fail(`${what}: HTTP ${res.status}`, { status: res.status, body: res.body.slice(0, 200) });
  return res.json<T>();
}

export const actions = defineActions({
  listEvents: async (_args: Record<string, never>, { http }) => expectStatus<EventSummary[]>(await http.get('/events'), 200, 'list events'),

  getEvent: async (args: { event: string }, { http }) => expectStatus<EventDetail>(await http.get(`/events/${args.event}`), 200, `get ${args.event}`),

  /** `key` is the request's idempotency key: sending the same key again must not book again. */
  bookSeats: async (args: { guest: string; event: string; seats: number; key: string }, { http }) =>
    expectStatus<BookingReply>(
      await http.post(`/events/${args.event}/bookings`, { json: { seats: args.seats }, headers: { 'x-guest': args.guest, 'idempotency-key': args.key } }),
      201, `book ${args.seats} of ${args.event}`,
    ),

  cancelBooking: async (args: { guest: string; booking: string }, { http }) =>
    expectStatus<BookingReply>(await http.delete(`/bookings/${args.booking}`, { headers: { 'x-guest': args.guest } }), 200, `cancel ${args.booking}`),
});
