import { formatDuration, type Duration } from './duration.ts';

/** The run settings a reproduce command repeats. */
export interface ReproduceSettings {
  seed: string;
  /** The resolved sim-time length. */
  durationMs: number;
  target?: string;
  concurrency?: number;
  overlapWindow?: Duration;
  actors?: Record<string, number>;
  maxActions?: number;
  maxWallTime?: Duration;
}

/**
 * The command that repeats a run: `npx beamulator run <file> --seed <seed> --duration <d> ...`
 * when the simulation file is known, else the equivalent `runSimulation(sim, {...})` call.
 * `env`: variables to set in front of the command (with the API call, as a comment).
 *
 * @example
 * reproduceCommand('examples/todo/todo.sim.ts', { seed: '42', durationMs: 28_800_000 }, { TODO_BUGS: 'stale-read' });
 * // 'TODO_BUGS=stale-read npx beamulator run examples/todo/todo.sim.ts --seed 42 --duration 8h'
 */
export function reproduceCommand(file: string | null, settings: ReproduceSettings, env: Record<string, string> = {}): string {
  const assignments = Object.entries(env).map(([name, value]) => `${name}=${shellQuote(value)}`);
  if (file === null) return assignments.length > 0 ? `${apiCall(settings)}  // with ${assignments.join(' ')}` : apiCall(settings);
  const parts = [...assignments, 'npx beamulator run', shellQuote(file), '--seed', shellQuote(settings.seed), '--duration', formatDuration(settings.durationMs)];
  if (settings.target !== undefined) parts.push('--target', shellQuote(settings.target));
  if (settings.concurrency !== undefined) parts.push('--concurrency', String(settings.concurrency));
  if (settings.overlapWindow !== undefined) parts.push('--overlap-window', shellQuote(String(settings.overlapWindow)));
  if (settings.actors !== undefined) {
    parts.push('--actors', shellQuote(Object.entries(settings.actors).map(([name, n]) => `${name}=${n}`).join(',')));
  }
  if (settings.maxActions !== undefined) parts.push('--max-actions', String(settings.maxActions));
  if (settings.maxWallTime !== undefined) parts.push('--max-wall-time', shellQuote(String(settings.maxWallTime)));
  return parts.join(' ');
}

function apiCall(settings: ReproduceSettings): string {
  const fields = [`seed: ${JSON.stringify(settings.seed)}`, `duration: '${formatDuration(settings.durationMs)}'`];
  if (settings.target !== undefined) fields.push(`target: ${JSON.stringify(settings.target)}`);
  if (settings.concurrency !== undefined) fields.push(`concurrency: ${settings.concurrency}`);
  if (settings.overlapWindow !== undefined) fields.push(`overlapWindow: ${JSON.stringify(settings.overlapWindow)}`);
  if (settings.actors !== undefined) fields.push(`actors: ${JSON.stringify(settings.actors)}`);
  if (settings.maxActions !== undefined) fields.push(`maxActions: ${settings.maxActions}`);
  if (settings.maxWallTime !== undefined) fields.push(`maxWallTime: ${JSON.stringify(settings.maxWallTime)}`);
  return `runSimulation(sim, { ${fields.join(', ')} })`;
}

/** Quotes a word for a POSIX shell when it needs it. */
export function shellQuote(word: string): string {
  if (/^[\w@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
