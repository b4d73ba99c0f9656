import { describe, expect, expectTypeOf, it } from 'vitest';
import { defineBehavior, defineFuzzTarget, defineParams, defineSimulation, runSimulation, type ParamValues, type Simulation } from 'beamulator';
import { resolveParams } from '../../src/engine/resolve-params.ts';
import { BeamulatorError } from '../../src/util/errors.ts';
import { paramText } from '../../src/util/param-text.ts';
import { reproduceCommand } from '../../src/util/reproduce-command.ts';

const noop = defineBehavior({ name: 'Noop', initialState: {}, act: (ctx) => ctx.stop() });

const shop = defineSimulation({
  name: 'shop',
  params: {
    faults: { default: [], choices: ['slow-db', 'no-cache'], description: 'faults the shop starts with', env: 'SHOP_FAULTS' },
    shoppers: { default: 50, description: 'how many shoppers' },
    region: { default: 'eu' },
    sale: { default: false, env: 'SHOP_SALE' },
    mode: { default: 'calm', choices: ['calm', 'rush'] },
  },
  population: [{ behavior: noop, count: 0 }],
});

/** The one-line message of what `fn` throws (fails the test when it does not throw a BeamulatorError). */
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(BeamulatorError);
    expect((error as BeamulatorError).exitCode).toBe(2);
    expect((error as Error).message).not.toContain('\n');
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

