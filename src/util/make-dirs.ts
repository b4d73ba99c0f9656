import { mkdirSync, statSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/**
 * `mkdir -p`: creates `dir` and its missing parents; an error says which folder it could not make
 * ("cannot create folder /proc/x (ENOENT)").
 * Not `mkdir(dir, { recursive: true })`: on a file system that answers ENOENT to a mkdir whose
 * parent exists (procfs: `/proc/x/y`), Node 20's recursive walk goes up and down forever.
 *
 * @example
 * await makeDirs('replays/nightly'); // replays/ and replays/nightly/, when missing
 */
export async function makeDirs(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let at = resolve(dir); ; at = dirname(at)) {
    let found;
    try {
      found = await stat(at);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(at) === at) throw cannotCreate(at, error);
      missing.push(at);
      continue;
    }
    if (!found.isDirectory()) throw new Error(`cannot create folder ${at} (a file has that name)`);
    break;
  }
  for (const folder of missing.reverse()) {
    try {
      await mkdir(folder);
    } catch (error) {
      // Made meanwhile by someone else: fine. (Made as a file: the next mkdir says ENOTDIR.)
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw cannotCreate(folder, error);
    }
  }
}

/** makeDirs, synchronously. */
export function makeDirsSync(dir: string): void {
  const missing: string[] = [];
  for (let at = resolve(dir); ; at = dirname(at)) {
    let found;
    try {
      found = statSync(at);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(at) === at) throw cannotCreate(at, error);
      missing.push(at);
      continue;
    }
    if (!found.isDirectory()) throw new Error(`cannot create folder ${at} (a file has that name)`);
    break;
  }
  for (const folder of missing.reverse()) {
    try {
      mkdirSync(folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw cannotCreate(folder, error);
    }
  }
}

function cannotCreate(folder: string, error: unknown): Error {
  return new Error(`cannot create folder ${folder} (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { cause: error });
}
