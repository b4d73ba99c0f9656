/**
 * The path of the first value in `value` that would not come back the same from JSON (a Map, a
 * Set, a Date, a class instance, a function, a symbol, a bigint, NaN or Infinity, undefined in an
 * array, a cycle), or null when all of it is plain JSON. `root` names the value in the path
 * (`state.todos[2].due`). Object properties that are undefined are allowed: JSON drops them, and
 * reading one back gives undefined again.
 *
 * @example
 * nonJsonPath({ seen: new Set([1]) }, 'state') // { path: 'state.seen', what: 'a Set' }
 */
export function nonJsonPath(value: unknown, root: string): { path: string; what: string } | null {
  return walk(value, root, []);
}

function walk(value: unknown, path: string, ancestors: object[]): { path: string; what: string } | null {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return null;
    case 'number':
      return Number.isFinite(value) ? null : { path, what: String(value) };
    case 'bigint':
      return { path, what: 'a bigint' };
    case 'undefined':
      return { path, what: 'undefined' };
    case 'function':
      return { path, what: 'a function' };
    case 'symbol':
      return { path, what: 'a symbol' };
  }
  if (value === null) return null;
  const obj = value as object;
  if (ancestors.includes(obj)) return { path, what: 'a circular reference' };
  const proto = Object.getPrototypeOf(obj) as object | null;
  const array = Array.isArray(obj);
  if (!array && proto !== Object.prototype && proto !== null) {
    const name = (obj as { constructor?: { name?: string } }).constructor?.name;
    return { path, what: name ? `a ${name}` : 'an object with a prototype' };
  }
  ancestors.push(obj);
  try {
    if (array) {
      for (let i = 0; i < obj.length; i++) {
        const found = walk(obj[i], `${path}[${i}]`, ancestors);
        if (found) return found;
      }
      return null;
    }
    for (const key of Object.keys(obj)) {
      const v = (obj as Record<string, unknown>)[key];
      if (v === undefined) continue;
      const found = walk(v, /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`, ancestors);
      if (found) return found;
    }
    return null;
  } finally {
    ancestors.pop();
  }
}