describe('resolveParams', () => {
  it('takes defaults when nothing is set, in declaration order, frozen', () => {
    const { values, sources } = resolveParams(shop);
    expect(values).toEqual({ faults: [], shoppers: 50, region: 'eu', sale: false, mode: 'calm' });
    expect(Object.keys(values)).toEqual(['faults', 'shoppers', 'region', 'sale', 'mode']);
    expect(Object.values(sources)).toEqual(['default', 'default', 'default', 'default', 'default']);
    expect(Object.isFrozen(values) && Object.isFrozen(values.faults)).toBe(true);
  });

  it('parses --param text by the default\'s type: numbers, booleans, comma lists (trimmed), strings as given', () => {
    const { values, sources } = resolveParams(shop, { flags: ['faults=slow-db, no-cache', 'shoppers=1e3', 'region= us-west ', 'sale=yes', 'mode=rush'] });
    expect(values).toEqual({ faults: ['slow-db', 'no-cache'], shoppers: 1000, region: ' us-west ', sale: true, mode: 'rush' });
    expect(sources.faults).toBe('set');
    for (const [text, value] of [['true', true], ['on', true], ['1', true], ['FALSE', false], ['no', false], ['off', false], ['0', false]] as const) {
      expect(resolveParams(shop, { flags: [`sale=${text}`] }).values.sale).toBe(value);
    }
    expect(resolveParams(shop, { flags: ['sale'] }).values.sale).toBe(true);
    expect(resolveParams(shop, { flags: ['faults='] }).values.faults).toEqual([]);
    expect(resolveParams(shop, { flags: ['region='] }).values.region).toBe('');
    expect(resolveParams(shop, { flags: ['shoppers=1', 'shoppers=2'] }).values.shoppers).toBe(2);
  });

  it('takes typed values from the API, and text there too', () => {
    expect(resolveParams(shop, { given: { faults: ['no-cache'], shoppers: 7, sale: true } }).values)
      .toMatchObject({ faults: ['no-cache'], shoppers: 7, sale: true });
    expect(resolveParams(shop, { given: { shoppers: '12', faults: 'slow-db' } }).values).toMatchObject({ shoppers: 12, faults: ['slow-db'] });
    // Flags win over given values.
    expect(resolveParams(shop, { given: { shoppers: 7 }, flags: ['shoppers=8'] }).values.shoppers).toBe(8);
  });

  it('reads the environment only for parameters that name a variable, and only when the run sets nothing', () => {
    const env = { SHOP_FAULTS: 'slow-db', SHOP_SALE: 'true', shoppers: '99', SHOPPERS: '99' };
    const { values, sources } = resolveParams(shop, { env });
    expect(values).toMatchObject({ faults: ['slow-db'], sale: true, shoppers: 50 });
    expect(sources).toMatchObject({ faults: 'env SHOP_FAULTS', sale: 'env SHOP_SALE', shoppers: 'default' });
    expect(resolveParams(shop, { env, flags: ['faults=no-cache'] }).values.faults).toEqual(['no-cache']);
    // Empty counts as unset; without `env` in the input nothing is read at all.
    expect(resolveParams(shop, { env: { SHOP_FAULTS: '' } }).values.faults).toEqual([]);
    expect(resolveParams(shop).values.faults).toEqual([]);
  });

  it('refuses a bad value in one line naming the flag, what was expected and the parameter (exit 2)', () => {
    expect(errorOf(() => resolveParams(shop, { flags: ['shoppers=abc'] })))
      .toBe('cannot run shop: --param shoppers=abc: expected a number. shoppers: how many shoppers (a number, default 50)');
    expect(errorOf(() => resolveParams(shop, { flags: ['shoppers='] }))).toMatch(/^cannot run shop: --param shoppers=: expected a number\./);
    expect(errorOf(() => resolveParams(shop, { flags: ['sale=maybe'] }))).toMatch(/^cannot run shop: --param sale=maybe: expected true or false\. sale \(true or false, default false; env SHOP_SALE\)$/);
    expect(errorOf(() => resolveParams(shop, { flags: ['faults=slow-db,fire'] })))
      .toBe("cannot run shop: --param faults=slow-db,fire: 'fire' is not one of slow-db, no-cache. faults: faults the shop starts with (a comma-separated list of slow-db, no-cache, default none; env SHOP_FAULTS)");
    expect(errorOf(() => resolveParams(shop, { flags: ['mode=panic'] }))).toMatch(/'panic' is not one of calm, rush/);
    expect(errorOf(() => resolveParams(shop, { flags: ['shoppers'] }))).toMatch(/^cannot run shop: --param shoppers: expected a value \(name=value\)\./);
    expect(errorOf(() => resolveParams(shop, { flags: ['=3'] }))).toMatch(/^cannot run shop: --param =3: expected name=value\./);
    expect(errorOf(() => resolveParams(shop, { given: { shoppers: Number.NaN } }))).toMatch(/^cannot run shop: params\.shoppers = null: expected a number/);
    expect(errorOf(() => resolveParams(shop, { given: { faults: ['slow-db', ''] } }))).toMatch(/list item "" must be non-empty/);
    expect(errorOf(() => resolveParams(shop, { given: { faults: ['a,b'] } }))).toMatch(/without commas/);
    expect(errorOf(() => resolveParams(shop, { given: { region: 3 } }))).toMatch(/params\.region = 3: expected a string/);
    expect(errorOf(() => resolveParams(shop, { env: { SHOP_SALE: 'perhaps' } })))
      .toBe('cannot run shop: SHOP_SALE=perhaps (environment): expected true or false. sale (true or false, default false; env SHOP_SALE). Fix or unset SHOP_SALE');
  });

  it('refuses an unknown name, listing the known ones (or saying there are none)', () => {
    expect(errorOf(() => resolveParams(shop, { flags: ['shopers=3'] })))
      .toMatch(/^cannot run shop: --param shopers=3: unknown parameter 'shopers'\. Known parameters: faults: faults the shop starts with \(.*\); shoppers: how many shoppers \(a number, default 50\); region \(a string, default eu\); sale .*; mode /);
    const bare = defineSimulation({ name: 'bare', population: [] });
    expect(errorOf(() => resolveParams(bare, { given: { x: 1 } })))
      .toBe("cannot run bare: params.x = 1: unknown parameter 'x'. 'bare' has no parameters; declare them with defineSimulation({ params: { name: { default: ... } } })");
    expect(errorOf(() => resolveParams(shop, { flags: ['constructor=1'] }))).toMatch(/unknown parameter 'constructor'/);
  });
});

