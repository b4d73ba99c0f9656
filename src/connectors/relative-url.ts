/**
 * Exchanges with the target are stored by path (`/todos?x=1`), so a run compares equal to a
 * replay against the same app on another port; other origins keep their absolute url.
 *
 * @example
 * relativeUrl('http://127.0.0.1:3000', 'http://127.0.0.1:3000/todos?x=1'); // '/todos?x=1'
 */
export function relativeUrl(targetOrigin: string, url: string): string {
  return targetOrigin && url.startsWith(targetOrigin) && url.charAt(targetOrigin.length) === '/' ? url.slice(targetOrigin.length) : url;
}

/** The origin of a target url ('' when there is none). */
export function originOf(targetUrl: string): string {
  return targetUrl ? new URL(targetUrl).origin : '';
}
