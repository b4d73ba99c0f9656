import { afterEach, describe, expect, it } from 'vitest';
import {
  defineActions, defineBehavior, defineSimulation, openStore, readRunBundle, replayRun, runSimulation,
  type ActionRecord, type ActorMessage, type EventRecord, type RunControl, type RunOptions, type RunStore,
} from 'beamulator';
import { deterministicLog } from './helpers.ts';

/**
 * A market: shoppers browse and buy, a seller answers the offers it is sent, and an auditor
 * (known to the simulation, in no population entry) exists only to be spawned. The service is
 * in-process and made per simulation, so every run (and replay) starts from the same state.
 */
function makeMarket(options: { shoppers?: number; sellerTimeout?: string; auditor?: boolean } = {}) {
  let sold = 0;
  const actions = defineActions({
    browse: async (args: { page: number }) => {
      await Promise.resolve();
      return { page: args.page };
    },
    buy: async (args: { item: string }) => {
      await Promise.resolve();
      return { order: ++sold, item: args.item };
    },
    answer: async (args: { to: number | null; offer: unknown; at: number }) => args,
    audit: async (args: { note: string }) => ({ audited: args.note }),
    boom: async (): Promise<never> => {
      throw new Error('bug in the action');
    },
  });
  const shopper = defineBehavior({
    name: 'Shopper',
    initialState: { bought: 0 },
    async act(ctx) {
      if (ctx.rng.chance(0.3)) {
        await ctx.execute(actions.buy, { item: ctx.rng.pick(['lamp', 'desk', 'chair']) });
        ctx.state.bought++;
        ctx.send({ behavior: 'Seller' }, { bought: ctx.state.bought, by: ctx.name });
      } else {
        await ctx.execute(actions.browse, { page: ctx.rng.int(1, 9) });
      }
      return ctx.rng.int(1, 20) * 60_000;
    },
  });
  const seller = defineBehavior({
    name: 'Seller',
    initialState: { heard: 0 },
    async act(ctx) {
      const offer = await ctx.nextMessage({ timeout: options.sellerTimeout ?? '2h' });
      if (offer) {
        ctx.state.heard++;
        await ctx.execute(actions.answer, { to: offer.from, offer: offer.body, at: ctx.now });
      }
      return 0;
    },
  });
  const auditor = defineBehavior({
    name: 'Auditor',
    initialState: { audits: 0 },
    tags: ['staff'],
    async act(ctx) {
      ctx.state.audits++;
      await ctx.execute(actions.audit, { note: `${ctx.name} audit ${ctx.state.audits}` });
      return '30m';
    },
  });
  const sim = defineSimulation({
    name: 'market', actions, behaviors: options.auditor === false ? [] : [auditor], duration: '4h',
    population: [{ behavior: shopper, count: options.shoppers ?? 4, start: { jitter: '10m' } }, { behavior: seller, count: 1, tags: ['shop'] }],
  });
  return { sim, actions };
}

/** Control calls made at fixed points of the run (after given action seqs), as a dashboard might. */
function controlAt(script: Record<number, (control: RunControl) => void>): Pick<RunOptions, 'onControl' | 'hooks'> & { errors: unknown[] } {
  let control: RunControl | null = null;
  const errors: unknown[] = [];
  return {
    errors,
    onControl: (c) => {
      control = c;
      script[-1]?.(c);
    },
    hooks: {
      onAction: (a) => {
        const step = script[a.seq];
        if (step && control) {
          try {
            step(control);
          } catch (error) {
            errors.push(error);
          }
        }
      },
    },
  };
}

/** Like helpers' collect (no store; what the hooks publish), keeping the caller's onAction (the control script). */
async function collect(sim: ReturnType<typeof makeMarket>['sim'], options: RunOptions = {}) {
  const own = options.hooks?.onAction;
  const actions: ActionRecord[] = [];
  const events: EventRecord[] = [];
  const result = await runSimulation(sim, {
    db: false, ...options,
    hooks: {
      onAction: (a) => {
        actions.push(a);
        own?.(a);
      },
      onEvent: (e) => events.push(e),
    },
  });
  return { result, actions, events };
}

let store: RunStore | null = null;
afterEach(async () => {
  await store?.close();
  store = null;
});

async function recordRun(sim: ReturnType<typeof makeMarket>['sim'], options: RunOptions) {
  store ??= await openStore(':memory:');
  const result = await runSimulation(sim, { seed: 'market', ...options, db: store });
  const bundle = await readRunBundle(store, result.runId);
  return { result, bundle, controls: bundle.events.filter((e) => e.kind === 'control') };
}

