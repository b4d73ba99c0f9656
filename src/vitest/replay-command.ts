import { formatReplayReport } from '../replay/format-report.ts';
import type { ReplayMode, ReplayReport } from '../replay/replay-run.ts';
import type { ActorRecord } from '../store/records.ts';
import { shellQuote } from '../util/reproduce-command.ts';

/** How a replay was made: the flags of `beamulator replay` that repeat it. */
export interface ReplayHow {
  mode?: ReplayMode;
  offline?: boolean;
  target?: string;
}

/**
 * The `beamulator replay` command for a run id in a store file, or for a replay file (`db` null).
 *
 * @example
 * replayCommand('replays/todo-example.json', null, { offline: true }); // 'npx beamulator replay replays/todo-example.json --offline'
 */
export function replayCommand(runIdOrFile: string, db: string | null, how: ReplayHow = {}): string {
  const parts = ['npx beamulator replay', shellQuote(runIdOrFile)];
  if (db !== null) parts.push('--db', shellQuote(db));
  if (how.mode !== undefined && how.mode !== 'rerun') parts.push('--mode', how.mode);
  if (how.offline) parts.push('--offline');
  if (how.target !== undefined) parts.push('--target', shellQuote(how.target));
  return parts.join(' ');
}

/** The CLI's replay report (no color), indented by two spaces, for a failure message. An unrecorded replay has no id to show. */
export function reportText(report: ReplayReport, actors: readonly ActorRecord[]): string {
  const text = formatReplayReport(report, actors, false).replace(/^replay unrecorded of run /, 'replay of run ');
  return text.split('\n').map((line) => (line === '' ? line : `  ${line}`)).join('\n');
}
