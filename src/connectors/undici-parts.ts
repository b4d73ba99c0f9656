/**
 * The parts of undici the HTTP connector uses, each required from its own module rather than
 * from undici's index: the index also loads fetch, WebSocket, the caches, mocks, proxies and
 * retry handlers (112 modules against 45 for these), about 3x the load time of Pool and Agent
 * alone, paid at the start of every `beamulator run`. The connector only calls `dispatch` and
 * `close` on them, so it does not need the request()/stream() methods the index adds to
 * Dispatcher.prototype. undici has no `exports` map, so these paths are reachable; a test
 * (test/connectors/undici-parts.test.ts) checks they are the classes the index exports.
 */
import { createRequire } from 'node:module';
import type * as Undici from 'undici';

const require = createRequire(import.meta.url);

/** undici's `Pool`. */
export const UndiciPool = require('undici/lib/dispatcher/pool.js') as typeof Undici.Pool;
/** undici's `Agent`. */
export const UndiciAgent = require('undici/lib/dispatcher/agent.js') as typeof Undici.Agent;
/** undici's `errors`. */
export const undiciErrors = require('undici/lib/core/errors.js') as typeof Undici.errors;
/** undici's `util.headerNameToString`: a header name as undici spells it (lowercase, interned). */
export const headerNameToString = (require('undici/lib/core/util.js') as typeof Undici.util).headerNameToString;