describe('parameter declarations (defineSimulation / defineParams)', () => {
  const declare = (params: unknown) => () => defineSimulation({ name: 'd', params: params as never, population: [] });
  it('refuse what a run could not set or repeat', () => {
    expect(errorOf(declare({ n: { description: 'no default' } }))).toMatch(/^cannot use simulation 'd': parameter 'n' has no default/);
    expect(errorOf(declare({ 'a=b': { default: 1 } }))).toMatch(/parameter name 'a=b' cannot be given as --param name=value/);
    expect(errorOf(declare({ n: { default: { x: 1 } } }))).toMatch(/the default of parameter 'n' is \{"x":1\}\. Use a string, a finite number, a boolean or a list of strings/);
    expect(errorOf(declare({ n: { default: Number.POSITIVE_INFINITY } }))).toMatch(/the default of parameter 'n'/);
    expect(errorOf(declare({ n: { default: ['ok', ' spaced'] } }))).toMatch(/list item " spaced"/);
    expect(errorOf(declare({ n: { default: 1, env: 'NOT VALID' } }))).toMatch(/parameter 'n' names env "NOT VALID"/);
    expect(errorOf(declare({ n: { default: 1, choices: ['1'] } }))).toMatch(/parameter 'n' has choices but is a number/);
    expect(errorOf(declare({ n: { default: 'x', choices: ['a'] } }))).toMatch(/the default of parameter 'n' holds 'x', not one of its choices/);
    expect(errorOf(declare([1]))).toMatch(/params is not an object/);
    expect(errorOf(() => defineParams({ n: {} as never }))).toMatch(/parameter 'n' has no default/);
  });

  it('type values by their defaults, narrowed by choices; the run options and ctx.params follow', () => {
    type Values = ParamValues<typeof shop.params>;
    expectTypeOf<Values>().toEqualTypeOf<{
      readonly faults: ('slow-db' | 'no-cache')[]; readonly shoppers: number; readonly region: string; readonly sale: boolean; readonly mode: 'calm' | 'rush';
    }>();
    const params = defineParams({ teams: { default: 3 }, tags: { default: [] } });
    expectTypeOf<ParamValues<typeof params>>().toEqualTypeOf<{ readonly teams: number; readonly tags: string[] }>();
    const typed = defineBehavior<object, object, ParamValues<typeof params>>({
      name: 'T', initialState: ({ params: p }) => ({ n: p.teams }), act: (ctx) => { expectTypeOf(ctx.params.tags).toEqualTypeOf<string[]>(); return ctx.stop(); },
    });
    const sim = defineSimulation({ name: 't', params, population: [{ behavior: typed, count: (p) => p.teams, config: (i, p) => ({ i, tag: p.tags[0] }) }] });
    expectTypeOf(sim).toMatchTypeOf<Simulation>();
    // @ts-expect-error: no such parameter
    void (() => runSimulation(sim, { params: { team: 1 } }));
    // @ts-expect-error: not a number
    void (() => runSimulation(sim, { params: { teams: 'x' } }));
    // @ts-expect-error: not one of its choices
    void (() => runSimulation(shop, { params: { faults: ['fire'] } }));
  });
});

describe('fuzz targets', () => {
  it("pin their values: the simulation's other parameters stay as declared, the pinned ones ignore the environment", () => {
    const target = defineFuzzTarget({ name: 'slow', simulation: shop, params: { faults: ['slow-db'], sale: true } });
    const env = { SHOP_FAULTS: 'no-cache', SHOP_SALE: 'false' };
    expect(resolveParams(target, { env }).values).toEqual({ faults: ['slow-db'], shoppers: 50, region: 'eu', sale: true, mode: 'calm' });
    expect(target.params.faults).toEqual({ default: ['slow-db'], choices: ['slow-db', 'no-cache'], description: 'faults the shop starts with' });
    // A run of the target can still set them (a replay sets the stored values).
    expect(resolveParams(target, { flags: ['faults=no-cache'] }).values.faults).toEqual(['no-cache']);
    expect(resolveParams(defineFuzzTarget({ name: 'plain', simulation: shop }), { env }).values.faults).toEqual(['no-cache']);
  });

  it('refuse a wrong value at definition', () => {
    expect(errorOf(() => defineFuzzTarget({ name: 'bad', simulation: shop, params: { faults: ['fire'] as never } })))
      .toMatch(/^cannot define fuzz target 'bad': params\.faults = \["fire"\]: 'fire' is not one of slow-db, no-cache\./);
  });
});

describe('the repeat line', () => {
  it('sets every parameter with --param (lists comma-separated, quoted for the shell) and the options that changed the run', () => {
    expect(paramText(['a', 'b'])).toBe('a,b');
    expect(reproduceCommand('shop.sim.ts', {
      seed: '1', durationMs: 60_000, params: { faults: ['slow-db', 'no-cache'], region: 'eu west', empty: [], sale: false },
      maxWallTime: '30s', db: 'my runs.duckdb', failOn: 'none',
    })).toBe("npx beamulator run shop.sim.ts --seed 1 --duration 1m --param faults=slow-db,no-cache --param 'region=eu west' --param empty= --param sale=false"
      + " --max-wall-time 30s --db 'my runs.duckdb' --fail-on none");
    expect(reproduceCommand(null, { seed: '1', durationMs: 60_000, params: { faults: ['slow-db'], shoppers: 5 }, db: ':memory:' }))
      .toBe(`runSimulation(sim, { seed: "1", duration: '1m', params: {"faults":["slow-db"],"shoppers":5}, db: ":memory:" })`);
  });

  it('round-trips: the flags it prints resolve to the same values', () => {
    const values = resolveParams(shop, { given: { faults: ['no-cache', 'slow-db'], region: "o'hare", sale: true, shoppers: 0.5 } }).values;
    const flags = Object.entries(values).map(([name, value]) => `${name}=${paramText(value)}`);
    expect(resolveParams(shop, { flags }).values).toEqual(values);
  });
});