const withoutRun = (events: EventRecord[]) => events.map(({ runId: _r, ...e }) => e);

describe('RunControl', () => {
  it('spawns, tags, sets state, runs an action as an actor, replaces and removes; each call is a control event with its source', async () => {
    const { sim } = makeMarket();
    const seen: Record<string, unknown> = {};
    const script = controlAt({
      [-1]: (c) => {
        void c.spawn('Auditor', 2, { name: 'Audra', tags: ['night'], config: { floor: 2 }, source: 'test', clientId: 'tab-1' }).then((a) => (seen.spawned = a));
      },
      5: (c) => {
        const [audra] = c.actors({ name: 'Audra 1' });
        void c.tag(audra!, 'vip').then((a) => (seen.tagged = a));
        void c.untag(audra!.id, 'night');
        void c.setState(audra!.id, { audits: 100 });
        void c.setState(0, (s) => ({ ...(s as object), note: 'set by a function' }));
        void c.runAction(0, 'browse', { page: 42 }, { source: 'dashboard' }).then((r) => (seen.action = r));
      },
      12: (c) => {
        void c.replace(c.actors({ name: 'Audra 2' })[0]!, 'Shopper').then((a) => (seen.replaced = a));
        void c.remove(1).then(() => c.tag(1, 'gone')).catch((e: Error) => (seen.afterRemove = e.message));
      },
    });
    const { result, bundle, controls } = await recordRun(sim, script);
    expect(script.errors).toEqual([]);
    expect(result.summary.actors).toBe(7);

    // Ids after the population's (4 shoppers + a seller: 0..4), names numbered after the given one.
    const spawned = seen.spawned as Array<{ id: number; name: string; behavior: string; tags: string[]; config: unknown }>;
    expect(spawned.map((a) => [a.id, a.name, a.behavior, a.tags, a.config])).toEqual([
      [5, 'Audra 1', 'Auditor', ['staff', 'night'], { floor: 2 }], [6, 'Audra 2', 'Auditor', ['staff', 'night'], { floor: 2 }],
    ]);
    expect(Object.isFrozen(spawned[0]) && Object.isFrozen(spawned[0]!.tags)).toBe(true);
    expect(bundle.actors.filter((a) => a.origin === 'runtime').map((a) => a.actorId)).toEqual([5, 6]);
    expect((seen.tagged as { tags: string[] }).tags).toEqual(['staff', 'night', 'vip']);

    // runAction: logged as actor 0's action, at the sim time it was applied.
    const ran = seen.action as { seq: number; ok: boolean; result: unknown };
    expect(ran).toMatchObject({ ok: true, outcome: 'ok', result: { page: 42 } });
    const row = bundle.actions.find((a) => a.seq === ran.seq)!;
    expect(row).toMatchObject({ actorId: 0, action: 'browse', args: { page: 42 } });

    expect(controls.map((e) => [(e.detail as { op: string }).op, e.actorId, (e.detail as { source: string }).source])).toEqual([
      ['spawn', null, 'test'], ['tag', 5, 'api'], ['untag', 5, 'api'], ['setState', 5, 'api'], ['setState', 0, 'api'],
      ['runAction', 0, 'dashboard'], ['replace', 6, 'api'], ['remove', 1, 'api'],
    ]);
    expect(controls[0]!.detail).toMatchObject({ op: 'spawn', behavior: 'Auditor', count: 2, clientId: 'tab-1', ids: [5, 6], step: 0 });
    // A function's result is recorded as the whole state (a replay cannot call the function).
    expect(controls[4]!.detail).toMatchObject({ op: 'setState', actor: 0, state: { bought: expect.any(Number), note: 'set by a function' } });
    expect(row.simTime).toBe(controls[5]!.simTime);

    // Replaced: same id, name, state; the Shopper's turns from then on. Removed: no more turns, no query sees it.
    const replacedAt = controls[6]!.simTime;
    const audra2 = bundle.actions.filter((a) => a.actorId === 6);
    expect(audra2.filter((a) => a.simTime > replacedAt).every((a) => a.action === 'buy' || a.action === 'browse')).toBe(true);
    expect(audra2.some((a) => a.simTime > replacedAt)).toBe(true);
    expect((seen.replaced as { behavior: string; name: string }).behavior).toBe('Shopper');
    expect(seen.afterRemove).toBe('cannot tag actor 1: the run has no such actor (it was removed). List the actors with actors()');
    const removedAt = controls[7]!.simTime;
    expect(bundle.actions.filter((a) => a.actorId === 1 && a.simTime > removedAt)).toEqual([]);
  });

  it.each([
    ['one turn at a time', {}],
    ['with concurrency 3 and a 5m overlap window', { concurrency: 3, overlapWindow: '5m' }],
  ] as const)('gives the same action log for the same seed and control calls, and a replay of a controlled run is identical (%s)', async (_, settings) => {
    const script = () => controlAt({
      [-1]: (c) => void c.spawn('Auditor'),
      8: (c) => {
        void c.setState(2, { bought: 50 });
        void c.send(4, { from: 'ops', note: 'restock' });
        void c.spawn('Shopper', 3, { source: 'dashboard' });
      },
      20: (c) => void c.remove(3),
      30: (c) => void c.runAction(6, 'buy', { item: 'gift' }),
    });
    const a = await collect(makeMarket().sim, { seed: 9, ...settings, ...script() });
    const b = await collect(makeMarket().sim, { seed: 9, ...settings, ...script() });
    expect(a.actions.length).toBeGreaterThan(60);
    expect(a.events.filter((e) => e.kind === 'control')).toHaveLength(6);
    expect(deterministicLog(a.actions)).toEqual(deterministicLog(b.actions));
    expect(withoutRun(a.events)).toEqual(withoutRun(b.events));
    // The control calls change the run: without them it is another log.
    const plain = await collect(makeMarket().sim, { seed: 9, ...settings });
    expect(deterministicLog(plain.actions)).not.toEqual(deterministicLog(a.actions));

    // Recorded, then replayed with no control at all: the recorded calls alone make it identical.
    const { result, bundle, controls } = await recordRun(makeMarket().sim, { seed: 9, ...settings, ...script() });
    expect(controls).toHaveLength(6);
    for (const mode of ['rerun', 'log'] as const) {
      const report = await replayRun(bundle, { simulation: makeMarket().sim, db: store!, mode });
      expect(report, mode).toMatchObject({ identical: true, divergenceCount: 0, compared: result.summary.actions });
      if (mode === 'rerun') {
        const replayed = (await readRunBundle(store!, report.replayRunId)).events.filter((e) => e.kind === 'control');
        expect(replayed.map(({ runId: _r, detail, ...e }) => ({ ...e, detail: { ...(detail as object), source: null } })))
          .toEqual(controls.map(({ runId: _r, detail, ...e }) => ({ ...e, detail: { ...(detail as object), source: null } })));
        expect(replayed.every((e) => (e.detail as { source: string }).source === 'replay')).toBe(true);
      }
    }
  });

  it('refuses an unknown behavior, an unknown actor and bad arguments with one-line errors, and changes nothing', async () => {
    const outcomes: Array<Promise<string>> = [];
    // Each outcome is read as soon as it settles (an unread rejection would be unhandled).
    const settle = (...calls: Array<Promise<unknown>>) => outcomes.push(...calls.map((p) => p.then(
      () => 'applied', (e: { code: string; message: string }) => `${e.code}: ${e.message}`,
    )));
    const { sim } = makeMarket();
    const script = controlAt({
      [-1]: (c) => {
        settle(
          c.spawn('Ghost'), c.spawn('Shopper', 0), c.spawn('Shopper', 1, { tags: [''] }), c.remove(99), c.remove(-1),
          c.replace(0, 'Nobody'), c.runAction(0, 'fly', {}), c.setState(0, [1] as never), c.tag(0, ''),
          c.send({ colour: 'red' } as never, {}), c.setState(0, () => {
            throw new Error('oops');
          }),
        );
      },
    });
    const { controls, bundle } = await recordRun(sim, { ...script, duration: '10m' });
    expect(await Promise.all(outcomes)).toEqual([
      "BEAM_UNKNOWN_BEHAVIOR: cannot spawn \"Ghost\": simulation 'market' has no behavior of that name. Known behaviors: Auditor, Shopper, Seller; list others in the simulation's behaviors: [...]",
      "BEAM_USAGE: cannot spawn 0 'Shopper' actors: the count must be a whole number from 1 to 100000. E.g. spawn('Shopper', 10)",
      "BEAM_USAGE: cannot spawn 'Shopper' with tags [\"\"]: tags are a list of non-empty strings. E.g. tags: ['late']",
      'BEAM_UNKNOWN_ACTOR: cannot remove actor 99: the run has no such actor. List the actors with actors()',
      'BEAM_UNKNOWN_ACTOR: cannot remove actor -1: an actor is named by its id (a whole number >= 0). E.g. 3, or an actor from actors()',
      "BEAM_UNKNOWN_BEHAVIOR: cannot give actor 0 behavior \"Nobody\": simulation 'market' has no behavior of that name. Known behaviors: Auditor, Shopper, Seller; list others in the simulation's behaviors: [...]",
      "BEAM_USAGE: cannot run action \"fly\": simulation 'market' has no action of that name. Known actions: browse, buy, answer, audit, boom",
      'BEAM_USAGE: cannot set the state of actor 0: the change is an array. Pass an object to merge over the state, or a function (state) => newState',
      'BEAM_USAGE: cannot tag actor 0: the tag is "". A tag is a non-empty string',
      "BEAM_USAGE: cannot query actors by 'colour'. A query has id, name, behavior, tag and stopped",
      'BEAM_USAGE: cannot set the state of actor 0: the function threw (oops). Fix the function; the state is unchanged',
    ]);
    expect(controls).toEqual([]);
    expect(bundle.actors.map((a) => a.actorId)).toEqual([0, 1, 2, 3, 4]);
    expect(bundle.actors[0]!.initialState).toEqual({ bought: 0 });
  });

  it('a replay whose simulation lost what a recorded call needs says which call, and why', async () => {
    const { bundle } = await recordRun(makeMarket().sim, { duration: '1h', onControl: (c) => void c.spawn('Auditor') });
    await expect(replayRun(bundle, { simulation: makeMarket({ auditor: false }).sim, db: false })).rejects.toMatchObject({
      code: 'BEAM_UNKNOWN_BEHAVIOR',
      message: expect.stringMatching(/^cannot apply the recorded control call 'spawn' again at step 0: cannot spawn "Auditor": simulation 'market' has no behavior of that name\. .*\. The simulation changed since the run was recorded/),
    });
  });

  it('removing an actor paused mid-turn drops the rest of its turn; replacing one lets its turn finish, then the new behavior takes over', async () => {
    const log = defineActions({ note: async (args: { who: string; what: string }) => args });
    const napper = defineBehavior({
      name: 'Napper',
      initialState: {},
      async act(ctx) {
        await ctx.execute(log.note, { who: ctx.name, what: 'before nap' });
        await ctx.sleep('1h');
        await ctx.execute(log.note, { who: ctx.name, what: 'after nap' });
        return '1h';
      },
    });
    const worker = defineBehavior({
      name: 'Worker',
      initialState: {},
      async act(ctx) {
        await ctx.execute(log.note, { who: ctx.name, what: 'work' });
        return '1h';
      },
    });
    const sim = defineSimulation({ name: 'naps', actions: log, behaviors: [worker], population: [{ behavior: napper, count: 2 }], duration: '3h' });
    const { actions, events } = await collect(sim, controlAt({
      // After both took their first note (and went to sleep for an hour).
      1: (c) => {
        void c.remove(0);
        void c.replace(1, 'Worker');
      },
    }));
    expect(actions.map((a) => `${(a.args as { who: string }).who} ${(a.args as { what: string }).what} @${a.simTime / 60_000}m`)).toEqual([
      'Napper 1 before nap @0m', 'Napper 2 before nap @0m',
      // Napper 1 was removed at 0m, mid-nap: nothing more. Napper 2 was given Worker mid-nap: its nap ends as a Napper's.
      'Napper 2 after nap @60m', 'Napper 2 work @120m', 'Napper 2 work @180m',
    ]);
    expect(events.filter((e) => e.kind === 'crash')).toEqual([]);
  });

  it('an action run as an actor that throws is a crash, told to onCrash like one in a turn', async () => {
    const crashes: unknown[] = [];
    let ran: unknown;
    await runSimulation(makeMarket().sim, {
      db: false, duration: '10m',
      onControl: (c) => void c.runAction(2, 'boom', {}).then((r) => (ran = r)),
      hooks: { onCrash: (c) => crashes.push(c) },
    });
    expect(ran).toMatchObject({ ok: false, outcome: 'crash', error: expect.stringContaining('bug in the action') });
    expect(crashes).toEqual([{ actorId: 2, what: 'action boom (#0, run by a control call)', error: expect.stringContaining('bug in the action'), at: null }]);
  });

  it("spawns with the population's config for the behavior's next actor when given none (a given config wins)", async () => {
    const { actions } = makeMarket();
    const member = defineBehavior({
      name: 'Member',
      initialState: {},
      async act(ctx) {
        await ctx.execute(actions.browse, { page: 1 });
        return '1h';
      },
    });
    const sim = defineSimulation({
      name: 'club', actions, duration: '2h',
      population: [{ behavior: member, count: 2, config: (i: number, _p: unknown, name: string) => ({ desk: i, badge: name }) }],
    });
    const configs: Array<[string, unknown]> = [];
    await runSimulation(sim, {
      db: false, seed: 1,
      onControl: (c) => {
        void c.spawn('Member', 2).then((made) => configs.push(...made.map((a): [string, unknown] => [a.name, a.config])));
        void c.spawn('Member', 1, { config: { desk: 'given' } }).then((made) => configs.push(...made.map((a): [string, unknown] => [a.name, a.config])));
      },
    });
    expect(configs).toEqual([
      ['Member #2', { desk: 2, badge: 'Member #2' }], ['Member #3', { desk: 3, badge: 'Member #3' }], ['Member #4', { desk: 'given' }],
    ]);
  });

  it('refuses calls once the run has ended', async () => {
    let control: RunControl | null = null;
    await collect(makeMarket().sim, { duration: '5m', onControl: (c) => (control = c) });
    await expect(control!.spawn('Shopper')).rejects.toMatchObject({ code: 'BEAM_USAGE', message: 'cannot spawn: the run has ended. Control calls apply while the run is running' });
    expect(control!.actors({ behavior: 'Seller' })).toHaveLength(1);
  });
});

