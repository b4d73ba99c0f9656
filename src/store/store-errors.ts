/** Turns DuckDB's errors about a database file into BeamulatorErrors a user can act on. */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { clip } from '../util/clip.ts';
import { BeamulatorError, errorMessage, isBeamulatorError } from '../util/errors.ts';

const lockHeld = /Conflicting lock is held in (.*?) \(PID (\d+)\)/;
const corrupt = /not a valid DuckDB database|corrupt|checksum|failure while replaying WAL|Serialization Error|invalid.*(block|header)/i;
const storageVersion = /database file with version number|storage version|was written by a (newer|older) version/i;

/**
 * The error for a failed open of the store at `path` (as the user gave it), opened `readOnly` or not.
 *
 * DuckDB's file lock is shared for read-only opens and exclusive for read-write ones: a reader is
 * kept out only by a process that writes, while a writer is kept out by any process that has the
 * file open, a `beamulator show` or `runs` that is still printing included. The message says
 * which, and names the holder by its command line when the OS tells it.
 */
export function openError(path: string, error: unknown, readOnly = false): BeamulatorError {
  if (isBeamulatorError(error)) return error;
  const text = errorMessage(error);
  const lock = lockHeld.exec(text);
  if (lock) {
    const pid = lock[2]!;
    const holder = commandLine(pid) ?? basename(lock[1] ?? '?');
    return new BeamulatorError('BEAM_STORE_LOCKED',
      `cannot open run store ${path}: process ${pid} (${holder}) ${readOnly ? 'is writing to it' : 'has it open (reading or writing)'}`,
      'Wait for it to finish, stop it, or use --db <other file>', { cause: error });
  }
  if (storageVersion.test(text)) {
    return new BeamulatorError('BEAM_STORE', `cannot open run store ${path}: its DuckDB storage format is not supported (${text})`,
      'Open it with the beamulator version that wrote it, or use --db <other file>', { cause: error });
  }
  if (corrupt.test(text)) {
    return new BeamulatorError('BEAM_STORE_CORRUPT', `cannot open run store ${path}: it is not a DuckDB database or it is damaged`,
      `Move it aside (mv ${path} ${path}.bad, and its .wal file if any) and record again, or use --db <other file>`, { cause: error });
  }
  return new BeamulatorError('BEAM_STORE', `cannot open run store ${path}: ${text}`, 'Check the path and its permissions, or use --db <other file>', { cause: error });
}

/**
 * A process's command line, shortened to what a user typed (`beamulator show latest`), or null
 * where the OS does not tell (no /proc) or the process is gone.
 */
function commandLine(pid: string): string | null {
  let args: string[];
  try {
    args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a) => a !== '');
  } catch {
    return null;
  }
  if (args.length === 0) return null;
  // `node /path/to/bin/beamulator.js show x` reads better as `beamulator show x`.
  const bin = args.findIndex((a) => /(^|[/\\])beamulator(\.js)?$/.test(a));
  const shown = bin >= 0 ? ['beamulator', ...args.slice(bin + 1)] : [basename(args[0]!), ...args.slice(1)];
  return clip(shown.join(' '), 80);
}

/** The error for a failed read or write on an open store. */
export function useError(doing: string, path: string, error: unknown): BeamulatorError {
  if (isBeamulatorError(error)) return error;
  return new BeamulatorError('BEAM_STORE', `cannot ${doing} in run store ${path}: ${errorMessage(error)}`,
    'Check free disk space and that the file was not removed', { cause: error });
}
