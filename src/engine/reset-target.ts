import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BeamulatorError, errorMessage } from '../util/errors.ts';
import type { ParamValues } from '../util/params.ts';
import { callUser } from '../util/user-code.ts';

/** What resetTarget needs of a TargetSpec (its reset and headers). */
export interface ResettableTarget {
  reset?: string | ((input: { url: string; params: any }) => Promise<void> | void);
  headers?: Record<string, string>;
}

/** How the target of a run was prepared: started for it, reset, used as found, or none (offline, no target). */
export type TargetState = 'started' | 'reset' | 'as-found' | null;

/**
 * Runs a target's `reset` (see TargetSpec.reset) against the running target at `url`: the
 * function, or the request it names (`'POST /__reset'`, path relative to the url), which must
 * answer 2xx. Errors say what failed and exit as a target error; a function that throws is the
 * user's code failing (a UserCodeError, exit 6).
 *
 * @example
 * await resetTarget({ reset: 'POST /__admin/reset' }, 'http://127.0.0.1:3000', {});
 */
export async function resetTarget(spec: ResettableTarget, url: string, params: ParamValues): Promise<void> {
  const reset = spec.reset;
  if (reset === undefined) return;
  const fail = (why: string, cause?: unknown): never => {
    throw new BeamulatorError('BEAM_TARGET', `cannot reset the target at ${url}: ${why}`, 'Fix target.reset (or the endpoint it calls), or leave it out to use the target as it is', cause === undefined ? undefined : { cause });
  };
  if (typeof reset === 'function') {
    await callUser('target.reset()', () => reset({ url, params }), { doing: `reset the target at ${url}` });
    return;
  }
  const [method, path] = parseResetRequest(reset);
  let status: number;
  try {
    status = await request(method, new URL(path, `${url.replace(/\/+$/, '')}/`), spec.headers ?? {});
  } catch (error) {
    return fail(`${method} /${path} got no answer (${errorMessage(error)}). Is the target running?`, error);
  }
  if (status < 200 || status >= 300) fail(`${method} /${path} answered HTTP ${status}`);
}

/** `'POST /__reset'` → ['POST', '__reset'] (relative, so a base url's path prefix is kept); a clear error for anything else. */
export function parseResetRequest(text: string): [string, string] {
  const match = /^\s*([A-Za-z]+)\s+(\/\S*)\s*$/.exec(text);
  if (!match) {
    throw new BeamulatorError('BEAM_SIMULATION_INVALID', `cannot use target.reset '${text}': expected a method and a path, like 'POST /__reset'`, 'Write it as "<METHOD> /<path>", or give a function');
  }
  return [match[1]!.toUpperCase(), match[2]!.slice(1)];
}

/** One request on a connection of its own, closed after (a kept-alive socket would outlive the run). */
function request(method: string, url: URL, headers: Record<string, string>): Promise<number> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { method, headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
