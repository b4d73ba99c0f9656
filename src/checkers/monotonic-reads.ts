import type { Json } from '../store/records.ts';
import { StepChecker, type EntityModel, type ModelledAction } from './entity-model.ts';
import type { CheckerOptions } from './read-your-writes.ts';
import type { Checker, Violation } from './types.ts';

export interface MonotonicReadsOptions extends CheckerOptions {
  /** Actions whose results show entities: `[key, entity]` pairs (a write's result may count too). */
  reads: EntityModel['reads'];
  /** Actions that delete an entity (its versions start over if the key is reused). */
  deletes?: EntityModel['deletes'];
  /** The entity's version, increasing with every write (null when it has none). */
  version: (entity: any) => number | null;
}

interface Seen {
  version: number;
  seq: number;
  /** The highest version already complained about, so one stale entity complains once per version seen. */
  reported: number;
}

/**
 * Monotonic reads: an actor must never see an older version of an entity than one it saw
 * before. A delete of the key (by anyone) starts it over.
 *
 * @example
 * monotonicReads({ reads: { listTodos: (_a, r) => r.map((t) => [t.id, t]) }, version: (t) => t.version })
 */
export function monotonicReads(options: MonotonicReadsOptions): Checker {
  const name = options.name ?? 'monotonic-reads';
  const model: EntityModel = { writes: {}, reads: options.reads, ...(options.deletes ? { deletes: options.deletes } : {}) };
  return { name, severity: options.severity ?? 'urgent', start: () => new MonotonicReads(model, options.version) };
}

class MonotonicReads extends StepChecker {
  /** key -> actor -> the newest version it saw. */
  readonly #seen = new Map<string, Map<number, Seen>>();

  constructor(model: EntityModel, readonly version: (entity: Json) => number | null) {
    super(model);
  }

  protected judgeStep(step: readonly ModelledAction[]): Violation[] {
    const found: Violation[] = [];
    const deletedBy = new Map<string, Set<number>>();
    for (const { record, deleted } of step) {
      if (deleted === null) continue;
      let actors = deletedBy.get(deleted);
      if (!actors) deletedBy.set(deleted, (actors = new Set()));
      actors.add(record.actorId);
    }
    for (const { record, deleted, seen } of step) {
      if (deleted !== null) this.#seen.delete(deleted);
      for (const [key, entity] of seen) {
        const deleters = deletedBy.get(key);
        if (deleters && (deleters.size > 1 || !deleters.has(record.actorId))) continue;
        const version = this.version(entity);
        if (version === null) continue;
        let byActor = this.#seen.get(key);
        if (!byActor) this.#seen.set(key, (byActor = new Map()));
        const before = byActor.get(record.actorId);
        if (!before) {
          byActor.set(record.actorId, { version, seq: record.seq, reported: -Infinity });
        } else if (version > before.version) {
          before.version = version;
          before.seq = record.seq;
        } else if (version < before.version && before.reported < before.version) {
          before.reported = before.version;
          found.push({
            message: 'monotonic reads: I see an older version of an entity than I saw before',
            actorId: record.actorId, actionSeq: record.seq, simTime: record.simTime,
            actions: { earlier: before.seq, read: record.seq },
            detail: { key, sawVersion: before.version, nowVersion: version },
          });
        }
      }
    }
    for (const [key] of deletedBy) this.#seen.delete(key);
    return found;
  }
}
