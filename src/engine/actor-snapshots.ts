import { SeededRng } from '../rng/seeded-rng.ts';
import { REDACTED } from '../store/redact.ts';
import type { Json, SnapshotRecord } from '../store/records.ts';
import { BeamulatorError } from '../util/errors.ts';
import { nonJsonPath } from '../util/non-json-path.ts';
import type { Actor, ActorSnapshot } from './actor.ts';

/**
 * Takes `actor`'s snapshot: its state as JSON text and its rng's position. Throws BEAM_STATE,
 * naming the actor and the path of the value, when the state is not plain JSON (a restored
 * actor would get something else back).
 */
export function snapshotOf(actor: Actor, simTime: number): ActorSnapshot {
  let stateJson: string;
  try {
    stateJson = actor.state === undefined ? 'null' : JSON.stringify(actor.state, refuseOdd);
  } catch {
    // Only a state that fails is walked again, for the path of the culprit.
    throw snapshotError(actor) ?? new BeamulatorError('BEAM_STATE', `cannot snapshot actor '${actor.name}' (${actor.behavior.name}): its state is not plain JSON`, 'Keep actor state plain JSON');
  }
  return { stateJson, rng: actor.rng.getState(), simTime, stopped: actor.stopped };
}

/** JSON.stringify's replacer: lets plain values through, stops at the first that JSON would change. */
function refuseOdd(this: unknown, key: string, value: unknown): unknown {
  // The value before toJSON (a Date arrives here as its string).
  const raw = (this as Record<string, unknown>)[key];
  if (raw !== null && typeof raw === 'object') {
    const proto = Object.getPrototypeOf(raw) as object | null;
    if (proto === Object.prototype || proto === null || Array.isArray(raw)) return value;
    throw odd;
  }
  if (typeof raw === 'number' && !Number.isFinite(raw)) throw odd;
  if (typeof raw === 'bigint' || typeof raw === 'function' || typeof raw === 'symbol' || (raw === undefined && Array.isArray(this))) throw odd;
  return value;
}
const odd = new Error('not plain JSON');

/** The error for an actor whose state cannot be snapshotted; null when it can. */
function snapshotError(actor: Actor): BeamulatorError | null {
  const bad = nonJsonPath(actor.state, 'state');
  if (!bad) return null;
  return new BeamulatorError('BEAM_STATE',
    `cannot snapshot actor '${actor.name}' (${actor.behavior.name}): its ${bad.path} is ${bad.what}, which a snapshot cannot store`,
    'Keep actor state plain JSON (objects, arrays, strings, finite numbers, booleans, null): use arrays for sets, objects for maps, ISO strings or numbers for dates');
}

/** Puts `snapshot` back into `actor`: its state (a fresh copy), and its rng's position when the rng can be restored. */
export function restoreSnapshot(actor: Actor, snapshot: ActorSnapshot): void {
  actor.state = JSON.parse(snapshot.stateJson);
  // Tape-backed fuzzing streams cannot be rewound: they continue.
  if (snapshot.rng.kind === 'xoroshiro128plus' && actor.rng.getState().kind === 'xoroshiro128plus') actor.rng = SeededRng.fromState(snapshot.rng);
}

/** The snapshot row of `actor` for the store. */
export function snapshotRow(runId: string, actor: Actor, snapshot: ActorSnapshot, nextWake: number | null, order: number, midTurn: boolean) {
  return {
    runId, simTime: snapshot.simTime, actorId: actor.id, stateJson: snapshot.stateJson, rngState: snapshot.rng as unknown as Json, nextWake,
    detail: {
      turns: actor.turns, crashesInARow: actor.crashesInARow, stopped: actor.stopped, midTurn, order,
      ...(actor.tagSet ? { tags: [...actor.tagSet] } : {}),
    },
  };
}

/** What a stored snapshot row says about its actor (see snapshotRow). */
export interface StoredActorDetail {
  turns: number;
  crashesInARow: number;
  stopped: boolean;
  midTurn: boolean;
  order: number;
  tags?: string[];
}

/**
 * A stored state with its redacted values (the store never held them) taken from `fresh`, the
 * actor's initial state as this run built it, where it has a value at the same path: a password
 * the initial state generated comes back; one the actor learned later does not.
 */
export function unredacted(stored: Json, fresh: unknown): Json {
  if (stored === REDACTED) return fresh === undefined ? stored : (fresh as Json);
  if (Array.isArray(stored)) return stored.map((v, i) => unredacted(v, Array.isArray(fresh) ? fresh[i] : undefined));
  if (stored !== null && typeof stored === 'object') {
    const out: Record<string, Json> = {};
    const from = fresh !== null && typeof fresh === 'object' ? (fresh as Record<string, unknown>) : {};
    for (const [k, v] of Object.entries(stored)) out[k] = unredacted(v, from[k]);
    return out;
  }
  return stored;
}

/** The run's own row of a snapshot: the engine's counters a resumed run continues from. */
export function runSnapshotRow(runId: string, simTime: number, step: number, actionSeq: number): Omit<SnapshotRecord, 'state'> & { stateJson: null } {
  return { runId, simTime, actorId: null, stateJson: null, rngState: null, nextWake: null, detail: { step, actionSeq } };
}
