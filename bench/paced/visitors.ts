/**
 * The paced benches' population (bench/paced, bench/dashboard): ACTORS in-process Visitors, each
 * browsing once every 30-90 s of sim time (mean 60 s: ACTORS/60 actions per sim second), arriving
 * over the first sim minute.
 */
import { defineActions } from '../../src/actions/action.ts';
import { defineBehavior } from '../../src/engine/behavior.ts';
import { defineSimulation } from '../../src/engine/simulation.ts';

export function visitorsSim(name: string, actors: number) {
  const actions = defineActions({ browse: async (args: { page: number }) => ({ page: args.page }) });
  const visitor = defineBehavior({
    name: 'Visitor', initialState: { pages: 0 },
    async act(ctx) {
      ctx.state.pages++;
      await ctx.execute(actions.browse, { page: ctx.state.pages });
      return ctx.rng.int(30_000, 90_000);
    },
  });
  return defineSimulation({ name, actions, population: [{ behavior: visitor, count: actors, start: { jitter: '60s' } }] });
}
