// Plain JavaScript, no loader: the compiled package imports and runs.
const { runSimulation, defineActions, defineBehavior, defineSimulation } = await import('beamulator');
const { startServer } = await import('./server.mjs');
const ping = defineActions({ ping: async (_args, { http }) => (await http.get('/')).json() });
const b = defineBehavior({ name: 'Pinger', initialState: {}, async act(ctx) { await ctx.execute(ping.ping, {}); return '1m'; } });
const sim = defineSimulation({ name: 'js', actions: ping, behaviors: [b], population: [{ behavior: b, count: 1 }], target: { start: startServer }, duration: '10m' });
const result = await runSimulation(sim, { seed: 7, db: false });
console.log(JSON.stringify({ actions: result.summary.actions, ok: result.summary.byOutcome.ok }));
