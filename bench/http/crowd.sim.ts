// IN_FLIGHT actors, each asking the target once every sim millisecond, with --concurrency IN_FLIGHT:
// the engine keeps that many requests in flight, every one recorded as an action with its exchange.
import { defineActions, defineBehavior, defineParams, defineSimulation } from 'beamulator';

const params = defineParams({ actors: { type: 'number', default: 32 } });

const actions = defineActions({
  get: async (_args: Record<string, never>, { http }) => (await http.get('/x')).json(),
});

const client = defineBehavior({
  name: 'Client', initialState: undefined,
  act: async (ctx) => {
    await ctx.execute(actions.get, {});
    return '1ms';
  },
});

export default defineSimulation({
  name: 'http-crowd', duration: '100d', params, actions,
  population: [{ behavior: client, count: (p) => p.actors as number }],
});
