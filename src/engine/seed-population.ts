import type { Action } from '../actions/action.ts';
import type { ActionRecord, Json } from '../store/records.ts';
import { BeamulatorError, errorMessage, isBeamulatorError } from '../util/errors.ts';
import { nonJsonPath } from '../util/non-json-path.ts';
import type { ParamValues } from '../util/params.ts';
import type { ActionResult } from './actor-context.ts';
import { ActionCall, type ActionRunContext } from './execute-action.ts';
import type { RunRecorder } from './run-recorder.ts';
import type { SeedContext, SeededActor } from './seed-from-target.ts';
import { resolveBehavior, type Simulation } from './simulation.ts';
import type { StoredSeed } from './stored-seed.ts';

/** The actor id of the seeder: it is the run's first actor, so the seeded ones follow it in population order. */
export const SEEDER_ID = 0;


/** What the seeder's reads are executed and recorded with (the engine). */
export interface SeedRun {
  readonly recorder: RunRecorder;
  readonly actionRun: ActionRunContext;
  readonly params: ParamValues;
}

/** True when some entry of the population is built from the target. */
export function seedsFromTarget(population: Simulation['population']): boolean {
  return population.some((entry) => entry.fromTarget !== undefined);
}

/**
 * Calls every `fromTarget` of the population in order, its reads executed and recorded as the
 * seeder's actions, and checks what each returned. Throws BEAM_SEED for one that threw or
 * returned something that is not a list of actors with plain-JSON states.
 */
export async function seedPopulation(run: SeedRun, sim: Simulation, population: Simulation['population']): Promise<Map<number, SeededActor[]>> {
  const seeds = new Map<number, SeededActor[]>();
  const ctx = seedContext(run);
  for (const [index, entry] of population.entries()) {
    if (!entry.fromTarget) continue;
    const who = `population[${index}] (${resolveBehavior(sim, entry.behavior).name})`;
    let returned: unknown;
    try {
      returned = await entry.fromTarget(ctx as SeedContext<never>);
    } catch (error) {
      if (isBeamulatorError(error)) throw error;
      throw seedError(who, `its fromTarget threw: ${errorMessage(error)}`, 'Fix fromTarget; the reads it made are recorded with the run', error);
    }
    seeds.set(index, checkSeeded(who, returned));
  }
  return seeds;
}

/** Records a stored seed's reads again, verbatim, under the new run (a replay does not read the target again). */
export function rerecordSeed(recorder: RunRecorder, runId: string, seed: StoredSeed): void {
  for (const action of seed.actions) {
    recorder.nextActionSeq();
    recorder.action({ ...action, runId });
  }
}

/**
 * The seeder actor's config: how many actors each fromTarget entry gave (a replay splits the
 * stored actors by it). A shard stores only its own actors, so `sharded` also keeps the whole
 * list each entry gave (`seeded`): a replay of the shard rebuilds the population with the same
 * ids, and `merge` checks that the shards got the same list (see seedDisagreement).
 */
export function seederConfig(seeds: ReadonlyMap<number, readonly SeededActor[]>, sharded = false): Json {
  return {
    entries: [...seeds].map(([entry, actors]) => ({
      entry, actors: actors.length,
      ...(sharded ? { seeded: actors.map((a) => JSON.parse(JSON.stringify({ name: a.name, config: a.config, state: a.state })) as Json) } : {}),
    })),
  };
}

/**
 * The seed a run stored, from its actors (the seeder, then the seeded ones in id order) and its
 * actions (the seeder's); null for a run that seeded nothing.
 */
export function storedSeedOf(actors: ReadonlyArray<{ actorId: number; origin: string; name: string; config: Json; initialState: Json }>, actions: readonly ActionRecord[]): StoredSeed | null {
  const seeder = actors.find((a) => a.origin === 'seeder');
  if (!seeder) return null;
  const entries = ((seeder.config as { entries?: Array<{ entry: number; actors: number; seeded?: SeededActor[] }> } | null)?.entries ?? []);
  const seeded = actors.filter((a) => a.origin === 'target').sort((a, b) => a.actorId - b.actorId);
  const byEntry = new Map<number, SeededActor[]>();
  let next = 0;
  for (const { entry, actors: count, seeded: whole } of entries) {
    byEntry.set(entry, whole ?? seeded.slice(next, next + count).map((a) => ({ name: a.name, config: a.config, state: a.initialState })));
    next += count;
  }
  return { byEntry, actions: actions.filter((a) => a.actorId === seeder.actorId) };
}

function seedContext(run: SeedRun): SeedContext {
  return {
    params: run.params,
    targetUrl: run.actionRun.targetUrl,
    async execute<A, R>(action: Action<A, R>, args: A): Promise<ActionResult<R>> {
      if (!action || typeof action.run !== 'function' || typeof action.name !== 'string') {
        throw new TypeError(`ctx.execute needs an action made with defineActions (got ${typeof action})`);
      }
      const seq = run.recorder.nextActionSeq();
      const call = new ActionCall<A, R>(run.actionRun, action, seq, SEEDER_ID, 0, 0);
      try {
        call.succeeded(await call.start(args));
      } catch (thrown) {
        call.failed(thrown);
      }
      const record = call.finish(args);
      run.recorder.action(record);
      return { ok: record.outcome === 'ok', outcome: record.outcome, value: call.value, error: record.error, seq, latencyMs: record.latencyMs };
    },
  };
}

function checkSeeded(who: string, returned: unknown): SeededActor[] {
  const hint = 'Return a list like [{ name, config, state }], each state plain JSON';
  if (!Array.isArray(returned)) {
    throw seedError(who, `its fromTarget returned ${describe(returned)}, not a list of actors`, hint);
  }
  return returned.map((actor: unknown, i) => {
    if (typeof actor !== 'object' || actor === null || Array.isArray(actor)) throw seedError(who, `its fromTarget returned ${describe(actor)} at [${i}], not an actor`, hint);
    const { name, config, state } = actor as Record<string, unknown>;
    if (state === undefined) throw seedError(who, `actor [${i}] that its fromTarget returned has no state`, hint);
    if (name !== undefined && (typeof name !== 'string' || name === '')) throw seedError(who, `actor [${i}] that its fromTarget returned has name ${describe(name)}`, 'Give a non-empty string, or no name');
    const bad = nonJsonPath(state, `[${i}].state`) ?? (config === undefined ? null : nonJsonPath(config, `[${i}].config`));
    if (bad) throw seedError(who, `its fromTarget returned ${bad.what} at ${bad.path}, which a replay cannot restore`, 'Keep states and configs plain JSON (objects, arrays, strings, finite numbers, booleans, null)');
    return actor as SeededActor;
  });
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${String(value)}`;
}

function seedError(who: string, why: string, hint: string, cause?: unknown): BeamulatorError {
  return new BeamulatorError('BEAM_SEED', `cannot seed ${who} from the target: ${why}`, hint, cause === undefined ? undefined : { cause });
}
