#!/usr/bin/env node
// The CLI shim: compiled JavaScript. The user's TypeScript files (simulations, fuzz targets,
// config) go through a loader that is registered only when one of them is loaded.
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
