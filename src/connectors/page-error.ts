import { ConnectorError } from './connector-error.ts';

// eslint-disable-next-line no-control-regex -- ESC is exactly what is matched
const ansiEscape = /\u001b\[\d+m/g;
// Playwright's API errors start with the call that failed: `locator.click: Timeout 300ms exceeded.`
const playwrightCall = /^(page|locator|frame|frameLocator|elementHandle|jsHandle|keyboard|mouse|touchscreen|browserContext|request|response|route)\.(\w+): /;

/**
 * A Playwright failure inside a browser action as the action's `error` outcome: a selector that
 * never appeared, a navigation that timed out or could not connect is the page's failure, named by
 * its selector or url in one line. Anything else (a bug in the action's own code) is returned as is.
 *
 * @example
 * pageError(new Error("locator.click: Timeout 300ms exceeded.\nCall log:\n  - waiting for locator('#add')"));
 * // ConnectorError: locator.click: Timeout 300ms exceeded waiting for locator('#add')
 */
export function pageError(error: unknown): unknown {
  if (!(error instanceof Error) || error.name === 'ConnectorError' || error.name === 'ActionFailure') return error;
  // The call log is dimmed with ANSI escapes for a terminal; the stored error is plain text.
  const lines = error.message.replace(ansiEscape, '').split('\n');
  const first = lines[0]!;
  if (!playwrightCall.test(first)) return error;
  // The call log's first step says what was awaited: the selector, or the url being navigated to.
  const step = lines.find((line) => /^\s*- (waiting for|navigating to)/.test(line))?.trim().slice(2).replace(/, waiting until .*$/, '');
  const kind = error.name === 'TimeoutError' ? 'timeout' : /net::ERR_(CONNECTION|NAME|ADDRESS|INTERNET)/.test(first) ? 'unreachable' : 'protocol';
  const url = /^navigating to "(.*)"$/.exec(step ?? '')?.[1];
  const named = step === undefined || first.includes(url ?? step);
  const message = named ? first : `${first.replace(/\.$/, '')} ${step}`;
  return new ConnectorError(message, kind, { cause: error });
}
