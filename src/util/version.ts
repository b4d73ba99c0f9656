import { readFileSync } from 'node:fs';

/** beamulator's own version, stored with every run. */
export const version: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
