// Like the scaffold `beamulator init` writes: each visitor complains (urgent) when the home page
// fails, so a run against a target that is down has complaints as well as unreachable actions.
import { defineActions, defineBehavior, defineSimulation, fail } from 'beamulator';

const actions = defineActions({
  getHome: async (_args: Record<string, never>, { http }) => {
    const res = await http.get('/');
    if (res.status >= 400) fail(`GET /: HTTP ${res.status}`);
    return { status: res.status };
  },
});

const visitor = defineBehavior({
  name: 'Visitor',
  initialState: undefined,
  async act(ctx) {
    const home = await ctx.execute(actions.getHome, {});
    if (!home.ok) ctx.complain(`the home page failed: ${home.error}`, { severity: 'urgent' });
    return '5m';
  },
});

export default defineSimulation({ name: 'down-complains', actions, behaviors: [visitor], population: [{ behavior: visitor, count: 2 }], duration: '30m' });
