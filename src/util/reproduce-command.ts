import { REDACTED } from '../store/redact.ts';
import { formatDuration, type Duration } from './duration.ts';
import { paramText } from './param-text.ts';

/** The run settings a reproduce command repeats. */
export interface ReproduceSettings {
  seed: string;
  /** The resolved sim-time length. */
  durationMs: number;
  /**
   * The run's resolved parameters: every one is repeated, so neither env nor a changed default can
   * alter the run; but a redacted one (secret-named) is left out: the repeat reads it again from its
   * env variable (else its default), as a replay does.
   */
  params?: Readonly<Record<string, unknown>>;
  target?: string;
  concurrency?: number;
  overlapWindow?: Duration;
  /** A paced run's speed (its `--start-at` is not repeated: that instant has passed). */
  speed?: number;
  actors?: Record<string, number>;
  /** One shard of a sharded run, with its group. */
  shard?: { index: number; count: number; group: string };
  maxActions?: number;
  maxWallTime?: Duration;
  /** The run store, when not the default one. */
  db?: string;
  /** `--fail-on`, when not the default (it changes the exit code, not the run). */
  failOn?: string;
}

/**
 * The command that repeats a run: `npx beamulator run <file> --seed <seed> --duration <d> ...`
 * when the simulation file is known, else the equivalent `runSimulation(sim, {...})` call.
 * `env`: variables to set in front of the command (with the API call, as a comment), for
 * simulations that read the environment themselves; parameters are better (`params`).
 *
 * @example
 * reproduceCommand('shop.sim.ts', { seed: '42', durationMs: 28_800_000, params: { faults: ['slow-db'], shoppers: 50 } });
 * // 'npx beamulator run shop.sim.ts --seed 42 --duration 8h --param faults=slow-db --param shoppers=50'
 */
export function reproduceCommand(file: string | null, given: ReproduceSettings, env: Record<string, string> = {}): string {
  const settings = given.params ? { ...given, params: Object.fromEntries(Object.entries(given.params).filter(([, v]) => v !== REDACTED)) } : given;
  const assignments = Object.entries(env).map(([name, value]) => `${name}=${shellQuote(value)}`);
  if (file === null) return assignments.length > 0 ? `${apiCall(settings)}  // with ${assignments.join(' ')}` : apiCall(settings);
  const parts = [...assignments, 'npx beamulator run', shellQuote(file), '--seed', shellQuote(settings.seed), '--duration', formatDuration(settings.durationMs)];
  for (const [name, value] of Object.entries(settings.params ?? {})) parts.push('--param', shellQuote(`${name}=${paramText(value)}`));
  if (settings.target !== undefined) parts.push('--target', shellQuote(settings.target));
  if (settings.concurrency !== undefined) parts.push('--concurrency', String(settings.concurrency));
  if (settings.overlapWindow !== undefined) parts.push('--overlap-window', shellQuote(String(settings.overlapWindow)));
  if (settings.speed !== undefined) parts.push('--speed', String(settings.speed));
  if (settings.actors !== undefined) {
    parts.push('--actors', shellQuote(Object.entries(settings.actors).map(([name, n]) => `${name}=${n}`).join(',')));
  }
  if (settings.shard !== undefined) parts.push('--shard', `${settings.shard.index}/${settings.shard.count}`, '--group', shellQuote(settings.shard.group));
  if (settings.maxActions !== undefined) parts.push('--max-actions', String(settings.maxActions));
  if (settings.maxWallTime !== undefined) parts.push('--max-wall-time', shellQuote(String(settings.maxWallTime)));
  if (settings.db !== undefined) parts.push('--db', shellQuote(settings.db));
  if (settings.failOn !== undefined) parts.push('--fail-on', shellQuote(settings.failOn));
  return parts.join(' ');
}

function apiCall(settings: ReproduceSettings): string {
  const fields = [`seed: ${JSON.stringify(settings.seed)}`, `duration: '${formatDuration(settings.durationMs)}'`];
  if (settings.params !== undefined && Object.keys(settings.params).length > 0) fields.push(`params: ${JSON.stringify(settings.params)}`);
  if (settings.target !== undefined) fields.push(`target: ${JSON.stringify(settings.target)}`);
  if (settings.concurrency !== undefined) fields.push(`concurrency: ${settings.concurrency}`);
  if (settings.overlapWindow !== undefined) fields.push(`overlapWindow: ${JSON.stringify(settings.overlapWindow)}`);
  if (settings.speed !== undefined) fields.push(`speed: ${settings.speed}`);
  if (settings.actors !== undefined) fields.push(`actors: ${JSON.stringify(settings.actors)}`);
  if (settings.shard !== undefined) fields.push(`shard: ${JSON.stringify(settings.shard)}`);
  if (settings.maxActions !== undefined) fields.push(`maxActions: ${settings.maxActions}`);
  if (settings.maxWallTime !== undefined) fields.push(`maxWallTime: ${JSON.stringify(settings.maxWallTime)}`);
  if (settings.db !== undefined) fields.push(`db: ${JSON.stringify(settings.db)}`);
  return `runSimulation(sim, { ${fields.join(', ')} })`;
}

/** Quotes a word for a POSIX shell when it needs it. */
export function shellQuote(word: string): string {
  if (/^[\w@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
