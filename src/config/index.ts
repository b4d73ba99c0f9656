/**
 * beamulator/config: what `beamulator.config.ts` imports. It loads nothing else of beamulator,
 * so reading the config costs every command (even `runs`) next to nothing.
 *
 * @example
 * import { defineConfig } from 'beamulator/config';
 *
 * export default defineConfig({ db: '.beamulator/beamulator.duckdb', failOn: 'urgent' });
 *
 * @packageDocumentation
 */
export { defineConfig } from './define-config.ts';
export type { BeamulatorConfig } from './define-config.ts';
export type { RedactPattern } from '../store/redact.ts';
