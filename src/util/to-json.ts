import type { Json } from '../store/records.ts';

/**
 * Converts any value into storable JSON without throwing: undefined -> null, bigint -> string,
 * Map/Set -> object/array, Error -> {name, message}, cycles -> '[circular]', functions dropped.
 */
export function toJson(value: unknown): Json {
  return convert(value, new WeakSet());
}

function convert(value: unknown, seen: WeakSet<object>): Json {
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
  if (seen.has(obj)) return '[circular]';
  seen.add(obj);
  try {
    if (Array.isArray(obj)) return obj.map((v) => convert(v, seen));
    if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? null : obj.toISOString();
    if (obj instanceof Error) return { name: obj.name, message: obj.message };
    if (obj instanceof Map) return Object.fromEntries([...obj].map(([k, v]) => [String(k), convert(v, seen)]));
    if (obj instanceof Set) return [...obj].map((v) => convert(v, seen));
    if (ArrayBuffer.isView(obj)) return `[${obj.constructor.name} ${obj.byteLength} bytes]`;
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(obj)) {
      if (v !== undefined && typeof v !== 'function') out[k] = convert(v, seen);
    }
    return out;
  } finally {
    seen.delete(obj);
  }
}