describe('queries and messages', () => {
  it('deliver in send order at the current sim time and wake an actor waiting in nextMessage', async () => {
    const { actions, events } = await collect(makeMarket().sim, { seed: 3 });
    const answers = actions.filter((a) => a.action === 'answer');
    const sent = events.filter((e) => e.kind === 'message');
    expect(sent.length).toBeGreaterThan(5);
    // Each purchase's message reached the seller, which answered at the very sim time it was sent.
    expect(answers.map((a) => (a.args as { at: number }).at)).toEqual(sent.map((e) => e.simTime));
    expect(answers.map((a) => (a.args as { to: number }).to)).toEqual(sent.map((e) => e.actorId));
    expect(sent.map((e) => (e.detail as { seq: number }).seq)).toEqual(sent.map((_, i) => i));
    expect(sent.every((e) => JSON.stringify((e.detail as { to: number[] }).to) === '[4]')).toBe(true);
  });

  it('time out with null when no message comes, and a timeout left behind by a message never wakes a later wait', async () => {
    const waits: Array<{ from: number; to: number; got: unknown }> = [];
    const waiter = defineBehavior({
      name: 'Waiter',
      initialState: {},
      async act(ctx) {
        const from = ctx.now;
        const message = await ctx.nextMessage({ timeout: '90m' });
        waits.push({ from, to: ctx.now, got: message?.body ?? null });
        return 0;
      },
    });
    // Messages at 10m and 30m: the first wait ends at 10m (its 90m timeout is left queued), the
    // second at 30m, the third times out at 120m, not at the 100m of the first's stale timeout.
    const pinger = defineBehavior({
      name: 'Pinger',
      initialState: {},
      act(ctx) {
        if (ctx.turn > 1) ctx.send(0, { ping: ctx.turn });
        return ctx.turn === 1 ? '10m' : ctx.turn === 2 ? '20m' : ctx.stop();
      },
    });
    await runSimulation(defineSimulation({ name: 'wait', population: [{ behavior: waiter }, { behavior: pinger }], duration: '4h' }), { db: false });
    const min = 60_000;
    expect(waits).toEqual([
      { from: 0, to: 10 * min, got: { ping: 2 } }, { from: 10 * min, to: 30 * min, got: { ping: 3 } },
      { from: 30 * min, to: 120 * min, got: null }, { from: 120 * min, to: 210 * min, got: null },
    ]);
  });

  it('order messages of a concurrent step by sender, not by which turn finished first', async () => {
    const got: ActorMessage[][] = [];
    for (const delays of [[5, 1, 3], [1, 5, 3]]) {
      const actions = defineActions({
        slow: async (args: { ms: number }) => new Promise((resolve) => setTimeout(() => resolve(args.ms), args.ms)),
      });
      const talker = defineBehavior({
        name: 'Talker',
        initialState: {},
        async act(ctx) {
          await ctx.execute(actions.slow, { ms: delays[ctx.actorId]! });
          ctx.send(3, { from: ctx.actorId, n: 1 });
          ctx.send(3, { from: ctx.actorId, n: 2 });
          return ctx.stop();
        },
      });
      const inbox: ActorMessage[] = [];
      const listener = defineBehavior({
        name: 'Listener',
        initialState: {},
        async act(ctx) {
          inbox.push(...ctx.messages());
          return ctx.turn > 2 ? ctx.stop() : '1m';
        },
      });
      await runSimulation(defineSimulation({ name: 'talk', actions, population: [{ behavior: talker, count: 3 }, { behavior: listener }] }), { db: false, concurrency: 4 });
      got.push(inbox);
    }
    expect(got[0]!.map((m) => m.body)).toEqual([0, 0, 1, 1, 2, 2].map((from, i) => ({ from, n: (i % 2) + 1 })));
    expect(got[1]).toEqual(got[0]);
  });

  it('lets a behavior query others as frozen copies, leaving itself out', async () => {
    const seen: unknown[] = [];
    const peer = defineBehavior({
      name: 'Peer',
      initialState: ({ actorId }) => ({ me: actorId }),
      act(ctx) {
        const others = ctx.actors({ behavior: 'Peer' });
        seen.push([ctx.actorId, others.map((o) => o.id), ctx.actors({ id: ctx.actorId })[0]!.state]);
        expect(() => ((others[0]!.state as { me: number }).me = 9)).toThrow(TypeError);
        return ctx.stop();
      },
    });
    await runSimulation(defineSimulation({ name: 'peers', population: [{ behavior: peer, count: 3 }] }), { db: false });
    expect(seen).toEqual([[0, [1, 2], { me: 0 }], [1, [2], { me: 1 }], [2, [], { me: 2 }]]);
  });
});

