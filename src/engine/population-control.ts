import type { VirtualClock } from '../clock/virtual-clock.ts';
import type { Rng } from '../rng/rng.ts';
import { SeededRng } from '../rng/seeded-rng.ts';
import type { EventRecord, Json } from '../store/records.ts';
import { BeamulatorError, isBeamulatorError } from '../util/errors.ts';
import { toJson } from '../util/to-json.ts';
import { callUser, isUserCodeError, type UserCodeError } from '../util/user-code.ts';
import type { ParamValues } from '../util/params.ts';
import type { Actor } from './actor.ts';
import type { Behavior } from './behavior.ts';
import type { EventQueue } from './event-queue.ts';
import { executeAction, type ActionRunContext } from './execute-action.ts';
import type { Spawn } from './population.ts';
import type {
  ActorInfo, ActorMessage, ActorQuery, ActorRef, ControlActionResult, ControlSource, RunControl, SpawnOptions,
} from './run-control.ts';
import type { RunRecorder } from './run-recorder.ts';
import { WAKE_ON_MESSAGE } from './scheduler.ts';
import { inShard, type ResolvedShard } from './shard.ts';
import { knownBehaviors, type Simulation } from './simulation.ts';
import type { ControlCall, RecordedControl } from './control-call.ts';

export type { ControlCall, RecordedControl } from './control-call.ts';

/** What the population control needs from the run it changes (the engine). */
export interface ControlledRun {
  readonly clock: VirtualClock;
  readonly actors: readonly Actor[];
  /** The run's actors in spawn order (a shard's own; not the seeder). */
  readonly spawned: readonly Actor[];
  readonly queue: EventQueue;
  readonly recorder: RunRecorder;
  readonly actionRun: ActionRunContext;
  /** The engine's step: control calls apply between two. */
  readonly step: number;
  readonly options: {
    readonly sim: Simulation;
    readonly population?: Simulation['population'] | undefined;
    readonly params: ParamValues;
    readonly seed: string;
    readonly rngFor?: ((actorId: number) => Rng) | undefined;
    readonly shard?: ResolvedShard | undefined;
  };
  /** Adds an actor to the run, records it and queues its first turn. */
  spawnActor(spawn: Spawn): void;
  /** Stops the run: the user's code threw where it cannot go on. */
  fail(error: UserCodeError): void;
}

/** A call waiting for the engine's next step boundary. */
interface Pending {
  call: ControlCall;
  /** setState's function: applied when the call is, its result recorded as the whole state. */
  change?: (state: Json) => unknown;
  source: ControlSource;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** A message sent during a step, delivered at its end. */
interface Outgoing {
  from: Actor | null;
  sentAt: number;
  /** Order among its sender's messages (a tie-break that never depends on how a batch interleaved). */
  order: number;
  to: number | ActorQuery;
  body: Json;
}

/**
 * The population API of one run: RunControl for the code that drives it, queries and messages for
 * behaviors (ctx.actors, ctx.send, ctx.messages, ctx.nextMessage).
 *
 * Determinism: nothing here changes the run except at the engine's step boundaries. Control calls
 * are queued and applied between steps (at the current sim time), each recorded as a `control`
 * event with its step; a replay is handed those and applies each at the same step. Messages sent
 * during a step are delivered at its end, ordered by (send time, sender id, sender's own order),
 * not by which turn of a concurrent batch happened to get there first.
 */
export class PopulationControl implements RunControl {
  readonly #run: ControlledRun;
  #pending: Pending[] = [];
  readonly #replayed: readonly RecordedControl[];
  #nextReplayed = 0;
  #outbox: Outgoing[] = [];
  #sent = 0;
  #messageSeq = 0;
  #nextId = 0;
  #ended = false;
  /** In a sharded run, names of the population's actors that other shards run (a name is refused, not silently unmatched). */
  #elsewhere: ReadonlyMap<string, number> = new Map();

  /** `replayed`: a replay's recorded calls, applied at their steps. */
  constructor(run: ControlledRun, replayed: readonly RecordedControl[] = []) {
    this.#run = run;
    this.#replayed = replayed;
  }

  /**
   * The population is spawned. `firstFreeId`: the id after the whole population's (every
   * shard's), so a spawned actor's id is new in every shard; `elsewhere`: see #elsewhere.
   */
  populated(firstFreeId: number, elsewhere: ReadonlyMap<string, number>): void {
    this.#nextId = firstFreeId;
    this.#elsewhere = elsewhere;
  }

