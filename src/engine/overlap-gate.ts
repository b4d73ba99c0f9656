import { setImmediate as nextLoopTurn } from 'node:timers/promises';
import { HttpVerbs } from '../connectors/http-verbs.ts';
import { monotonicMs } from '../clock/wall-clock.ts';
import type { HttpClient, HttpClientFactory, HttpExchange, HttpMethod, HttpRequestOptions, HttpResponse, RequestCanceller } from '../connectors/http-client.ts';
import type { Json } from '../store/records.ts';
import type { Actor } from './actor.ts';

/**
 * Each member of an overlapping step draws one value when the step begins (right after its span,
 * before its behavior draws anything): `orderBits` bits per request it makes in the step, for its
 * first `requestsDrawn` requests (later ones get 0). Per request: bit 0 its send rank, bits 1-3
 * its delay (7: held back one round; 0-6: none), bit 4 its delivery rank. Delays are rare: a
 * request held back shifts every later request of its actor by a round (rounds are lockstep), so
 * the k-th requests of two turns, the ones most races need together, would rarely meet.
 * One draw per member and step, at a fixed place in its turn's segment: draws made at each
 * request ate the segment's values (a tape holds at most maxDrawsPerTurn per turn) and left the
 * behavior zeros. And a small one (10 bits): fast-check shrinks a value bit by bit, and 28 bits
 * per draw (4 requests, 2-bit ranks) left the booking race at 12 actions where 10 reach its minimum, 4.
 * Value 0 (what shrinking goes towards): together, in arrival order, delivered in send order.
 */
const orderBits = 5;
const requestsDrawn = 2;
const maxOrderDraw = 2 ** (orderBits * requestsDrawn) - 1;

/**
 * A member that goes on running without reaching the gate (it awaits a timer, a page, a foreign
 * client) for this long (wall ms) is let go: its requests pass the gate for the rest of the step,
 * so an action the gate cannot see never holds the others (at the price of their order).
 */
const letGoAfterMs = 200;

/** One actor of an overlapping step, as the gate sees it. */
interface Member {
  readonly actor: Actor;
  /** Its requests the gate holds: waiting to be sent, or sent and waiting to be delivered. */
  pending: number;
  /** Its turn ended or paused (ctx.sleep): it sends nothing more in this step. */
  done: boolean;
  /** Let go (see letGoAfterMs): its requests pass. */
  free: boolean;
  /** Its draw for the step (see orderBits), and how many requests it made so far. */
  readonly order: number;
  requests: number;
}

/** A request held by the gate, with the draws of its actor that place it. */
interface Held {
  readonly member: Member;
  readonly actionSeq: number;
  readonly arrival: number;
  /** Sent in (sendRank, arrival) order... */
  readonly sendRank: number;
  /** ...in the first round numbered notBefore or later. */
  readonly notBefore: number;
  /** Responses are handed back in (deliverRank, send order) order. */
  readonly deliverRank: number;
  readonly send: () => Promise<HttpResponse>;
  resolve: (response: HttpResponse) => void;
  reject: (error: unknown) => void;
  /** Set once sent: settles (never rejects) when its response or error is in. */
  settled: Promise<void> | null;
  outcome: { response: HttpResponse } | { error: unknown } | null;
}

class Step {
  readonly members = new Map<number, Member>();
  held: Held[] = [];
  arrivals = 0;
  rounds = 0;
  inRound = false;
  checkQueued = false;
  stall: NodeJS.Timeout | undefined = undefined;
}

/**
 * Engine-controlled overlap (fuzz runs): within an overlapping step, the actors' HTTP requests
 * go out and their responses come back in an order drawn from the actors' own tapes, so that
 * the only nondeterminism left is inside the target.
 *
 * The step runs in rounds. A round starts once every member of the step is either waiting on
 * the gate (a request held) or done (its turn ended or paused). Each request gets, from its
 * actor's draw for the step (see orderBits), a send rank, a delay in rounds, and a delivery rank.
 * The held requests due (their delay over) are sent back to back, in (send rank, arrival) order, so they
 * are in flight together; the others stay held for a later round. Once every response is in,
 * they are handed back one at a time in (delivery rank, send order) order, each actor running
 * until it reaches the gate again (or ends its turn) before the next gets its response. Each
 * round is logged as an `overlap-order` event: its number, the action seqs sent (in order), those
 * still held back, and the delivery order. A step with one member passes through: serial steps
 * draw nothing more.
 *
 * The draws come from the actors' streams when the step begins, so a replay of the same tapes
 * (offline or live) makes the same order, and shrinking them to 0 gives "send together, in
 * arrival order; deliver in send order".
 *
 * @example
 * const gate = new OverlapGate((detail) => recorder.event(null, 'overlap-order', detail));
 * const http = gate.wrap(connector); // the actions' client factory
 * gate.begin([a, b]); // the scheduler's batch, before dispatching it
 */
export class OverlapGate {
  #step: Step | null = null;

  constructor(readonly record: (detail: Json) => void) {}

  /** The actions' client factory, its requests passed through the gate. */
  wrap(http: HttpClientFactory): HttpClientFactory {
    return {
      client: (recorder: (exchange: HttpExchange) => void, cancel: RequestCanceller, actionSeq: number, actorId?: number) =>
        new GatedClient(http.client(recorder, cancel, actionSeq, actorId), this, actionSeq, actorId ?? -1),
      close: () => http.close(),
    };
  }

  /** A step begins with these actors (in dispatch order), before any of them is dispatched. */
  begin(actors: readonly Actor[]): void {
    this.#step = null;
    if (actors.length < 2) return;
    const step = new Step();
    for (const actor of actors) step.members.set(actor.id, { actor, pending: 0, done: false, free: false, order: actor.rng.int(0, maxOrderDraw), requests: 0 });
    this.#step = step;
  }

