import { statSync } from 'node:fs';
import path from 'node:path';
import type { RunRecord } from '../store/records.ts';

/**
 * Where a recorded run's simulation file is now, from any working directory: the absolute path
 * it was recorded from, else its recorded (relative) path from the working directory, else that
 * path from the folder of the store or replay file it came from and each folder above (a replay
 * file in `<project>/replays/` or a store in `<project>/.beamulator/` finds `<project>/sims/x.sim.ts`).
 * Null when none exists (the caller reports the recorded path).
 *
 * @example
 * findRecordedSimulation(run, '/home/me/shop/.beamulator'); // '/home/me/shop/sims/shop.sim.ts'
 */
export function findRecordedSimulation(run: Pick<RunRecord, 'file' | 'config'>, recordedIn: string | null): string | null {
  if (!run.file) return null;
  const absolute = (run.config as { fileAbsolute?: unknown } | null)?.fileAbsolute;
  const candidates = [typeof absolute === 'string' ? absolute : null, path.resolve(run.file)];
  if (recordedIn !== null && !path.isAbsolute(run.file)) {
    for (let dir = path.resolve(recordedIn); ; dir = path.dirname(dir)) {
      candidates.push(path.join(dir, run.file));
      if (path.dirname(dir) === dir) break;
    }
  }
  return candidates.find((file) => file !== null && isFile(file)) ?? null;
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
