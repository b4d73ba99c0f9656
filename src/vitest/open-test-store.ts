import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openStore } from '../store/duckdb-store.ts';
import type { RedactPattern } from '../store/redact.ts';
import type { RunStore } from '../store/run-store.ts';

/**
 * A store of its own for one test run: `:memory:`, or a new DuckDB file in a fresh temp folder
 * when the run is to be kept (one file per run, so parallel workers never share a file lock).
 * `redact`: names it redacts on top of the built-in rules.
 */
export async function openTestStore(keep: boolean, redact?: readonly RedactPattern[]): Promise<{ store: RunStore; file: string | null }> {
  const options = { redact: { extra: redact } };
  if (!keep) return { store: await openStore(':memory:', options), file: null };
  const dir = await mkdtemp(path.join(tmpdir(), 'beamulator-vitest-'));
  const file = path.join(dir, 'runs.duckdb');
  return { store: await openStore(file, options), file };
}
