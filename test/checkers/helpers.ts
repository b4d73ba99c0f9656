import type { ActionRecord, Json, Outcome } from '../../src/store/records.ts';
import type { Checker, Violation } from '../../src/checkers/types.ts';
import type { EntityModel } from '../../src/checkers/entity-model.ts';

export interface Item {
  id: string;
  title: string;
  done: boolean;
  version: number;
}

/** A todo-like model: setDone / rename write one field each, list and get read, remove deletes. */
export const itemModel: EntityModel = {
  writes: {
    setDone: (args: { id: string }) => ({ key: args.id, fields: { done: true } }),
    rename: (args: { id: string; title: string }) => ({ key: args.id, fields: { title: args.title } }),
  },
  reads: {
    list: (_args, items: Item[]) => items.map((t) => [t.id, t as unknown as Json] as const),
    get: (_args, item: Item) => [[item.id, item as unknown as Json] as const],
  },
  deletes: { remove: (args: { id: string }) => args.id },
};

export function item(id: string, fields: Partial<Item> = {}): Item {
  return { id, title: 'untitled', done: false, version: 1, ...fields };
}

let nextSeq = 0;

/** Hand-made action records; each call is its own engine step unless `step` is given. */
export function act(actorId: number, action: string, args: Record<string, Json>, result: unknown, options: { step?: number; outcome?: Outcome; seq?: number } = {}): ActionRecord {
  const seq = options.seq ?? nextSeq++;
  return {
    runId: 'r', seq, actorId, action, args, outcome: options.outcome ?? 'ok', result: (options.outcome ?? 'ok') === 'ok' ? (result as Json) : null,
    error: null, simTime: seq * 1000, step: options.step ?? seq, wallStartUs: 0, wallEndUs: 0, latencyMs: 0,
  };
}

/** Feeds records (in the given order) to a fresh run of the checker; returns every violation, the end's included. */
export function feed(checker: Checker, records: ActionRecord[]): Violation[] {
  const run = checker.start();
  const out: Violation[] = [];
  const add = (v: Violation | readonly Violation[] | null) => {
    if (v === null) return;
    if (Array.isArray(v)) out.push(...(v as readonly Violation[]));
    else out.push(v as Violation);
  };
  for (const r of records) add(run.onAction(r));
  if (run.atEnd) add(run.atEnd());
  return out;
}
