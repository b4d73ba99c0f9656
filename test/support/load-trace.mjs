/**
 * Test-only module hook: `node --import ./test/support/load-trace.mjs bin/beamulator.js ...` with
 * BEAMULATOR_LOAD_TRACE=<file> writes to <file> the URL of every module the process loaded, one a
 * line: ES modules as the load hook sees them (it runs in Node's hooks thread, so it appends
 * synchronously), then at exit every CommonJS file in the require cache (modules a CommonJS package
 * required, and ES modules loaded through require()). Plain JavaScript: the CLI under test runs
 * without a TypeScript loader, and this hook must not bring one.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';

const out = process.env.BEAMULATOR_LOAD_TRACE;

/** Hooks thread: records each ES module (and CommonJS entry imported by one) as it loads. */
export async function load(url, context, nextLoad) {
  const result = await nextLoad(url, context);
  if (out) appendFileSync(out, `${url}\n`);
  return result;
}

if (isMainThread && out) {
  writeFileSync(out, '');
  register(import.meta.url);
  const cache = createRequire(import.meta.url).cache;
  process.on('exit', () => {
    appendFileSync(out, Object.keys(cache).map((file) => `${pathToFileURL(file).href}\n`).join(''));
  });
}
