#!/usr/bin/env node
// The CLI shim: TypeScript runs without a build step (the CLI and the user's simulation files).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
