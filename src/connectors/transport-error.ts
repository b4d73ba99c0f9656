/**
 * Turns what undici / node:net throw into a one-line {@link ConnectorError}.
 */
import { redactUrl } from '../store/redact.ts';
import { ConnectorError } from './connector-error.ts';

const unreachableReasons: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by peer',
  EPIPE: 'connection closed while sending (broken pipe)',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed (temporary)',
  EAI_FAIL: 'DNS lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EHOSTDOWN: 'host is down',
  EADDRNOTAVAIL: 'address not available',
  UND_ERR_CLOSED: 'connector is closed',
  UND_ERR_DESTROYED: 'connector is closed',
  UND_ERR_ABORTED: 'request aborted',
};

const protocolCodes = new Set([
  'UND_ERR_HEADERS_OVERFLOW',
  'UND_ERR_INFO',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_RES_EXCEEDED_MAX_SIZE',
]);

/** Caller mistakes (bad header value, unsupported option): rethrown as they are, so the action crashes. */
const usageCodes = new Set(['UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED', 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH', 'UND_ERR_INVALID_RETURN_VALUE']);

/**
 * The error a failed request rejects with: a `ConnectorError` for transport failures
 * (`timeout`, `unreachable`, `protocol`), or `cause` itself when it is not one (a caller mistake).
 * Its message names the url with secret query parameters redacted (the built-in rules): it is
 * recorded as the action's error, and an error message is free text no later step can redact.
 *
 * @example
 * transportError(econnrefused, 'http://127.0.0.1:9/todos', 5000, 5000).message;
 * // 'cannot reach http://127.0.0.1:9/todos: connection refused (ECONNREFUSED)'
 */
export function transportError(cause: unknown, rawUrl: string, timeoutMs: number, connectTimeoutMs: number, gotHeaders = false): Error {
  const url = redactUrl(rawUrl);
  if (cause instanceof Error && cause.name === 'TimeoutError') {
    // AbortSignal.timeout fired (short timeouts): a deadline for the whole exchange
    return new ConnectorError(`no answer from ${url} within ${timeoutMs}ms${gotHeaders ? ' (response body incomplete)' : ''}`, 'timeout', { cause });
  }
  const code = errorCode(cause);
  if (code === undefined || usageCodes.has(code)) {
    return cause instanceof Error ? cause : new Error(String(cause));
  }
  switch (code) {
    case 'UND_ERR_HEADERS_TIMEOUT':
      return new ConnectorError(`no answer from ${url} within ${timeoutMs}ms`, 'timeout', { cause });
    case 'UND_ERR_BODY_TIMEOUT':
      return new ConnectorError(`no answer from ${url} within ${timeoutMs}ms (response body stalled)`, 'timeout', { cause });
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new ConnectorError(`no answer from ${url} within ${connectTimeoutMs}ms (connect timeout)`, 'timeout', { cause });
    case 'ETIMEDOUT':
      return new ConnectorError(`no answer from ${url}: connection timed out (ETIMEDOUT)`, 'timeout', { cause });
  }
  if (code.startsWith('HPE_') || protocolCodes.has(code)) {
    return new ConnectorError(`bad HTTP response from ${url}: ${oneLine(cause)} (${code})`, 'protocol', { cause });
  }
  const reason = unreachableReasons[code] ?? (code === 'UND_ERR_SOCKET' ? `socket closed (${oneLine(cause)})` : oneLine(cause));
  return new ConnectorError(`cannot reach ${url}: ${reason} (${code})`, 'unreachable', { cause });
}

/** `code` of the error, or of the first error of an AggregateError (happy-eyeballs connects), or of its cause. */
function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, errors, cause } = error as { code?: unknown; errors?: unknown; cause?: unknown };
  if (typeof code === 'string' && code !== 'UND_ERR') return code;
  if (Array.isArray(errors) && errors.length > 0) return errorCode(errors[0]);
  return cause === undefined || cause === error ? undefined : errorCode(cause);
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*\n\s*/g, ' ').trim() || 'unknown error';
}
