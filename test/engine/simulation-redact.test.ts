/** A simulation's own `redact` names: checked by defineSimulation, applied to its runs' rows and results on top of the store's. */
import { describe, expect, it } from 'vitest';
import { defineAction, defineBehavior, defineSimulation, openStore, runSimulation, STOP } from 'beamulator';
import { REDACTED } from '../../src/store/redact.ts';

const enter = defineAction('enter', async (args: { pin: string; session: string; note: string }) => ({ accepted: true, pin: args.pin }));
const teller = defineBehavior({
  name: 'Teller',
  initialState: { pin: '4321' },
  act: async (ctx) => {
    if (ctx.turn > 1) return STOP;
    await ctx.execute(enter, { pin: ctx.state.pin, session: 's-1', note: 'hello' });
    return '1m';
  },
});
const bank = (redact?: unknown) => defineSimulation({
  name: 'bank', population: [{ behavior: teller, count: 1 }], duration: '5m', params: { pin: { default: '0000' } }, ...(redact === undefined ? {} : { redact: redact as string[] }),
});

describe("a simulation's redact", () => {
  it('hides its names in every row and in the run result, with the store\'s names too', async () => {
    const store = await openStore(':memory:', { redact: { extra: ['session'] } });
    try {
      const result = await runSimulation(bank(['pin']), { seed: 1, db: store });
      expect(result.params).toEqual({ pin: REDACTED });
      const [action] = await store.actions(result.runId);
      expect(action!.args).toEqual({ pin: REDACTED, session: REDACTED, note: 'hello' });
      expect(action!.result).toEqual({ accepted: true, pin: REDACTED });
      expect((await store.actors(result.runId))[0]!.initialState).toEqual({ pin: REDACTED });
      // Without it, only the store's names are hidden.
      const plain = await runSimulation(bank(), { seed: 1, db: store });
      expect((await store.actions(plain.runId))[0]!.args).toEqual({ pin: '4321', session: REDACTED, note: 'hello' });
    } finally {
      await store.close();
    }
  });

  it('must be a list of names and regular expressions', () => {
    for (const bad of ['pin', [''], [42], [null]]) {
      expect(() => bank(bad)).toThrow(/^cannot use simulation 'bank': redact is not a list of names and regular expressions/);
    }
    expect(() => bank(['pin', /^card/i])).not.toThrow();
  });
});
