import type { ActionRecord, Json } from '../store/records.ts';
import { userCodeError } from '../util/user-code.ts';
import type { StartedChecker, Violation, Violations } from './types.ts';

/** Fields a write sets on one entity, by name. */
export type Fields = Readonly<Record<string, Json>>;

/**
 * How a checker reads the action log: which actions write which entity (by key) and which
 * fields they set, which actions show entities, and which delete them. Fields are assumed
 * independent: a write of `title` does not change `completed`.
 *
 * The functions get the recorded args and result. `writes` and `deletes` are called for every
 * outcome: for an action that failed (outcome `error` or `crash`) the result is `null`, so take
 * the key and fields from args when you can, or return null (`(a, r) => r && { key: r.id, ... }`).
 * `reads` and `listings` are called for ok outcomes only. They are called as the run goes (after
 * the step of the action is over, or when the run ends). One that throws stops the run: it is
 * kept with status `failed`, and the CLI exits 6 naming the model function, the action and the
 * line of your code that threw.
 *
 * @example
 * const todos: EntityModel = {
 *   writes: {
 *     completeTodo: (args: { id: string }) => ({ key: args.id, fields: { completed: true } }),
 *     renameTodo: (args: { id: string; title: string }) => ({ key: args.id, fields: { title: args.title } }),
 *   },
 *   reads: {
 *     listTodos: (_args, todos: Todo[]) => todos.map((t) => [t.id, t]),
 *     getTodo: (_args, todo: Todo) => [[todo.id, todo]],
 *   },
 *   deletes: { deleteTodo: (args: { id: string }) => args.id },
 * };
 */
export interface EntityModel {
  /** By action name: the entity the action writes and the fields it sets, or null. `result` is `null` when the action failed. */
  writes: Readonly<Record<string, (args: any, result: any) => { key: string; fields: Fields } | null>>;
  /** Called for ok outcomes only: the `[key, entity]` pairs the result shows. */
  reads: Readonly<Record<string, (args: any, result: any) => Iterable<readonly [string, Json]>>>;
  /** By action name: the key of the entity the action deletes, or null. `result` is `null` when the action failed. */
  deletes?: Readonly<Record<string, (args: any, result: any) => string | null>>;
  /**
   * Reads (names from `reads`) whose ok result lists every entity the acting actor may see: not
   * one page of many, not a filter that can hide an entity. `true`, or a function of the args
   * that says whether this call lists everything (`(args) => args.done === undefined`). An
   * entity an actor wrote and nobody deleted must appear in that actor's later listings;
   * `readYourWrites` complains when it does not (a lost create). Default: no listings.
   */
  listings?: Readonly<Record<string, boolean | ((args: any) => boolean)>>;
}

/** One action as the model sees it. */
export interface ModelledAction {
  record: ActionRecord;
  write: { key: string; fields: Fields } | null;
  deleted: string | null;
  /** Entities the action showed (ok reads only). */
  seen: ReadonlyArray<readonly [string, Json]>;
  /** True for an ok read that lists every entity the actor may see (see `EntityModel.listings`). */
  listing: boolean;
}

/**
 * Base of the built-in checkers. Actions of one engine step may have run concurrently (and are
 * told in the order they finished), while actions of different steps never overlap. So the
 * records of a step are held back and judged together, in seq order, once the step is over: a
 * read is never judged against a write of another actor that may have landed around it.
 * Violations therefore come out one step late (or at the end of the run).
 */
export abstract class StepChecker implements StartedChecker {
  readonly #model: EntityModel;
  #step = -1;
  #held: ActionRecord[] = [];

  constructor(model: EntityModel) {
    this.#model = model;
  }

  onAction(record: ActionRecord): Violations {
    let out: Violations = null;
    // (A record of an earlier step, from an actor released by a stop request, joins the current one.)
    if (record.step > this.#step) {
      out = this.#flush();
      this.#step = record.step;
    }
    const { writes, reads, deletes } = this.#model;
    if (Object.hasOwn(writes, record.action) || Object.hasOwn(reads, record.action) || (deletes && Object.hasOwn(deletes, record.action))) {
      this.#held.push(record);
    }
    return out;
  }

  atEnd(): Violations {
    return this.#flush();
  }

  #flush(): Violation[] | null {
    if (this.#held.length === 0) return null;
    const held = this.#held.sort((a, b) => a.seq - b.seq);
    this.#held = [];
    const step = held.map((r) => this.#modelled(r));
    const found = this.judgeStep(step, touchedByActor(step));
    return found.length > 0 ? found : null;
  }

  #modelled(record: ActionRecord): ModelledAction {
    const { writes, reads, deletes } = this.#model;
    const ok = record.outcome === 'ok';
    const result = ok ? record.result : null;
    let part = 'writes';
    try {
      const w = Object.hasOwn(writes, record.action) ? writes[record.action]!(record.args, result) : null;
      part = 'deletes';
      const d = deletes && Object.hasOwn(deletes, record.action) ? deletes[record.action]!(record.args, result) : null;
      part = 'reads';
      const read = ok && Object.hasOwn(reads, record.action);
      const seen = read ? [...reads[record.action]!(record.args, result)] : [];
      part = 'listings';
      return { record, write: w, deleted: d, seen, listing: read && this.#lists(record) };
    } catch (thrown) {
      throw userCodeError(`model ${part}.${record.action}()`, thrown, {
        action: { seq: record.seq, action: record.action, actorId: record.actorId },
        ...(ok ? {} : { advice: `The action failed (outcome ${record.outcome}), so its result is null` }),
      });
    }
  }

  #lists(record: ActionRecord): boolean {
    const listings = this.#model.listings;
    if (!listings || !Object.hasOwn(listings, record.action)) return false;
    const lists = listings[record.action]!;
    return typeof lists === 'function' ? lists(record.args) : lists;
  }

  /** Judges one step's actions, in seq order. `touched` maps each key written or deleted in the step (any outcome) to the actors that did it. */
  protected abstract judgeStep(step: readonly ModelledAction[], touched: ReadonlyMap<string, ReadonlySet<number>>): Violation[];
}

function touchedByActor(step: readonly ModelledAction[]): Map<string, Set<number>> {
  const touched = new Map<string, Set<number>>();
  for (const a of step) {
    for (const key of [a.write?.key, a.deleted]) {
      if (key == null) continue;
      let actors = touched.get(key);
      if (!actors) touched.set(key, (actors = new Set()));
      actors.add(a.record.actorId);
    }
  }
  return touched;
}

/** True when another actor than `actorId` wrote or deleted `key` in the step. */
export function touchedByOthers(touched: ReadonlyMap<string, ReadonlySet<number>>, key: string, actorId: number): boolean {
  const actors = touched.get(key);
  if (!actors) return false;
  return actors.size > 1 || !actors.has(actorId);
}

/** A field of an entity (undefined when the entity is not an object or lacks it). */
export function fieldOf(entity: Json, field: string): Json | undefined {
  return entity !== null && typeof entity === 'object' && !Array.isArray(entity) ? entity[field] : undefined;
}

/** Structural equality of JSON values. */
export function jsonEqual(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bs = b as Json[];
    return a.length === bs.length && a.every((v, i) => jsonEqual(v, bs[i]));
  }
  const ao = a as Record<string, Json>;
  const bo = b as Record<string, Json>;
  const keys = Object.keys(ao);
  return keys.length === Object.keys(bo).length && keys.every((k) => Object.hasOwn(bo, k) && jsonEqual(ao[k], bo[k]));
}
