/** Turns DuckDB's errors about a database file into BeamulatorErrors a user can act on. */
import { basename } from 'node:path';
import { BeamulatorError, errorMessage, isBeamulatorError } from '../util/errors.ts';

const lockHeld = /Conflicting lock is held in (.*?) \(PID (\d+)\)/;
const corrupt = /not a valid DuckDB database|corrupt|checksum|failure while replaying WAL|Serialization Error|invalid.*(block|header)/i;
const storageVersion = /database file with version number|storage version|was written by a (newer|older) version/i;

/** The error for a failed open of the store at `path` (as the user gave it). */
export function openError(path: string, error: unknown): BeamulatorError {
  if (isBeamulatorError(error)) return error;
  const text = errorMessage(error);
  const lock = lockHeld.exec(text);
  if (lock) {
    const program = basename(lock[1] ?? '?');
    return new BeamulatorError('BEAM_STORE_LOCKED',
      `cannot open run store ${path}: process ${lock[2]} (${program}) is using it (a run is probably being recorded)`,
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

/** The error for a failed read or write on an open store. */
export function useError(doing: string, path: string, error: unknown): BeamulatorError {
  if (isBeamulatorError(error)) return error;
  return new BeamulatorError('BEAM_STORE', `cannot ${doing} in run store ${path}: ${errorMessage(error)}`,
    'Check free disk space and that the file was not removed', { cause: error });
}
