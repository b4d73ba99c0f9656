// Preloaded into a spawned CLI (node --import) by tests that bound its memory: prints the process's
// peak resident set size to stderr as it exits. Memory, unlike time, is a property of the code.
import { writeSync } from 'node:fs';

process.on('exit', () => {
  writeSync(2, `\nmax-rss-kb ${process.resourceUsage().maxRSS}\n`);
});
