/**
 * vitest globalSetup: the tests that spawn the real CLI run the compiled package (bin/ → dist/),
 * so dist/ is rebuilt first whenever a source file is newer than it (a no-op after `npm ci`,
 * whose `prepare` step builds it). bench/cli uses the same check.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) latest = Math.max(latest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return latest;
}

/** True when dist/ is missing or older than a file in src/ or the build config. */
export function distIsStale(): boolean {
  const built = (() => { try { return statSync(path.join(root, 'dist/index.js')).mtimeMs; } catch { return 0; } })();
  return built < newest(path.join(root, 'src')) || built < statSync(path.join(root, 'tsconfig.build.json')).mtimeMs;
}

/** `npm run build` (tsc -p tsconfig.build.json), output to this process's terminal. */
export function buildDist(): void {
  execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
}

export default function setup(): void {
  if (distIsStale()) buildDist();
}
