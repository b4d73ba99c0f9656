import { BeamulatorError } from '../util/errors.ts';
import { describeParam, kindOf, listItemProblem, paramPreview, type ParamDef, type ParamDefs, type ParamValue, type ParamValues } from '../util/params.ts';

/** Where a resolved value came from: the run (`set`), an environment variable (`env NAME`), or the default. */
export type ParamSource = 'set' | `env ${string}` | 'default';

export interface ResolvedParams {
  /** Every parameter of the simulation, frozen (lists too), in declaration order. */
  values: ParamValues;
  sources: Readonly<Record<string, ParamSource>>;
}

export interface ResolveParamsInput {
  /** Values the run sets: each of its parameter's type, or text parsed as `--param` parses it. */
  given?: Readonly<Record<string, unknown>> | undefined;
  /** `--param name=value` flags (a bare `name` sets a boolean to true); they win over `given`. */
  flags?: readonly string[] | undefined;
  /** Where parameters with an `env` read it (default: nothing is read). */
  env?: Readonly<Record<string, string | undefined>> | undefined;
  /** What an error says could not be done (default `run <simulation>`). */
  doing?: string;
}

/**
 * Resolves a simulation's parameters for one run: the run's own value (flags, then `given`),
 * else the parameter's environment variable when it declares one, else its default. Throws a
 * one-line BeamulatorError (exit 2) for an unknown name or a value of the wrong type.
 *
 * @example
 * resolveParams(sim, { flags: ['shoppers=80'], env: process.env }).values; // { faults: [], shoppers: 80 }
 */
export function resolveParams(sim: { name: string; params?: ParamDefs | undefined }, input: ResolveParamsInput = {}): ResolvedParams {
  const defs = sim.params ?? {};
  const cannot = (reason: string, hint: string) => new BeamulatorError('BEAM_USAGE', `cannot ${input.doing ?? `run ${sim.name}`}: ${reason}`, hint);
  const known = () => Object.keys(defs).length === 0
    ? `'${sim.name}' has no parameters; declare them with defineSimulation({ params: { name: { default: ... } } })`
    : `Known parameters: ${Object.entries(defs).map(([name, def]) => describeParam(name, def)).join('; ')}`;

  // name -> [the value, how to name it in an error]
  const set = new Map<string, { value: unknown; label: string }>();
  for (const [name, value] of Object.entries(input.given ?? {})) {
    if (value !== undefined) set.set(name, { value, label: `params.${name} = ${paramPreview(value)}` });
  }
  for (const flag of input.flags ?? []) {
    const eq = flag.indexOf('=');
    const name = (eq < 0 ? flag : flag.slice(0, eq)).trim();
    if (name === '') throw cannot(`--param ${flag}: expected name=value`, 'e.g. --param users=50 (repeat --param for each parameter)');
    set.set(name, { value: eq < 0 ? bare : flag.slice(eq + 1), label: `--param ${flag}` });
  }
  for (const [name, { label }] of set) {
    if (!Object.hasOwn(defs, name)) throw cannot(`${label}: unknown parameter '${name}'`, known());
  }

  const values: Record<string, ParamValue> = {};
  const sources: Record<string, ParamSource> = {};
  for (const [name, def] of Object.entries(defs)) {
    const given = set.get(name);
    const envText = def.env !== undefined ? input.env?.[def.env] : undefined;
    let value: ParamValue;
    if (given) {
      value = toValue(def, given.value, (problem) => cannot(`${given.label}: ${problem}`, describeParam(name, def)));
      sources[name] = 'set';
    } else if (envText !== undefined && envText !== '') {
      value = toValue(def, envText, (problem) => cannot(`${def.env}=${envText} (environment): ${problem}`, `${describeParam(name, def)}. Fix or unset ${def.env}`));
      sources[name] = `env ${def.env}`;
    } else {
      value = def.default;
      sources[name] = 'default';
    }
    values[name] = Array.isArray(value) ? Object.freeze([...value]) : value;
  }
  return { values: Object.freeze(values) as ParamValues, sources: Object.freeze(sources) };
}

/** A bare `--param name` (no `=`). */
const bare = Symbol('bare');

/** A given value (typed, or text to parse) as the parameter's type, or `fail(problem)`. */
function toValue(def: ParamDef, given: unknown, fail: (problem: string) => Error): ParamValue {
  const kind = kindOf(def.default)!;
  if (given === bare) {
    if (kind === 'boolean') return true;
    throw fail(`expected a value (name=value)`);
  }
  let value: unknown = given;
  if (typeof given === 'string' && kind !== 'string') {
    const text = given.trim();
    if (kind === 'number') value = text === '' ? Number.NaN : Number(text);
    else if (kind === 'boolean') value = truthy.has(text.toLowerCase()) ? true : falsy.has(text.toLowerCase()) ? false : given;
    else value = text.split(',').map((item) => item.trim()).filter((item) => item !== '');
  }
  if (kind === 'number' && !(typeof value === 'number' && Number.isFinite(value))) throw fail('expected a number');
  if (kind === 'boolean' && typeof value !== 'boolean') throw fail('expected true or false');
  if (kind === 'string' && typeof value !== 'string') throw fail('expected a string');
  if (kind === 'list') {
    if (!Array.isArray(value)) throw fail('expected a list of strings (comma-separated on the command line)');
    const problem = value.map(listItemProblem).find((p) => p !== null);
    if (problem) throw fail(problem);
  }
  if (def.choices) {
    const outside = (kind === 'list' ? (value as string[]) : [value as string]).find((v) => !def.choices!.includes(v));
    if (outside !== undefined) throw fail(`'${outside}' is not one of ${def.choices.join(', ')}`);
  }
  return value as ParamValue;
}

const truthy = new Set(['true', 'yes', 'on', '1']);
const falsy = new Set(['false', 'no', 'off', '0']);
