/**
 * Whether an action's code asks for the browser page: its second parameter destructures `page`
 * (`async (args, { page }) => …`) or reads `io.page`. The page must exist before the code runs
 * (Playwright's `Page` has synchronous methods), so this is decided from the function's source,
 * as Playwright Test decides which fixtures a test uses.
 *
 * @example
 * asksForPage(async (_args, { page }) => page.title()); // true
 * asksForPage(async (_args, { http }) => http.get('/')); // false
 */
export function asksForPage(fn: (...args: any[]) => unknown): boolean {
  const source = Function.prototype.toString.call(fn);
  const params = parameterList(source);
  if (params === null) return false;
  const second = splitTopLevel(params)[1]?.trim();
  if (!second) return false;
  if (second.startsWith('{')) return /\bpage\b/.test(second);
  const name = /^[A-Za-z_$][\w$]*/.exec(second)?.[0];
  if (!name) return false;
  const body = source.slice(source.indexOf(params) + params.length);
  return new RegExp(`(^|[^\\w$.])${name.replace(/\$/g, '\\$')}\\s*\\??\\.\\s*page\\b`).test(body);
}

/** The text between a function's parameter parentheses (null for a one-parameter arrow without them). */
function parameterList(source: string): string | null {
  const open = source.indexOf('(');
  const arrow = source.indexOf('=>');
  if (open < 0 || (arrow >= 0 && arrow < open)) return null;
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    const c = source[i];
    if (c === '(' || c === '{' || c === '[') depth++;
    else if (c === ')' || c === '}' || c === ']') {
      depth--;
      if (depth === 0) return source.slice(open + 1, i);
    }
  }
  return null;
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '{' || c === '[') depth++;
    else if (c === ')' || c === '}' || c === ']') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}
