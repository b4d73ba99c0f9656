import { defineActions, defineBehavior, defineSimulation } from 'beamulator';
const actions = defineActions({
  get: async (_args: Record<string, never>, { http }) => (await http.get('/x')).json(),
});
const client = defineBehavior({
  name: 'Client', initialState: undefined,
  act: async (ctx) => { await ctx.execute(actions.get, {}); return '1s'; },
});
export default defineSimulation({ name: 'tiny', duration: '3s', actions, population: [{ behavior: client, count: 1 }] });
