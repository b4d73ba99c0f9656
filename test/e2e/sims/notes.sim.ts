// No target: actors note things down for a few sim minutes. Scribes write plain numbers; Namers
// write fake names (rng.faker), so `--actors Namer=0` makes a run that never asks for fake data.
import { defineAction, defineBehavior, defineSimulation, STOP } from 'beamulator';

const note = defineAction('note', async (args: { text: string }) => ({ noted: args.text }));

const scribe = defineBehavior({
  name: 'Scribe',
  initialState: undefined,
  act: async (ctx) => {
    if (ctx.turn > 4) return STOP;
    await ctx.execute(note, { text: `note ${ctx.rng.int(1, 100)}` });
    return '1m';
  },
});

const namer = defineBehavior({
  name: 'Namer',
  initialState: undefined,
  act: async (ctx) => {
    if (ctx.turn > 4) return STOP;
    await ctx.execute(note, { text: ctx.rng.faker.person.fullName() });
    return '1m';
  },
});

export default defineSimulation({
  name: 'notes', duration: '10m', population: [{ behavior: scribe, count: 2 }, { behavior: namer, count: 1 }],
});
