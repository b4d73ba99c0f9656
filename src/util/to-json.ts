import type { Json } from '../store/records.ts';

/**
 * Converts any value into storable JSON without throwing: undefined -> null, bigint -> string,
 * Map/Set -> object/array, Error -> {name, message}, cycles -> '[circular]', functions dropped.
 */
export function toJson(value: unknown): Json {
  // convert pops what it pushed (in a finally), so the stack is back at `base` afterwards.
  return convert(value, ancestors.length);
}

// The path from the root: a value already on it is a cycle. (A path, not a WeakSet, because most
// values are shallow and this runs for every action.) One stack shared by all calls, since an
// array per call was most of this function's garbage; a call made while converting (a getter
// calling toJson) works above its caller's part, from `base`.
const ancestors: object[] = [];

function convert(value: unknown, base: number): Json {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return value.toString();
    case 'undefined':
    case 'function':
    case 'symbol':
      return null;
  }
  if (value === null) return null;
  const obj = value as object;
  if (ancestors.indexOf(obj, base) >= 0) return '[circular]';
  ancestors.push(obj);
  try {
    if (Array.isArray(obj)) return obj.map((v) => convert(v, base));
    if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? null : obj.toISOString();
    if (obj instanceof Error) return { name: obj.name, message: obj.message };
    if (obj instanceof Map) return Object.fromEntries([...obj].map(([k, v]) => [String(k), convert(v, base)]));
    if (obj instanceof Set) return [...obj].map((v) => convert(v, base));
    if (ArrayBuffer.isView(obj)) return `[${obj.constructor.name} ${obj.byteLength} bytes]`;
    const out: Record<string, Json> = {};
    for (const k in obj) {
      if (!Object.prototype.hasOwnProperty.call(obj, k)) continue;
      const v = (obj as Record<string, unknown>)[k];
      if (v !== undefined && typeof v !== 'function') out[k] = convert(v, base);
    }
    return out;
  } finally {
    ancestors.pop();
  }
}
