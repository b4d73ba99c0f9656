/**
 * The CLI's JS heap policy: the old generation grows to at most 1.5x what survived the last full
 * garbage collection, instead of V8's dynamic factor (up to 4x when collection is cheap).
 *
 * Why: a recorded run allocates rows that live until their batch is committed (~0.5-1 s), so
 * they outlive young-generation collections, are promoted, and die in the old generation. With
 * V8's default the old space of a 1M-action run grew to 65-80 MB around ~16-20 MB of live objects
 * (--trace-gc: "Mark-Compact 73.5 (102.0) -> 19.5 (67.5) MB"); bounded to 1.5x it stays at
 * ~28-30 MB, at the same CPU per action (bench/memory, bench/README.md). It costs more frequent
 * but small full collections (their marking is incremental and concurrent).
 *
 * Only the CLI process does this (bin/beamulator.js): a program that uses the API keeps V8's
 * policy, and a heap flag given to node (command line or NODE_OPTIONS) wins.
 *
 * @example
 * boundOldGeneration(); // first thing in the CLI's process
 */
import { setFlagsFromString } from 'node:v8';

/** 1 + heap_growing_percent / 100 is V8's old-generation growing factor. */
export const heapGrowingPercent = 50;

export function boundOldGeneration(execArgv: readonly string[] = process.execArgv, nodeOptions: string = process.env.NODE_OPTIONS ?? ''): boolean {
  const given = (arg: string) => /^--heap[-_]growing[-_]percent\b/.test(arg);
  if (execArgv.some(given) || nodeOptions.split(/\s+/).some(given)) return false;
  // A plain integer V8 reads each time it sets the next full collection's limit: changing it
  // after start-up is safe (unlike flags read once when the heap is set up, e.g. the semi-space).
  setFlagsFromString(`--heap-growing-percent=${heapGrowingPercent}`);
  return true;
}