  /** The actor's part of the step is over (its turn ended or paused). */
  done(actor: Actor): void {
    const member = this.#step?.members.get(actor.id);
    if (!member) return;
    member.done = true;
    this.#queueCheck(this.#step!);
  }

  /** The step is over (or the run stopped mid-step): whatever is still held goes through. */
  end(): void {
    const step = this.#step;
    this.#step = null;
    if (!step) return;
    clearTimeout(step.stall);
    releaseAll(step.held);
    step.held = [];
  }

  /** Sends `send` now, or holds it until its drawn turn in the step's current round. */
  request(actorId: number, actionSeq: number, send: () => Promise<HttpResponse>): Promise<HttpResponse> {
    const step = this.#step;
    const member = step?.members.get(actorId);
    if (!step || !member || member.free || member.done) return send();
    const k = member.requests++;
    const bits = k < requestsDrawn ? Math.floor(member.order / 2 ** (orderBits * k)) % 2 ** orderBits : 0;
    const sendRank = bits & 1;
    const notBefore = step.rounds + 1 + ((bits >> 1 & 7) === 7 ? 1 : 0);
    const deliverRank = bits >> 4 & 1;
    return new Promise<HttpResponse>((resolve, reject) => {
      member.pending++;
      step.held.push({ member, actionSeq, arrival: step.arrivals++, sendRank, notBefore, deliverRank, send, resolve, reject, settled: null, outcome: null });
      this.#queueCheck(step);
    });
  }

  /** Looks again once the event loop turned: the actors' microtasks (requests made together, a turn's end) have run by then. */
  #queueCheck(step: Step): void {
    if (step.checkQueued || step.inRound) return;
    step.checkQueued = true;
    setImmediate(() => {
      step.checkQueued = false;
      if (this.#step === step) this.#check(step);
    });
  }

  #check(step: Step): void {
    if (step.inRound || step.held.length === 0) return;
    const running = [...step.members.values()].filter((m) => !quiet(m));
    if (running.length > 0) {
      step.stall ??= setTimeout(() => {
        step.stall = undefined;
        for (const member of running) if (!quiet(member)) member.free = true;
        if (this.#step === step) this.#check(step);
      }, letGoAfterMs);
      return;
    }
    clearTimeout(step.stall);
    step.stall = undefined;
    void this.#round(step);
  }

  async #round(step: Step): Promise<void> {
    step.inRound = true;
    // The next round, or the first one a held request is due in when every one of them is delayed (nothing else can happen meanwhile).
    const number = Math.max(step.rounds + 1, Math.min(...step.held.map((h) => h.notBefore)));
    step.rounds = number;
    const round = step.held.filter((h) => h.notBefore <= number).sort((a, b) => a.sendRank - b.sendRank || a.arrival - b.arrival);
    step.held = step.held.filter((h) => h.notBefore > number);
    // Back to back: the requests of a round are in flight together.
    const responses = round.map((held) => (held.settled = settle(held)));
    await Promise.all(responses);
    // Stopped mid-round (a stop request released the actors): the rest goes through, unordered.
    if (this.#step !== step) return releaseAll(round);
    const delivery = round.map((held, sent) => ({ held, sent })).sort((a, b) => a.held.deliverRank - b.held.deliverRank || a.sent - b.sent);
    this.record({
      round: number,
      sent: round.map((h) => h.actionSeq),
      held: step.held.map((h) => h.actionSeq),
      delivered: delivery.map((d) => d.held.actionSeq),
    });
    for (let i = 0; i < delivery.length; i++) {
      const { held } = delivery[i]!;
      if (this.#step !== step) return releaseAll(delivery.slice(i).map((d) => d.held));
      held.member.pending--;
      deliver(held);
      await this.#untilQuiet(step, held.member);
    }
    step.inRound = false;
    if (this.#step === step) this.#check(step);
  }

  /** Waits until the member, given its response, reaches the gate again or is done; lets it go after letGoAfterMs. */
  async #untilQuiet(step: Step, member: Member): Promise<void> {
    const since = monotonicMs();
    for (let polls = 0; this.#step === step && !quiet(member); polls++) {
      if (monotonicMs() - since > letGoAfterMs) {
        member.free = true;
        return;
      }
      if (polls < 16) await nextLoopTurn();
      else await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }
}

function quiet(member: Member): boolean {
  return member.done || member.free || member.pending > 0;
}

function settle(held: Held): Promise<void> {
  let sent: Promise<HttpResponse>;
  try {
    sent = held.send();
  } catch (error) {
    sent = Promise.reject(error);
  }
  return sent.then((response) => void (held.outcome = { response }), (error: unknown) => void (held.outcome = { error }));
}

/** Hands the actor its response (or error). */
function deliver(held: Held): void {
  const outcome = held.outcome!;
  if ('response' in outcome) held.resolve(outcome.response);
  else held.reject(outcome.error);
}

/** Out of order: sent now if it was not, delivered when its response is in. */
function release(held: Held): void {
  (held.settled ??= settle(held)).then(() => deliver(held), () => undefined);
}

function releaseAll(helds: readonly Held[]): void {
  for (const held of helds) release(held);
}

/** An action's client whose requests go through the gate. */
class GatedClient extends HttpVerbs {
  constructor(readonly inner: HttpClient, readonly gate: OverlapGate, readonly actionSeq: number, readonly actorId: number) {
    super();
  }

  request(method: HttpMethod, path: string, options?: HttpRequestOptions): Promise<HttpResponse> {
    return this.gate.request(this.actorId, this.actionSeq, () => this.inner.request(method, path, options));
  }
}
