/**
 * Run parameters: a simulation's named, typed, documented knobs (which faults the target starts
 * with, how many users). A run sets them with `--param name=value` or `runSimulation(sim, { params })`;
 * the environment is read only for a parameter that names a variable (`env`). The resolved values
 * are stored with the run, so a replay reproduces it whatever the environment holds then.
 */
import { BeamulatorError } from './errors.ts';
import { paramText } from './param-text.ts';

/** A parameter's value: a string, a number, a boolean, or a list of strings. */
export type ParamValue = string | number | boolean | readonly string[];

/** One parameter. Its type is the type of its default. */
export interface ParamDef<T extends ParamValue = ParamValue> {
  /** The value when the run sets none (and `env` is unset); its type is the parameter's type. */
  readonly default: T;
  /** What it changes: shown by `beamulator run` when a value is wrong. */
  readonly description?: string;
  /**
   * An environment variable to read the value from when the run does not set it: the
   * simulation opts in per parameter, and only then is the environment read. An empty
   * variable counts as unset. `--param` and `runSimulation(..., { params })` win over it.
   */
  readonly env?: string;
  /** The allowed values of a string parameter, or of each item of a list. */
  readonly choices?: readonly string[];
}

/** A simulation's parameters by name. */
export type ParamDefs = { readonly [name: string]: ParamDef };

/** The type of a default: widened (`3` is a number), a list keeps its item type (`[]` is `string[]`). */
type TypeOfDefault<T> = T extends string ? string
  : T extends number ? number
  : T extends boolean ? boolean
  : T extends readonly (infer E)[] ? ([E] extends [never] ? string[] : E[])
  : never;

/** The value type of a parameter: its default's, narrowed to its `choices` when it has some. */
export type ParamType<D extends ParamDef> = D extends { readonly choices: readonly (infer C extends string)[] }
  ? (D['default'] extends readonly unknown[] ? C[] : C)
  : TypeOfDefault<D['default']>;

/** The resolved values of a set of parameters (what `ctx.params`, `target.start` and population functions get). */
export type ParamValues<P extends ParamDefs = ParamDefs> = { readonly [K in keyof P]: ParamType<P[K]> };

/** Values a run sets (`runSimulation(sim, { params })`): any subset, each of its parameter's type. */
export type ParamSettings<P extends ParamDefs = ParamDefs> = { readonly [K in keyof P]?: ParamType<P[K]> };

/**
 * Declares parameters on their own, so behaviors can type `ctx.params` with the same
 * declaration the simulation uses: `defineBehavior<State, Config, ParamValues<typeof params>>`.
 *
 * @example
 * export const params = defineParams({
 *   faults: { default: [], choices: ['slow-db', 'no-cache'], description: 'faults the shop starts with', env: 'SHOP_FAULTS' },
 *   shoppers: { default: 50, description: 'how many shoppers' },
 * });
 * export type ShopParams = ParamValues<typeof params>; // { faults: ('slow-db' | 'no-cache')[]; shoppers: number }
 * // defineSimulation({ name: 'shop', params, ... }); defineBehavior<State, Config, ShopParams>({ ... })
 */
export function defineParams<const P extends ParamDefs>(defs: P): P {
  checkParamDefs('?', defs);
  return defs;
}

/** A parameter's kind, from its default. */
export type ParamKind = 'string' | 'number' | 'boolean' | 'list';

export function kindOf(value: unknown): ParamKind | null {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (Array.isArray(value)) return 'list';
  return null;
}

const nameRule = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const envRule = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Problem with a list item, or null: items must survive the comma-separated form of `--param`. */
export function listItemProblem(item: unknown): string | null {
  if (typeof item !== 'string') return 'a list holds strings only';
  if (item === '' || item.trim() !== item || item.includes(',')) return `list item ${JSON.stringify(item)} must be non-empty, without commas or surrounding spaces`;
  return null;
}

/** Checks parameter declarations (defineSimulation calls it): names, defaults, env names, choices. */
export function checkParamDefs(simulation: string, defs: unknown): void {
  const invalid = (reason: string, hint: string) => new BeamulatorError('BEAM_SIMULATION_INVALID', `cannot use simulation '${simulation}': ${reason}`, hint);
  if (defs === undefined) return;
  if (defs === null || typeof defs !== 'object' || Array.isArray(defs)) {
    throw invalid('params is not an object', "Declare params: { shoppers: { default: 50, description: 'how many shoppers' } }");
  }
  for (const [name, def] of Object.entries(defs as Record<string, unknown>)) {
    if (!nameRule.test(name)) throw invalid(`parameter name '${name}' cannot be given as --param name=value`, 'Use letters, digits, _, . and - (starting with a letter)');
    if (def === null || typeof def !== 'object' || !('default' in def)) {
      throw invalid(`parameter '${name}' has no default`, `Declare it as ${name}: { default: <value> }; its type is the default's`);
    }
    const { default: value, env, choices, description } = def as ParamDef;
    const kind = kindOf(value);
    if (kind === null || (kind === 'number' && !Number.isFinite(value))) {
      throw invalid(`the default of parameter '${name}' is ${paramPreview(value)}`, 'Use a string, a finite number, a boolean or a list of strings');
    }
    if (kind === 'list') {
      const problem = (value as unknown[]).map(listItemProblem).find((p) => p !== null);
      if (problem) throw invalid(`the default of parameter '${name}': ${problem}`, 'Fix the default');
    }
    if (description !== undefined && typeof description !== 'string') throw invalid(`the description of parameter '${name}' is not a string`, 'Describe it in words');
    if (env !== undefined && (typeof env !== 'string' || !envRule.test(env))) {
      throw invalid(`parameter '${name}' names env ${paramPreview(env)}`, 'Give the name of an environment variable, like SHOP_FAULTS');
    }
    if (choices !== undefined) {
      if (kind !== 'string' && kind !== 'list') throw invalid(`parameter '${name}' has choices but is a ${kind}`, 'Choices are for string and list parameters');
      if (!Array.isArray(choices) || choices.length === 0 || !choices.every((c) => typeof c === 'string')) {
        throw invalid(`the choices of parameter '${name}' are not a non-empty list of strings`, "Give them as choices: ['a', 'b']");
      }
      const outside = (kind === 'list' ? (value as string[]) : [value as string]).find((v) => !choices.includes(v));
      if (outside !== undefined) throw invalid(`the default of parameter '${name}' holds '${outside}', not one of its choices`, `Choices: ${choices.join(', ')}`);
    }
  }
}

/** One parameter described for a hint: `shoppers: how many shoppers (a number, default 50)`. */
export function describeParam(name: string, def: ParamDef): string {
  const kind = kindOf(def.default)!;
  const what = kind === 'list' ? 'a comma-separated list' : kind === 'boolean' ? 'true or false' : `a ${kind}`;
  const choices = def.choices ? ` of ${def.choices.join(', ')}` : '';
  const shown = paramText(def.default);
  const env = def.env ? `; env ${def.env}` : '';
  return `${name}${def.description ? `: ${def.description}` : ''} (${what}${choices}, default ${shown === '' ? 'none' : shown}${env})`;
}

/** A short rendering of a value for messages. */
export function paramPreview(value: unknown): string {
  if (value === undefined) return 'undefined';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
