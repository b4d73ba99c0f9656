/** What `beamulator init` writes: a starting point aimed at one url, meant to be edited. */
export interface ScaffoldNames {
  /** The simulation's name, also the file stem (`simulations/<name>.sim.ts`). */
  name: string;
  url: string;
}

export function configTemplate(): string {
  return `import { defineConfig } from 'beamulator/config';

// Project-wide defaults for every beamulator command; a command-line flag overrides each one.
// Paths are relative to this file.
export default defineConfig({
  db: '.beamulator/beamulator.duckdb', // where runs are recorded (\`beamulator runs\`, \`show\`, \`replay\`)
  replays: 'replays',                  // where fuzz failures are exported as replay files
  // failOn: 'annoying',               // exit 1 on complaints this serious or worse (default 'urgent')
  simulations: ['simulations/**/*.sim.ts'],
  fuzz: ['fuzz/**/*.fuzz.ts'],
});
`;
}

export function simulationTemplate({ name, url }: ScaffoldNames): string {
  return `import { defineActions, defineBehavior, defineSimulation, fail } from 'beamulator';

// Actions are the only code that calls your service: one per thing your users do.
// \`http\` is bound to the target's url and records every request and response.
export const actions = defineActions({
  getHome: async (_args: Record<string, never>, { http }) => {
    const res = await http.get('/');
    if (res.status >= 400) fail(\`GET /: HTTP \${res.status}\`, { body: res.body.slice(0, 200) });
    return { status: res.status };
  },
});

// A behavior is a persona. Each turn it does something, checks what it saw (a complaint is a
// bug report), and says how long to wait before its next turn, in simulated time.
export const visitor = defineBehavior({
  name: 'Visitor',
  initialState: { visits: 0 },
  async act(ctx) {
    const home = await ctx.execute(actions.getHome, {});
    if (!home.ok) ctx.complain(\`the home page failed: \${home.error}\`, { severity: 'urgent' });
    ctx.state.visits += 1;
    return ctx.rng.int(1, 10) * 60_000; // the next visit in 1 to 10 simulated minutes
  },
});

export default defineSimulation({
  name: ${JSON.stringify(name)},
  actions,
  behaviors: [visitor],
  population: [{ behavior: visitor, count: 3, start: { rampUp: '10m' } }],
  target: { url: ${JSON.stringify(url)} }, // \`--target <url>\` overrides it
  duration: '1h',
});
`;
}

export function fuzzTemplate({ name }: ScaffoldNames): string {
  return `import { defineFuzzTarget } from 'beamulator';
import simulation from '../simulations/${name}.sim.js';

// \`beamulator fuzz\` lets fast-check choose the population and every random choice of the
// behaviors, and shrinks a run that complains to a minimal one you can replay.
export default defineFuzzTarget({
  name: ${JSON.stringify(name)},
  simulation,
  maxActors: 3,
  maxTurns: 8,
});
`;
}

export function testTemplate({ name }: ScaffoldNames): string {
  return `import { expect, test } from 'vitest';
import { runSimulation } from 'beamulator/vitest';
import simulation from './${name}.sim.js';

test('an hour of visitors: no complaints', async () => {
  const run = await runSimulation(simulation);
  expect(run).toHaveNoComplaints();
});
`;
}
