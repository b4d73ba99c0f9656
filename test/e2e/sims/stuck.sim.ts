// No target: one actor notes something every sim minute (each note takes 20 ms of wall time, so
// the run lasts). `--param stuck=spin` makes its note at turn `--param at=<n>` loop forever
// synchronously (it says "spinning" on stderr first); `stuck=hang` makes it await a promise that
// never settles, under its own 300 ms timeout; `stuck=hang-long` the same under the simulation's
// actionTimeout (30 s). A note takes STUCK_NOTE_MS of wall time when that is set (a log replay
// whose action is still in flight when a signal comes; it says "noting" on stderr first). With
// STUCK_START_MS set, the run has a target (no action calls it) whose start takes that long.
// test/e2e/stop-and-kill.test.ts.
import { defineAction, defineBehavior, defineParams, defineSimulation } from 'beamulator';

const params = defineParams({
  stuck: { default: 'none', choices: ['none', 'spin', 'hang', 'hang-long'], description: 'how the note at turn `at` gets stuck' },
  at: { default: 3, description: 'the turn whose note gets stuck' },
});

const note = defineAction('note', async (args: { turn: number }) => {
  if (process.env.STUCK_NOTE_MS) process.stderr.write('noting\n');
  await new Promise((resolve) => setTimeout(resolve, Number(process.env.STUCK_NOTE_MS ?? 20)));
  return { noted: args.turn };
});

const spin = defineAction('spin', (_args: { turn: number }) => {
  process.stderr.write('spinning\n');
  for (;;);
});

const never = (_args: { turn: number }) => new Promise<never>(() => {});
const hang = defineAction('hang', never, { timeout: 300 });
const hangLong = defineAction('hang-long', never);

const how = { none: note, spin, hang, 'hang-long': hangLong };

const noter = defineBehavior({
  name: 'Noter',
  initialState: undefined,
  act: async (ctx) => {
    const stuck = ctx.turn === ctx.params.at ? (ctx.params.stuck as keyof typeof how) : 'none';
    await ctx.execute(how[stuck], { turn: ctx.turn });
    return '1m';
  },
});

export default defineSimulation({
  name: 'stuck', params, population: [{ behavior: noter, count: 1 }], duration: '1000h', actions: { note, spin, hang, hangLong },
  ...(process.env.STUCK_START_MS ? {
    target: {
      start: async () => {
        await new Promise((resolve) => setTimeout(resolve, Number(process.env.STUCK_START_MS)));
        return { url: 'http://127.0.0.1:9' };
      },
    },
  } : {}),
});
