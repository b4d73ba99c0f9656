/**
 * Two kinds of guest of a workshop-booking service:
 * - Planner: browses the workshops once, then books seats, cancels some of its bookings, and
 *   looks at an event's seat map now and then.
 * - Commuter: books on a flaky connection: now and then the answer does not reach it, so it
 *   sends the same request again with the same idempotency key, as a well-behaved client does.
 * Both check every seat map the service shows them (after booking, cancelling or looking).
 */
import { defineBehavior, type ActorContext } from 'beamulator';
import { actions, type BookingReply, type EventDetail, type EventSummary } from './actions.ts';

interface Held {
  id: string;
  event: string;
  seats: number[];
}

export interface GuestState {
  guest: string;
  /** The catalog, read on the first turn. */
  events: EventSummary[] | null;
  /** My confirmed bookings. */
  bookings: Held[];
  /** Numbers my idempotency keys (`<guest>-<n>`), one per booking I mean to make. */
  sent: number;
}

const MAX_SEATS = 4;

function newGuest(actorId: number, rng: { faker: { person: { firstName(): string } } }): GuestState {
  // The actor id keeps guests distinct when faker repeats a name.
  return { guest: `${rng.faker.person.firstName().toLowerCase()}-${actorId}`, events: null, bookings: [], sent: 0 };
}

/** What any guest notices in a seat map: more seats sold than exist, or one seat sold twice. */
function checkSeatMap(ctx: ActorContext<GuestState>, event: EventDetail): void {
  if (event.available < 0) {
    ctx.complain('the event is oversold: more seats booked than it has', { severity: 'urgent', detail: { event: event.id, capacity: event.capacity, available: event.available } });
  }
  const seen = new Map<number, string>();
  for (const { seat, booking } of event.seats) {
    const other = seen.get(seat);
    if (other !== undefined && other !== booking) {
      ctx.complain('one seat is sold to two bookings', { severity: 'urgent', detail: { event: event.id, seat, bookings: [other, booking] } });
      return;
    }
    seen.set(seat, booking);
  }
}

/** Reads the catalog; true when the guest has it. */
async function browse(ctx: ActorContext<GuestState>): Promise<boolean> {
  if (ctx.state.events) return true;
  const list = await ctx.execute(actions.listEvents, {});
  if (list.ok) ctx.state.events = list.value!;
  return false;
}

/** Books seats of a workshop; returns the request's args and the answer. */
async function book(ctx: ActorContext<GuestState>) {
  const { state } = ctx;
  const args = { guest: state.guest, event: ctx.rng.pick(state.events!).id, seats: ctx.rng.int(1, MAX_SEATS), key: `${state.guest}-${++state.sent}` };
  const r = await ctx.execute(actions.bookSeats, args);
  if (r.ok) {
    remember(state, r.value!);
    checkSeatMap(ctx, r.value!.event);
  }
  return { args, r };
}

function remember(state: GuestState, reply: BookingReply): void {
  if (!state.bookings.some((b) => b.id === reply.booking.id)) state.bookings.push({ id: reply.booking.id, event: reply.booking.event, seats: reply.booking.seats });
}

async function cancel(ctx: ActorContext<GuestState>): Promise<void> {
  const { state } = ctx;
  const mine = ctx.rng.pick(state.bookings);
  const r = await ctx.execute(actions.cancelBooking, { guest: state.guest, booking: mine.id });
  if (!r.ok) return;
  state.bookings = state.bookings.filter((b) => b.id !== mine.id);
  const kept = r.value!.event.seats.filter((s) => s.booking === mine.id).map((s) => s.seat);
  if (kept.length > 0) {
    ctx.complain('my cancelled booking still holds seats', { severity: 'urgent', detail: { booking: mine.id, event: mine.event, seats: kept } });
  }
  checkSeatMap(ctx, r.value!.event);
}

export const planner = defineBehavior<GuestState>({
  name: 'Planner',
  initialState: ({ actorId, rng }) => newGuest(actorId, rng),
  async act(ctx) {
    if (!(await browse(ctx))) return ctx.rng.int(1, 10) * 60_000;
    // Every option keeps a positive weight (cancelling with nothing to cancel rests), so that on
    // a fuzz tape, where value k picks the k-th option of positive weight, a choice means the
    // same whatever the state: shrinking can then delete an earlier turn without changing it.
    const holds = ctx.state.bookings.length;
    const choice = ctx.rng.weighted([
      ['book', holds < 2 ? 3 : 0.3],
      ['cancel', holds > 0 ? 2 : 0.01],
      ['look', 1],
      ['rest', 1],
    ] as const);
    if (choice === 'book') await book(ctx);
    else if (choice === 'cancel' && holds > 0) await cancel(ctx);
    else if (choice === 'look') {
      const r = await ctx.execute(actions.getEvent, { event: ctx.rng.pick(ctx.state.events!).id });
      if (r.ok) checkSeatMap(ctx, r.value!);
    }
    return ctx.rng.int(5, 60) * 60_000;
  },
});

export const commuter = defineBehavior<GuestState>({
  name: 'Commuter',
  initialState: ({ actorId, rng }) => newGuest(actorId, rng),
  async act(ctx) {
    if (!(await browse(ctx))) return ctx.rng.int(1, 10) * 60_000;
    // Every turn draws the same values in the same order whatever the state (here: whether to
    // cancel, whether the answer is lost), so when shrinking deletes an earlier turn, the later
    // turns' draws keep their meaning.
    const cancelNow = ctx.rng.chance(0.3);
    if (cancelNow && ctx.state.bookings.length > 0) {
      await cancel(ctx);
      return ctx.rng.int(10, 90) * 60_000;
    }
    const { args, r } = await book(ctx);
    const answerLost = ctx.rng.chance(0.4);
    // The tunnel: the answer did not reach me, so my app sends the very same request again.
    if (r.ok && answerLost) {
      const retry = await ctx.execute(actions.bookSeats, args);
      const first = r.value!.booking;
      if (!retry.ok) {
        ctx.complain('my retried booking was refused instead of answered like the first', { severity: 'urgent', detail: { key: args.key, first: first.id, error: retry.error } });
      } else if (retry.value!.booking.id !== first.id) {
        remember(ctx.state, retry.value!);
        ctx.complain('my retried booking was booked a second time (double booking)', { severity: 'urgent', detail: { key: args.key, first: first.id, second: retry.value!.booking.id } });
      }
    }
    return ctx.rng.int(10, 90) * 60_000;
  },
});