  // ---- RunControl: queued, applied at the next step boundary ----

  spawn(behavior: string, count = 1, options: SpawnOptions = {}): Promise<ActorInfo[]> {
    const { source, clientId, config, name, tags } = options;
    return this.#enqueue(() => {
      this.#behavior(behavior, 'spawn');
      if (!Number.isInteger(count) || count < 1 || count > 100_000) throw usage(`cannot spawn ${String(count)} '${behavior}' actors: the count must be a whole number from 1 to 100000`, 'E.g. spawn(\'Shopper\', 10)');
      if (name !== undefined && (typeof name !== 'string' || name === '')) throw usage(`cannot spawn '${behavior}' with name ${JSON.stringify(name)}: a name is a non-empty string`, 'Leave it out for the default name');
      if (tags !== undefined && (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string' && t !== ''))) throw usage(`cannot spawn '${behavior}' with tags ${JSON.stringify(tags)}: tags are a list of non-empty strings`, "E.g. tags: ['late']");
      return {
        call: {
          op: 'spawn', behavior, count,
          ...(config !== undefined ? { config: plainJson(config, `spawn '${behavior}'`, 'config') } : {}),
          ...(name !== undefined ? { name } : {}),
          ...(tags !== undefined ? { tags: [...tags] } : {}),
        },
        source: { source, clientId },
      };
    });
  }

  remove(actor: ActorRef, options: ControlSource = {}): Promise<void> {
    return this.#enqueue(() => ({ call: { op: 'remove', actor: this.#ref(actor, 'remove') }, source: options }));
  }

  replace(actor: ActorRef, behavior: string, options: ControlSource = {}): Promise<ActorInfo> {
    return this.#enqueue(() => {
      this.#behavior(behavior, `give actor ${describeRef(actor)} behavior`);
      return { call: { op: 'replace', actor: this.#ref(actor, 'replace'), behavior }, source: options };
    });
  }

  runAction(actor: ActorRef, action: string, args: Json, options: ControlSource = {}): Promise<ControlActionResult> {
    return this.#enqueue(() => {
      this.#action(action);
      return { call: { op: 'runAction', actor: this.#ref(actor, `run ${action} as`), action, args: plainJson(args ?? {}, `run ${action}`, 'args') }, source: options };
    });
  }

