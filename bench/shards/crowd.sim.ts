// A crowd with no target: each actor does an in-process action once a sim minute. What a shard
// costs without a service in the way (the engine and the store are all there is to measure).
import { defineAction, defineBehavior, defineParams, defineSimulation, STOP } from 'beamulator';

const params = defineParams({
  actors: { type: 'number', default: 1000 },
  turns: { type: 'number', default: 50 },
});

const visit = defineAction('visit', async (args: { page: number }) => ({ page: args.page, ok: true }));

const visitor = defineBehavior({
  name: 'Visitor',
  initialState: undefined,
  act: async (ctx) => {
    if (ctx.turn > (ctx.params as { turns: number }).turns) return STOP;
    await ctx.execute(visit, { page: ctx.rng.int(1, 500) });
    return '1m';
  },
});

export default defineSimulation({
  name: 'crowd', duration: '1d', params,
  population: [{ behavior: visitor, count: (p) => p.actors as number, start: { jitter: '1m' } }],
});
