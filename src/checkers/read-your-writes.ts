import type { Json, Severity } from '../store/records.ts';
import { StepChecker, fieldOf, jsonEqual, touchedByOthers, type EntityModel, type ModelledAction } from './entity-model.ts';
import type { Checker, Violation } from './types.ts';

export interface CheckerOptions {
  /** Names the checker in complaints (default: the checker's kind, e.g. 'read-your-writes'). */
  name?: string;
  /** Default 'urgent'. */
  severity?: Severity;
}

export interface ReadYourWritesOptions extends CheckerOptions {
  /**
   * For services that may drop entities on their own (caches that evict, items that expire):
   * do not complain when a listing misses an entity the actor wrote. Default false.
   */
  allowDrops?: boolean;
}

interface Expected {
  value: Json;
  seq: number;
}

/**
 * Read-your-writes: after an actor's successful write of a field of entity K, that actor's later
 * reads of K must show the value it wrote, until someone else writes that field of K (or deletes
 * K). Reads in a step where another actor also wrote or deleted K are not judged (the order is
 * unknown), and actors that wrote K concurrently drop their expectations of K. A failed write
 * (error, crash) makes the field unknown for everyone. Each expectation complains at most once.
 *
 * An entity the actor wrote (created or updated) must also still exist: the actor's later
 * listings (`EntityModel.listings`) must show K until someone deletes it, or tries to (a lost
 * create or a dropped entity). `allowDrops` turns that off.
 *
 * @example
 * readYourWrites({
 *   writes: { createTodo: (_a, r) => r && { key: r.id, fields: { title: r.title } } },
 *   reads: { listTodos: (_a, r) => r.map((t) => [t.id, t]) },
 *   listings: { listTodos: true },
 * })
 */
export function readYourWrites(options: EntityModel & ReadYourWritesOptions): Checker {
  const name = options.name ?? 'read-your-writes';
  return { name, severity: options.severity ?? 'urgent', start: () => new ReadYourWrites(options, name, options.allowDrops ?? false) };
}

class ReadYourWrites extends StepChecker {
  /** key -> actor -> field -> what that actor last wrote there. */
  readonly #expected = new Map<string, Map<number, Map<string, Expected>>>();
  /** key -> actor -> seq of that actor's first successful write of it: the entity must be in its listings. */
  readonly #exists = new Map<string, Map<number, number>>();

  constructor(model: EntityModel, readonly name: string, readonly allowDrops: boolean) {
    super(model);
  }

  protected judgeStep(step: readonly ModelledAction[], touched: ReadonlyMap<string, ReadonlySet<number>>): Violation[] {
    const found: Violation[] = [];
    for (const { record, write, deleted, seen, listing } of step) {
      if (write) {
        const byActor = this.#expected.get(write.key);
        const fields = Object.keys(write.fields);
        // Someone else's write (or a write that may or may not have landed) voids what others expect of these fields.
        if (byActor) {
          for (const [actorId, expected] of byActor) {
            if (actorId !== record.actorId || record.outcome !== 'ok') for (const f of fields) expected.delete(f);
          }
        }
        if (record.outcome === 'ok') {
          const mine = this.#mine(write.key, record.actorId);
          for (const f of fields) mine.set(f, { value: write.fields[f]!, seq: record.seq });
          if (!this.allowDrops) this.#wrote(write.key, record.actorId, record.seq);
        }
      }
      if (deleted !== null) {
        this.#expected.delete(deleted);
        this.#exists.delete(deleted);
      }
      if (listing) found.push(...this.#missing(record, new Set(seen.map(([key]) => key)), touched));
      for (const [key, entity] of seen) {
        if (touchedByOthers(touched, key, record.actorId)) continue;
        const expected = this.#expected.get(key)?.get(record.actorId);
        if (!expected) continue;
        for (const [field, { value, seq }] of expected) {
          const shown = fieldOf(entity, field);
          if (jsonEqual(shown, value)) continue;
          expected.delete(field);
          found.push({
            message: `read-your-writes: my read does not show my own write of '${field}'`,
            actorId: record.actorId, actionSeq: record.seq, simTime: record.simTime,
            actions: { write: seq, read: record.seq },
            detail: { key, field, written: value, shown: shown ?? null },
          });
        }
      }
    }
    // Actors that wrote the same key concurrently cannot tell whose write landed last.
    for (const [key, actors] of touched) {
      if (actors.size < 2) continue;
      const byActor = this.#expected.get(key);
      if (byActor) for (const actorId of actors) byActor.delete(actorId);
    }
    return found;
  }

  /** Complains (once) of each entity the actor wrote that its listing does not show. */
  #missing(record: ModelledAction['record'], shown: ReadonlySet<string>, touched: ReadonlyMap<string, ReadonlySet<number>>): Violation[] {
    const found: Violation[] = [];
    for (const [key, byActor] of this.#exists) {
      const seq = byActor.get(record.actorId);
      if (seq === undefined || shown.has(key) || touchedByOthers(touched, key, record.actorId)) continue;
      byActor.delete(record.actorId);
      found.push({
        message: `read-your-writes: my listing does not show '${key}', which I wrote and nobody deleted`,
        actorId: record.actorId, actionSeq: record.seq, simTime: record.simTime,
        actions: { write: seq, read: record.seq },
        detail: { key, missing: true },
      });
    }
    return found;
  }

  #wrote(key: string, actorId: number, seq: number): void {
    let byActor = this.#exists.get(key);
    if (!byActor) this.#exists.set(key, (byActor = new Map()));
    if (!byActor.has(actorId)) byActor.set(actorId, seq);
  }

  #mine(key: string, actorId: number): Map<string, Expected> {
    let byActor = this.#expected.get(key);
    if (!byActor) this.#expected.set(key, (byActor = new Map()));
    let mine = byActor.get(actorId);
    if (!mine) byActor.set(actorId, (mine = new Map()));
    return mine;
  }
}