  setState(actor: ActorRef, change: Record<string, Json> | ((state: Json) => unknown), options: ControlSource = {}): Promise<ActorInfo> {
    return this.#enqueue(() => {
      const id = this.#ref(actor, 'set the state of');
      if (typeof change === 'function') return { call: { op: 'setState', actor: id, state: null }, change, source: options };
      if (change === null || typeof change !== 'object' || Array.isArray(change)) {
        throw usage(`cannot set the state of actor ${id}: the change is ${change === null ? 'null' : Array.isArray(change) ? 'an array' : typeof change}`, 'Pass an object to merge over the state, or a function (state) => newState');
      }
      return { call: { op: 'setState', actor: id, patch: plainJson(change, `set the state of actor ${id}`, 'patch') as Record<string, Json> }, source: options };
    });
  }

  tag(actor: ActorRef, tag: string, options: ControlSource = {}): Promise<ActorInfo> {
    return this.#tagging('tag', actor, tag, options);
  }

  untag(actor: ActorRef, tag: string, options: ControlSource = {}): Promise<ActorInfo> {
    return this.#tagging('untag', actor, tag, options);
  }

  send(to: ActorRef | ActorQuery, message: Json, options: ControlSource = {}): Promise<number> {
    return this.#enqueue(() => {
      const target = this.#target(to, 'send a message to');
      return { call: { op: 'send', to: target, body: plainJson(message, 'send a message', 'message') }, source: options };
    });
  }

  actors(query: ActorQuery = {}): ActorInfo[] {
    return this.query(query, null);
  }

  // ---- The engine's side ----

  /** Whether calls wait to be applied at this step boundary (the loop's hot path: a length and a step compared). */
  due(): boolean {
    return this.#pending.length > 0 || this.#replayDue();
  }

  /** Whether the replay's next recorded call applies now: at its step, or (a paced original) once its sim time is done. */
  #replayDue(): boolean {
    const next = this.#replayed[this.#nextReplayed];
    if (next === undefined) return false;
    if (next.simTime === undefined) return next.step <= this.#run.step;
    const { queue } = this.#run;
    return next.step === 0 || queue.size === 0 || queue.peekTime() > next.simTime;
  }

  /** Between two steps: applies a replay's calls recorded at this step, then the queued ones, in the order they came. */
  async applyDue(): Promise<void> {
    const { step } = this.#run;
    while (this.#replayDue()) {
      const { call, simTime } = this.#replayed[this.#nextReplayed++]!;
      // The original applied it at that sim time; a replay's last step may have been earlier.
      if (simTime !== undefined && this.#run.clock.now() < simTime) this.#run.clock.advanceTo(simTime);
      try {
        await this.#apply(call, { source: 'replay' });
      } catch (error) {
        // It applied in the original (only applied calls are recorded): what changed is the simulation.
        if (!isBeamulatorError(error)) throw error;
        throw new BeamulatorError(error.code, `cannot apply the recorded control call '${call.op}' again at step ${step}: ${error.message}`,
          'The simulation changed since the run was recorded (its behaviors, actions or population)');
      }
    }
    while (this.#pending.length > 0) {
      const batch = this.#pending;
      this.#pending = [];
      for (const pending of batch) {
        try {
          let { call } = pending;
          if (pending.change && call.op === 'setState') call = { op: 'setState', actor: call.actor, state: this.#computeState(call.actor, pending.change) };
          pending.resolve(await this.#apply(call, pending.source));
        } catch (error) {
          if (isUserCodeError(error)) this.#run.fail(error);
          pending.reject(error);
        }
      }
    }
  }

  /** The run is over: calls still queued, and any made from now on, are refused. */
  end(): void {
    this.#ended = true;
    const pending = this.#pending;
    this.#pending = [];
    for (const p of pending) p.reject(ended(p.call.op));
  }

  /** Actors that match `query`, as frozen copies; `from` (a sender) is left out of matches by anything but its id. */
  query(query: ActorQuery, from: Actor | null): ActorInfo[] {
    return this.#matching(checkQuery(query), from, 'find').map(infoOf);
  }

  /**
   * ctx.send: checks the recipient now (an unknown actor, or one in another shard, throws in the
   * sender's turn), delivers at the end of the step.
   */
  post(from: Actor, to: ActorRef | ActorQuery, message: unknown): void {
    const target = this.#target(to, `send a message from ${from.name} to`);
    this.#outbox.push({ from, sentAt: from.now, order: this.#sent++, to: target, body: plainJson(message, `send a message from ${from.name}`, 'message') });
  }

  /** After a step: delivers its messages in an order no interleaving of the step changes. */
  deliver(): void {
    if (this.#outbox.length === 0) return;
    const outbox = this.#outbox;
    this.#outbox = [];
    if (outbox.length > 1) outbox.sort((a, b) => a.sentAt - b.sentAt || (a.from?.id ?? -1) - (b.from?.id ?? -1) || a.order - b.order);
    for (const message of outbox) this.#deliver(message);
  }

  /** Takes the oldest message of `actor`'s inbox (undefined when empty). */
  take(actor: Actor): ActorMessage | undefined {
    return actor.inbox?.shift();
  }

  /** Takes every message of `actor`'s inbox. */
  drain(actor: Actor): ActorMessage[] {
    const inbox = actor.inbox ?? [];
    actor.inbox = null;
    return inbox;
  }

  #deliver({ from, sentAt, to, body }: Outgoing): number {
    const recipients = typeof to === 'number' ? [this.#run.actors[to]!].filter((a) => !a.removed) : this.#matching(to, from, 'send a message to');
    const seq = this.#messageSeq++;
    const message: ActorMessage = Object.freeze({ seq, from: from?.id ?? null, sentAt, body: deepFreeze(body) });
    const { clock, queue } = this.#run;
    for (const actor of recipients) {
      (actor.inbox ??= []).push(message);
      if (actor.messageWaitAt >= 0 && actor.messageWaitAt !== clock.now()) {
        // It waits in ctx.nextMessage: it wakes now (a timeout queued for later is then stale).
        actor.messageWaitAt = clock.now();
        queue.push(clock.now(), actor.id, WAKE_ON_MESSAGE);
      }
    }
    this.#run.recorder.event(from, 'message', { seq, to: recipients.map((a) => a.id), ...(typeof to === 'number' ? {} : { query: to as Json }), body }, clock.now());
    return recipients.length;
  }

  #tagging(op: 'tag' | 'untag', actor: ActorRef, tag: string, options: ControlSource): Promise<ActorInfo> {
    return this.#enqueue(() => {
      const id = this.#ref(actor, op);
      if (typeof tag !== 'string' || tag === '') throw usage(`cannot ${op} actor ${id}: the tag is ${JSON.stringify(tag) ?? 'undefined'}`, 'A tag is a non-empty string');
      return { call: { op, actor: id, tag }, source: options };
    });
  }

  /** Checks a call now (so a bad one fails at once) and queues it; it is checked again when applied. */
  #enqueue<T>(make: () => Omit<Pending, 'resolve' | 'reject'>): Promise<T> {
    let made: Omit<Pending, 'resolve' | 'reject'>;
    try {
      made = make();
      if (this.#ended) throw ended(made.call.op);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<T>((resolve, reject) => this.#pending.push({ ...made, resolve: resolve as (value: unknown) => void, reject }));
  }

  /**
   * A spawn given no config gets what the population gives this behavior's next actor: more of the
   * same users (a team, a plan), not actors missing what their actions need. The index counts the
   * behavior's actors so far, so a replay that applies the call at the same step gets the same.
   */
  #entryConfig(behavior: Behavior, name: string): unknown {
    const { sim, population, params } = this.#run.options;
    const entry = (population ?? sim.population).find((e) => (typeof e.behavior === 'string' ? e.behavior : e.behavior.name) === behavior.name && e.config !== undefined);
    if (!entry) return {};
    const configOf = entry.config;
    if (typeof configOf !== 'function') return structuredClone(configOf);
    const index = this.#run.spawned.filter((a) => a.behavior.name === behavior.name).length;
    return callUser(`the population's config() of ${behavior.name} for ${name}`, () => (configOf as (i: number, p: ParamValues, name: string) => unknown)(index, params, name));
  }

  /** Applies one call and records it: checks first, so a call that cannot apply changes nothing and is not recorded. */
  async #apply(call: ControlCall, source: ControlSource): Promise<unknown> {
    const run = this.#run;
    const now = run.clock.now();
    const detail = { ...call, step: run.step, source: source.source ?? 'api', ...(source.clientId !== undefined ? { clientId: source.clientId } : {}) };
    if (call.op === 'spawn') {
      const behavior = this.#behavior(call.behavior, 'spawn');
      const ids = Array.from({ length: call.count }, () => this.#takeId());
      run.recorder.event(null, 'control', { ...detail, ids } as Json, now);
      const rngFor = run.options.rngFor ?? ((id: number) => SeededRng.forActor(run.options.seed, id));
      const tags = [...(behavior.tags ?? []), ...(call.tags ?? [])];
      for (const [i, id] of ids.entries()) {
        const name = call.name === undefined ? `${behavior.name} #${id}` : call.count > 1 ? `${call.name} ${i + 1}` : call.name;
        const config = call.config !== undefined ? structuredClone(call.config) : this.#entryConfig(behavior, name);
        run.spawnActor({ id, behavior, name, config, tags, arrival: now, rngFor, origin: 'runtime' });
      }
      return ids.map((id) => infoOf(run.actors[id]!));
    }
    if (call.op === 'send') {
      this.#target(call.to, 'send a message to');
      run.recorder.event(null, 'control', detail as Json, now);
      return this.#deliver({ from: null, sentAt: now, order: 0, to: call.to, body: call.body });
    }
    const actor = this.#actor(call.actor, call.op);
    const record = () => run.recorder.event(actor, 'control', detail as Json, now);
    switch (call.op) {
      case 'remove':
        record();
        actor.removed = true;
        actor.stopped = true;
        // A turn paused in ctx.sleep or ctx.nextMessage is never resumed: its queued event is skipped.
        actor.wake = null;
        actor.inbox = null;
        actor.messageWaitAt = -1;
        run.actionRun.browser?.closeActor(actor.id);
        return undefined;
      case 'replace':
        actor.behavior = this.#behavior(call.behavior, `give actor ${actor.id} behavior`);
        record();
        return infoOf(actor);
      case 'runAction': {
        const action = this.#action(call.action);
        record();
        const seq = run.recorder.nextActionSeq();
        const row = await executeAction(run.actionRun, action, call.args, seq, actor.id, now, run.step);
        // Dropped: the run ended while it was in flight (nothing of it is recorded).
        if (!row) throw ended(call.op);
        run.recorder.action(row);
        // Like a crash in a turn: the CLI counts it (exit 6); the action's own code is the user's.
        if (row.outcome === 'crash') run.recorder.crash({ actorId: actor.id, what: `action ${action.name} (#${seq}, run by a control call)`, error: row.error ?? 'crash', at: null });
        return { seq, ok: row.outcome === 'ok', outcome: row.outcome, result: row.result, error: row.error, latencyMs: row.latencyMs } satisfies ControlActionResult;
      }
      case 'setState':
        if ('patch' in call) {
          if (actor.state === null || typeof actor.state !== 'object' || Array.isArray(actor.state)) {
            throw usage(`cannot patch the state of actor ${actor.id}: its state is not an object`, 'Pass a function (state) => newState instead');
          }
          actor.state = { ...(actor.state as object), ...structuredClone(call.patch) };
        } else {
          actor.state = structuredClone(call.state);
        }
        record();
        return infoOf(actor);
      case 'tag':
        actor.tags.add(call.tag);
        record();
        return infoOf(actor);
      case 'untag':
        actor.tags.delete(call.tag);
        record();
        return infoOf(actor);
    }
  }

  /** setState's function, called on a copy: what it returns (as JSON) becomes the state; throwing changes nothing. */
  #computeState(id: number, change: (state: Json) => unknown): Json {
    const actor = this.#actor(id, 'set the state of');
    let next: unknown;
    try {
      next = change(toJson(actor.state));
    } catch (error) {
      throw usage(`cannot set the state of actor ${id}: the function threw (${error instanceof Error ? error.message : String(error)})`, 'Fix the function; the state is unchanged');
    }
    return plainJson(next === undefined ? null : next, `set the state of actor ${id}`, 'the new state');
  }

  /** The next id for a spawned actor: after the whole population's, and in this shard (so no two shards give the same id). */
  #takeId(): number {
    const { shard } = this.#run.options;
    while (shard && !inShard(this.#nextId, shard)) this.#nextId++;
    return this.#nextId++;
  }

  #behavior(name: string, doing: string): Behavior {
    const { sim } = this.#run.options;
    const known = knownBehaviors(sim);
    const found = typeof name === 'string' ? known.find((b) => b.name === name) : undefined;
    if (found) return found;
    const names = [...new Set(known.map((b) => b.name))].join(', ');
    throw new BeamulatorError('BEAM_UNKNOWN_BEHAVIOR', `cannot ${doing} ${JSON.stringify(name) ?? 'undefined'}: simulation '${sim.name}' has no behavior of that name`,
      `Known behaviors: ${names}; list others in the simulation's behaviors: [...]`);
  }

  #action(name: string) {
    const actions = Object.values(this.#run.options.sim.actions ?? {});
    const found = typeof name === 'string' ? actions.find((a) => a.name === name) : undefined;
    if (found) return found;
    throw usage(`cannot run action ${JSON.stringify(name) ?? 'undefined'}: simulation '${this.#run.options.sim.name}' has no action of that name`,
      `Known actions: ${actions.map((a) => a.name).join(', ') || 'none'}`);
  }

  /** The id of an actor the run has (in this shard), or a BEAM_UNKNOWN_ACTOR error. */
  #ref(ref: ActorRef, doing: string): number {
    const id = typeof ref === 'number' ? ref : (ref as { id?: unknown } | null)?.id;
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) {
      throw new BeamulatorError('BEAM_UNKNOWN_ACTOR', `cannot ${doing} actor ${describeRef(ref)}: an actor is named by its id (a whole number >= 0)`, 'E.g. 3, or an actor from actors()');
    }
    this.#actor(id, doing);
    return id;
  }

  #actor(id: number, doing: string): Actor {
    const actor = this.#run.actors[id];
    if (actor && !actor.removed) return actor;
    const { shard } = this.#run.options;
    if (shard && shard.count > 1 && !inShard(id, shard)) throw otherShard(doing, `actor ${id}`, id, shard);
    // (The seeder is removed too, but was never one of the run's actors.)
    const removed = actor !== undefined && this.#run.spawned.includes(actor);
    throw new BeamulatorError('BEAM_UNKNOWN_ACTOR', `cannot ${doing} actor ${id}: the run has no such actor${removed ? ' (it was removed)' : ''}`, 'List the actors with actors()');
  }

  /** A message's recipient: an actor's id (checked now), or a query (matched at delivery). */
  #target(to: ActorRef | ActorQuery, doing: string): number | ActorQuery {
    if (typeof to === 'number') return this.#ref(to, doing);
    if (to !== null && typeof to === 'object' && !Array.isArray(to) && Object.keys(to).length === 1 && 'id' in to) return this.#ref(to as { id: number }, doing);
    const query = checkQuery(to as ActorQuery);
    if (query.id !== undefined) this.#ref(query.id, doing);
    return query;
  }

  #matching(query: ActorQuery, from: Actor | null, doing: string): Actor[] {
    const run = this.#run;
    if (query.id !== undefined) {
      const actor = this.#actor(query.id, doing);
      return matches(actor, query) ? [actor] : [];
    }
    const found: Actor[] = [];
    for (const actor of run.spawned) if (actor !== from && !actor.removed && matches(actor, query)) found.push(actor);
    if (query.name !== undefined && found.length === 0 && this.#elsewhere.has(query.name)) {
      const id = this.#elsewhere.get(query.name)!;
      throw otherShard(doing, `'${query.name}'`, id, run.options.shard!);
    }
    return found;
  }
}