describe('across shards', () => {
  it('refuses a message or query naming an actor of another shard, naming both; a spawn gets an id of its own shard', async () => {
    const tried: string[] = [];
    const caller = defineBehavior({
      name: 'Caller',
      initialState: {},
      act(ctx) {
        for (const attempt of [() => ctx.send(1, { hi: true }), () => ctx.actors({ name: 'Caller 2' }), () => ctx.actors({ id: 3 })]) {
          try {
            attempt();
            tried.push('ok');
          } catch (error) {
            tried.push(`${(error as { code: string }).code}: ${(error as Error).message}`);
          }
        }
        ctx.send({ behavior: 'Caller' }, { hi: 'all' }); // a query: this shard's actors only
        return ctx.stop();
      },
    });
    let spawned: number[] = [];
    let refused = '';
    const sim = defineSimulation({ name: 'calls', behaviors: [], population: [{ behavior: caller, count: 4 }] });
    const { events } = await collect(sim, {
      shard: { index: 1, count: 2 },
      onControl: (c) => {
        void c.spawn('Caller', 2).then((a) => (spawned = a.map((x) => x.id)));
        c.remove(1).catch((e: Error) => (refused = e.message));
      },
    });
    expect(tried.slice(0, 3)).toEqual([
      'BEAM_UNKNOWN_ACTOR: cannot send a message from Caller 1 to actor 1: actor 1 is in shard 2/2 (by id), and this process runs shard 1/2. Messages and queries reach only the actors of their own shard (docs/sharding.md)',
      "BEAM_UNKNOWN_ACTOR: cannot find 'Caller 2': actor 1 is in shard 2/2 (by id), and this process runs shard 1/2. Messages and queries reach only the actors of their own shard (docs/sharding.md)",
      'BEAM_UNKNOWN_ACTOR: cannot find actor 3: actor 3 is in shard 2/2 (by id), and this process runs shard 1/2. Messages and queries reach only the actors of their own shard (docs/sharding.md)',
    ]);
    expect(refused).toBe('cannot remove actor 1: actor 1 is in shard 2/2 (by id), and this process runs shard 1/2. Messages and queries reach only the actors of their own shard (docs/sharding.md)');
    expect(spawned).toEqual([4, 6]);
    const broadcast = events.filter((e) => e.kind === 'message');
    expect(broadcast.every((e) => (e.detail as { to: number[] }).to.every((id) => id % 2 === 0))).toBe(true);
  });
});
