import type { Json } from '../store/records.ts';

/**
 * Converts any value into storable JSON without throwing: undefined -> null, bigint -> string,
 * Map/Set -> object/array, Error -> {name, message}, cycles -> '[circular]', functions dropped.
 */
export function toJson(value: unknown): Json {
  return convert(value, []);
}

// `ancestors` is the path from the root: a value already on it is a cycle. (A path, not a
// WeakSet, because most values are shallow and this runs for every action.)
function convert(value: unknown, ancestors: object[]): Json {
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
  if (ancestors.includes(obj)) return '[circular]';
  ancestors.push(obj);
  try {
    if (Array.isArray(obj)) return obj.map((v) => convert(v, ancestors));
    if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? null : obj.toISOString();
    if (obj instanceof Error) return { name: obj.name, message: obj.message };
    if (obj instanceof Map) return Object.fromEntries([...obj].map(([k, v]) => [String(k), convert(v, ancestors)]));
    if (obj instanceof Set) return [...obj].map((v) => convert(v, ancestors));
    if (ArrayBuffer.isView(obj)) return `[${obj.constructor.name} ${obj.byteLength} bytes]`;
    const out: Record<string, Json> = {};
    for (const k in obj) {
      if (!Object.prototype.hasOwnProperty.call(obj, k)) continue;
      const v = (obj as Record<string, unknown>)[k];
      if (v !== undefined && typeof v !== 'function') out[k] = convert(v, ancestors);
    }
    return out;
  } finally {
    ancestors.pop();
  }
}