/** The recorded control calls of a run's events, in order, for its replay; `paced`: the run was paced (see RecordedControl.simTime). */
export function recordedControls(events: readonly EventRecord[], paced = false): RecordedControl[] {
  const out: RecordedControl[] = [];
  for (const event of [...events].sort((a, b) => a.seq - b.seq)) {
    if (event.kind !== 'control') continue;
    const { step, source: _s, clientId: _c, ids: _i, ...call } = event.detail as Record<string, Json>;
    out.push({ step: step as number, call: call as unknown as ControlCall, ...(paced ? { simTime: event.simTime } : {}) });
  }
  return out;
}

function matches(actor: Actor, query: ActorQuery): boolean {
  if (actor.stopped && !query.stopped) return false;
  if (query.name !== undefined && actor.name !== query.name) return false;
  if (query.behavior !== undefined && actor.behavior.name !== query.behavior) return false;
  if (query.tag !== undefined && !(actor.tagSet ? actor.tagSet.has(query.tag) : actor.baseTags.includes(query.tag))) return false;
  return true;
}

const queryKeys: Record<keyof ActorQuery, 'number' | 'string' | 'boolean'> = { id: 'number', name: 'string', behavior: 'string', tag: 'string', stopped: 'boolean' };

function checkQuery(query: ActorQuery): ActorQuery {
  if (query === null || typeof query !== 'object' || Array.isArray(query)) {
    throw usage(`cannot query actors with ${JSON.stringify(query) ?? 'undefined'}: a query is an object`, "E.g. { behavior: 'Shopper' }, { tag: 'vip' }, { name: 'Ann' }, { id: 3 }");
  }
  for (const [key, value] of Object.entries(query)) {
    const type = queryKeys[key as keyof ActorQuery];
    if (!type) throw usage(`cannot query actors by '${key}'`, 'A query has id, name, behavior, tag and stopped');
    if (value !== undefined && typeof value !== type) throw usage(`cannot query actors with ${key} ${JSON.stringify(value)}: it must be a ${type}`, "E.g. { behavior: 'Shopper' }");
  }
  return query;
}

