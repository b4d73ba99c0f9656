import type { Json } from '../store/records.ts';
import { StepChecker, fieldOf, jsonEqual, touchedByOthers, type EntityModel, type ModelledAction } from './entity-model.ts';
import type { CheckerOptions } from './read-your-writes.ts';
import type { Checker, Violation } from './types.ts';

export interface LostUpdateOptions extends CheckerOptions {
  /**
   * Report only writes that overlapped another actor's write of the same entity (default true):
   * the lost-update signature. With false, any read (by anyone) that misses the last write of a
   * field is reported, which also catches stale reads.
   */
  requireOverlap?: boolean;
}

interface Write {
  actorId: number;
  seq: number;
  value: Json;
}

interface FieldState {
  step: number;
  /** The last write of the field by each actor in that step: any of them may have landed last. */
  writes: Write[];
  /** Other actors' writes of the same entity in that step (any field). */
  overlapping: number[];
}

/**
 * Lost update: a later read of entity K (by anyone) must show, for every field, the value of the
 * last successful write of that field, unless a later write of the field replaced it. Writes
 * declare the fields they set; when several actors wrote a field in one step (concurrently) any
 * of their values is accepted. A failed write makes the field unknown until the next successful
 * one; a delete forgets the entity; a read in a step where another actor wrote or deleted K is
 * not judged. Each missed write complains once, pointing at the write, the writes it overlapped
 * and the read.
 *
 * @example
 * lostUpdate({ writes: { completeTodo: (a) => ({ key: a.id, fields: { completed: true } }), renameTodo: (a) => ({ key: a.id, fields: { title: a.title } }) },
 *              reads: { listTodos: (_a, r) => r.map((t) => [t.id, t]) }, deletes: { deleteTodo: (a) => a.id } })
 */
export function lostUpdate(options: EntityModel & LostUpdateOptions): Checker {
  const name = options.name ?? 'lost-update';
  const requireOverlap = options.requireOverlap ?? true;
  return { name, severity: options.severity ?? 'urgent', start: () => new LostUpdate(options, requireOverlap) };
}

class LostUpdate extends StepChecker {
  /** key -> field -> its last write(s); a field absent is unknown (never written, or a failed write). */
  readonly #fields = new Map<string, Map<string, FieldState>>();

  constructor(model: EntityModel, readonly requireOverlap: boolean) {
    super(model);
  }

  protected judgeStep(step: readonly ModelledAction[], touched: ReadonlyMap<string, ReadonlySet<number>>): Violation[] {
    const found: Violation[] = [];
    const stepNo = step[0]!.record.step;
    const writesOf = new Map<string, Array<{ actorId: number; seq: number }>>();
    for (const { record, write } of step) {
      if (!write) continue;
      let list = writesOf.get(write.key);
      if (!list) writesOf.set(write.key, (list = []));
      list.push({ actorId: record.actorId, seq: record.seq });
    }
    for (const { record, write, deleted, seen } of step) {
      if (write) {
        const fields = this.#entity(write.key);
        for (const [field, value] of Object.entries(write.fields)) {
          if (record.outcome !== 'ok') {
            fields.delete(field);
            continue;
          }
          let state = fields.get(field);
          if (!state || state.step !== stepNo) {
            const overlapping = writesOf.get(write.key)!.filter((w) => w.actorId !== record.actorId).map((w) => w.seq);
            fields.set(field, (state = { step: stepNo, writes: [], overlapping }));
          }
          state.writes = state.writes.filter((w) => w.actorId !== record.actorId);
          state.writes.push({ actorId: record.actorId, seq: record.seq, value });
        }
      }
      if (deleted !== null) this.#fields.delete(deleted);
      for (const [key, entity] of seen) {
        if (touchedByOthers(touched, key, record.actorId)) continue;
        const fields = this.#fields.get(key);
        if (!fields) continue;
        for (const [field, state] of fields) {
          if (this.requireOverlap && state.overlapping.length === 0) continue;
          const shown = fieldOf(entity, field);
          if (state.writes.some((w) => jsonEqual(w.value, shown))) continue;
          fields.delete(field);
          const writes = state.writes.map((w) => w.seq);
          found.push({
            message: `lost update: a read shows '${field}' without the last write of it`,
            actorId: record.actorId, actionSeq: record.seq, simTime: record.simTime,
            actions: { write: writes.length === 1 ? writes[0]! : writes, overlapping: state.overlapping, read: record.seq },
            detail: { key, field, written: state.writes.map((w) => w.value), shown: shown ?? null },
          });
        }
      }
    }
    // A delete in this step may have come before or after the other actions on the key.
    for (const { deleted } of step) if (deleted !== null) this.#fields.delete(deleted);
    return found;
  }

  #entity(key: string): Map<string, FieldState> {
    let fields = this.#fields.get(key);
    if (!fields) this.#fields.set(key, (fields = new Map()));
    return fields;
  }
}
