import { describe, expect, it } from 'vitest';
import { pageError } from '../../src/connectors/page-error.ts';

// The messages as Playwright 1.65 throws them (call log dimmed with ANSI escapes).
const timeout = (call: string, step: string) => Object.assign(new Error(`${call}: Timeout 300ms exceeded.\nCall log:\n\u001b[2m  - ${step}\u001b[22m\n`), { name: 'TimeoutError' });

describe('pageError', () => {
  it('names the selector a timed-out page action waited for', () => {
    const error = pageError(timeout('locator.click', "waiting for getByRole('button', { name: 'Add' })"));
    expect(error).toMatchObject({ name: 'ConnectorError', kind: 'timeout', message: "locator.click: Timeout 300ms exceeded waiting for getByRole('button', { name: 'Add' })" });
  });

  it('names the url of a navigation that timed out or could not connect', () => {
    expect(pageError(timeout('page.goto', 'navigating to "http://127.0.0.1:9/", waiting until "load"'))).toMatchObject({
      kind: 'timeout', message: 'page.goto: Timeout 300ms exceeded navigating to "http://127.0.0.1:9/"',
    });
    const refused = new Error('page.goto: net::ERR_CONNECTION_REFUSED at http://127.0.0.1:9/\nCall log:\n\u001b[2m  - navigating to "http://127.0.0.1:9/", waiting until "load"\u001b[22m\n');
    expect(pageError(refused)).toMatchObject({ kind: 'unreachable', message: 'page.goto: net::ERR_CONNECTION_REFUSED at http://127.0.0.1:9/' });
  });

  it("leaves the action's own errors alone (they are crashes)", () => {
    const own = new TypeError("Cannot read properties of undefined (reading 'title')");
    expect(pageError(own)).toBe(own);
  });
});