/** A frozen JSON copy of an actor, as queries return it. */
function infoOf(actor: Actor): ActorInfo {
  return deepFreeze({
    id: actor.id, name: actor.name, behavior: actor.behavior.name, tags: [...(actor.tagSet ?? actor.baseTags)],
    state: toJson(actor.state), config: toJson(actor.config), stopped: actor.stopped,
  });
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** `value` as plain JSON (a copy), or a usage error naming what it was for. */
function plainJson(value: unknown, doing: string, what: string): Json {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw usage(`cannot ${doing}: the ${what} is not JSON (${error instanceof Error ? error.message : String(error)})`, 'Pass plain JSON: objects, arrays, strings, numbers, booleans, null');
  }
  if (text === undefined) throw usage(`cannot ${doing}: the ${what} is ${typeof value}`, 'Pass plain JSON: objects, arrays, strings, numbers, booleans, null');
  return JSON.parse(text) as Json;
}

function describeRef(ref: unknown): string {
  return typeof ref === 'number' ? String(ref) : JSON.stringify(ref) ?? String(ref);
}

function usage(message: string, hint: string): BeamulatorError {
  return new BeamulatorError('BEAM_USAGE', message, hint);
}

function ended(op: string): BeamulatorError {
  return usage(`cannot ${op}: the run has ended`, 'Control calls apply while the run is running');
}

function otherShard(doing: string, what: string, id: number, shard: ResolvedShard): BeamulatorError {
  return new BeamulatorError('BEAM_UNKNOWN_ACTOR',
    `cannot ${doing} ${what}: actor ${id} is in shard ${(id % shard.count) + 1}/${shard.count} (by id), and this process runs shard ${shard.index}/${shard.count}`,
    'Messages and queries reach only the actors of their own shard (docs/sharding.md)');
}

