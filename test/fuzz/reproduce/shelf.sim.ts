/**
 * A Stocker puts a number on the shelf each turn and reads the shelf back: it complains when its
 * number is missing. The app's bug (parameter `bug`) decides when that happens; see shelf-app.ts.
 */
import { defineActions, defineBehavior, defineParams, defineSimulation, STOP } from 'beamulator';
import { startShelfApp, type ShelfBug } from './shelf-app.ts';

const actions = defineActions({
  put: async (args: { n: number }, { http }) => (await http.post('/items', { json: args })).json<{ n: number }>(),
  list: async (_args: Record<string, never>, { http }) => (await http.get('/items')).json<number[]>(),
});

const stocker = defineBehavior({
  name: 'Stocker',
  initialState: undefined,
  act: async (ctx) => {
    if (ctx.turn > 6) return STOP;
    const n = ctx.rng.int(1, 9);
    await ctx.execute(actions.put, { n });
    const shelf = await ctx.execute(actions.list, {});
    if (shelf.ok && !(shelf.value ?? []).includes(n)) ctx.complain(`the shelf lost the ${n} I just put on it`, { severity: 'urgent' });
    return '1m';
  },
});

export const params = defineParams({
  bug: { default: 'always', choices: ['warm', 'always'], description: 'when the read cache misses the last write' },
});

export default defineSimulation({
  name: 'shelf', duration: '1h', params, actions, behaviors: [stocker], population: [{ behavior: stocker, count: 1 }],
  target: {
    start: async ({ params: p }) => {
      const app = await startShelfApp(p.bug as ShelfBug);
      return { url: app.url, stop: () => app.stop(), reset: () => app.reset() };
    },
  },
});
