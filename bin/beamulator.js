#!/usr/bin/env node
// The CLI shim: compiled JavaScript. The user's TypeScript files (simulations, fuzz targets,
// config) go through a loader that is registered only when one of them is loaded.
import { boundOldGeneration } from '../dist/cli/bounded-old-generation.js';
import { main } from '../dist/cli/main.js';

// A long recorded run promotes its buffered rows; keep the old generation near what is live.
boundOldGeneration();

// Not a top-level await: when the command waits on a promise nothing can settle any more (user
// code awaiting forever, with no timer or socket left), Node would end with exit 13 and a warning
// about top-level await. Say what happened instead, with the documented exit code 70.
let settled = false;
process.on('exit', (code) => {
  if (settled || code !== 0) return;
  process.stderr.write('beamulator: cannot finish: the command was left waiting on a promise that can never settle (code that awaits something that never happens outside an action, such as a target.start or a behavior; an action would time out). Fix that code; if it is not yours, please report it with the command you ran\n');
  process.exitCode = 70;
});
main(process.argv.slice(2)).then(
  (code) => {
    settled = true;
    process.exitCode = code;
  },
  (error) => {
    settled = true;
    process.stderr.write(`beamulator: internal error: ${error?.stack ?? error}\n`);
    process.exitCode = 70;
  },
);
