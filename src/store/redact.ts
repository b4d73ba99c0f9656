/**
 * Secrets never reach the run store: the writer passes every header map, Json value,
 * JSON (or form) body and exchange url through a Redactor before buffering it. Values are replaced, keys kept,
 * and the caller's objects are never mutated (changed paths are copied, the rest shared).
 */
import type { Json } from './records.ts';

export const REDACTED = '[redacted]';

/** Header names whose values are always redacted (compared lower-case). */
export const defaultRedactedHeaders: readonly string[] = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key'];

/** Header, field, form- and query-parameter names whose values are redacted, at any depth. */
export const defaultSecretFields = /pass(word)?|passwd|secret|token|api[-_]?key/i;

/**
 * A name to redact on top of the built-in rules (header, JSON field or form parameter): a string
 * is a whole name, case-insensitive, where `*` matches any run of characters (`'x-internal-*'`);
 * a RegExp is tested against the name (`/^card/i`).
 */
export type RedactPattern = string | RegExp;

export interface RedactOptions {
  /** Header names to redact; replaces the default list (spread `defaultRedactedHeaders` to extend it). */
  headers?: readonly string[];
  /** Field names to redact in Json values, headers and bodies. */
  fields?: RegExp;
  /** More names to redact, wherever `fields` applies (headers, Json values, bodies), in addition to it. */
  extra?: readonly RedactPattern[];
}

/** The fields of run records that hold user data (see Redactor.record). */
const recordFields = ['args', 'result', 'detail', 'config', 'initialState', 'params'] as const;

/** Objects nested deeper than this are left as they are (a guard against cycles). */
const maxDepth = 200;

/** Thrown inside a walk that must see exactly what JSON.stringify will see. */
const hasToJson = Symbol('hasToJson');

export class Redactor {
  readonly #options: RedactOptions;
  readonly #headers: ReadonlySet<string>;
  /** `fields`, then the extra patterns: a name matching any of them is secret. */
  readonly #fields: readonly RegExp[];
  /** Names repeat endlessly in a run: remember each verdict (bounded). */
  readonly #verdicts = new Map<string, boolean>();
  /** Regexes a JSON text must match somewhere to possibly hold a secret field; null when no such test is sound. */
  readonly #prefilters: readonly RegExp[] | null;

  constructor(options: RedactOptions = {}) {
    this.#options = options;
    this.#headers = new Set((options.headers ?? defaultRedactedHeaders).map((h) => h.toLowerCase()));
    this.#fields = [options.fields ?? defaultSecretFields, ...(options.extra ?? []).map(patternRegExp)]
      // A global or sticky regex keeps state between test() calls: drop those flags.
      .map((r) => new RegExp(r.source, r.flags.replace(/[gy]/g, '')));
    const prefilters = this.#fields.map(textPrefilter);
    this.#prefilters = prefilters.every((r) => r !== null) ? prefilters : null;
  }

  /** This redactor's rules plus more names (this one itself when there are none). */
  with(extra: readonly RedactPattern[] | undefined): Redactor {
    if (!extra || extra.length === 0) return this;
    return new Redactor({ ...this.#options, extra: [...(this.#options.extra ?? []), ...extra] });
  }

  /** True when a field of that name holds a secret. */
  isSecretField(name: string): boolean {
    let verdict = this.#verdicts.get(name);
    if (verdict === undefined) {
      verdict = this.#fields.some((r) => r.test(name));
      if (this.#verdicts.size >= 10_000) this.#verdicts.clear();
      this.#verdicts.set(name, verdict);
    }
    return verdict;
  }

  /** The value with every secret field replaced; the same reference when nothing changed. */
  value<T>(value: T): T {
    return this.#walk(value, 0, false) as T;
  }

  /**
   * A record as a user may see it: its fields that hold user data (`args`, `result`, `detail`,
   * `config`, `initialState`, `params`: what the store redacts) redacted, the rest kept; the same
   * reference when nothing changed. For what the engine hands out before the store sees it
   * (hooks' actions and complaints, a fuzz spec's actors).
   */
  record<T extends object>(record: T): T {
    let out: T | null = null;
    for (const field of recordFields) {
      if (!Object.prototype.hasOwnProperty.call(record, field)) continue;
      const item = (record as Record<string, unknown>)[field];
      const next = this.value(item);
      if (next === item) continue;
      out ??= { ...record };
      (out as Record<string, unknown>)[field] = next;
    }
    return out ?? record;
  }

  /**
   * The JSON text to store for a value (null for null/undefined), redacted. Walks the value
   * (cheap: memoized key verdicts); a value with toJSON methods is serialized first and the
   * parsed text walked instead, so what is stored is always exactly what was checked.
   */
  json(value: unknown, stringify: (v: unknown) => string | null): string | null {
    let redacted: unknown;
    try {
      redacted = this.#walk(value, 0, true);
    } catch (error) {
      if (error !== hasToJson) throw error;
      const text = stringify(value);
      return text === null ? null : this.jsonText(text);
    }
    return stringify(redacted);
  }

  /** Redacts JSON text: the same text when it holds no secret field, else the redacted value re-serialized. */
  jsonText(text: string): string {
    if (this.#prefilters && !text.includes('\\') && !this.#prefilters.some((r) => r.test(text))) return text;
    const parsed: unknown = JSON.parse(text);
    const redacted = this.value(parsed);
    return redacted === parsed ? text : JSON.stringify(redacted);
  }

  headers(headers: Record<string, string>): Record<string, string> {
    let out: Record<string, string> | null = null;
    for (const name of Object.keys(headers)) {
      if (headers[name] === REDACTED || !(this.#headers.has(name.toLowerCase()) || this.isSecretField(name))) continue;
      out ??= { ...headers };
      out[name] = REDACTED;
    }
    return out ?? headers;
  }

  /**
   * A URL (absolute or a path) with the values of secret-named query parameters replaced
   * (`?api_key=[redacted]&page=2`) and the password of its user info (`https://ann:[redacted]@host`);
   * the rest of the text is kept as it was. The same string when nothing changed.
   */
  url(url: string): string {
    let out = url;
    const auth = /^([a-z][a-z0-9+.-]*:\/\/[^/?#@:]*:)([^/?#@]*)@/i.exec(out);
    if (auth && auth[2] !== REDACTED) out = `${auth[1]}${REDACTED}@${out.slice(auth[0].length)}`;
    const query = out.indexOf('?');
    if (query < 0) return out;
    const hash = out.indexOf('#', query);
    const end = hash < 0 ? out.length : hash;
    let changed = false;
    const params = out.slice(query + 1, end).split('&').map((param) => {
      const eq = param.indexOf('=');
      const name = eq < 0 ? param : param.slice(0, eq);
      if (eq < 0 || param.slice(eq + 1) === REDACTED || !this.isSecretField(decodedName(name))) return param;
      changed = true;
      return `${name}=${REDACTED}`;
    });
    return changed ? `${out.slice(0, query + 1)}${params.join('&')}${out.slice(end)}` : out;
  }

  /**
   * Free text such as an error message, with the secrets it quotes replaced: in each URL, the
   * secret-named query parameters and user info (see `url`); and every `name=value`,
   * `name: value` or `"name": "value"` (also JSON-escaped, `\\"name\\":\\"value\\"`) whose
   * name is secret. Prose that names no secret field is kept as it is: "my password is hunter2"
   * cannot be told from text. The same string when nothing changed.
   */
  text(text: string): string {
    const names = !this.#prefilters || this.#prefilters.some((r) => r.test(text));
    if (!names && !userInfo.test(text)) return text;
    let out = text.replace(urlsInText, (url) => this.url(url));
    if (names) out = this.#pairsInText(out);
    return out;
  }

  /** A request or response body: redacted when it parses as JSON or is a urlencoded form. */
  body(body: string | null, contentType?: string): string | null {
    if (body === null || body.length === 0) return body;
    const first = body.trimStart()[0];
    if (first === '{' || first === '[') {
      try {
        return this.jsonText(body);
      } catch {
        return body; // not JSON after all
      }
    }
    if (contentType !== undefined && /x-www-form-urlencoded/i.test(contentType)) {
      const params = new URLSearchParams(body);
      let changed = false;
      for (const [name] of params) {
        if (this.isSecretField(name) && params.get(name) !== REDACTED) {
          params.set(name, REDACTED);
          changed = true;
        }
      }
      return changed ? params.toString() : body;
    }
    return body;
  }

  /** `text` with the values of its secret-named pairs replaced (see `text`). */
  #pairsInText(text: string): string {
    let out = '';
    let from = 0;
    pairsInText.lastIndex = 0;
    for (let m = pairsInText.exec(text); m; m = pairsInText.exec(text)) {
      const [pair, quote = '', name = '', separator = '', value = ''] = m;
      if (!this.isSecretField(name) || value === REDACTED || value === `"${REDACTED}"` || value === `\\"${REDACTED}\\"`) {
        // Not a secret: the value may hold pairs of its own (`error: password=x`, a quoted JSON text).
        pairsInText.lastIndex = m.index + quote.length + name.length;
        continue;
      }
      const hidden = value.startsWith('\\"') ? `\\"${REDACTED}\\"` : value.startsWith('"') ? `"${REDACTED}"` : REDACTED;
      out += `${text.slice(from, m.index)}${quote}${name}${quote}${separator}${hidden}`;
      from = m.index + pair.length;
    }
    return from === 0 ? text : out + text.slice(from);
  }

  #walk(value: unknown, depth: number, strict: boolean): unknown {
    if (value === null || typeof value !== 'object' || depth > maxDepth) return value;
    if (strict && typeof (value as { toJSON?: unknown }).toJSON === 'function') throw hasToJson;
    if (Array.isArray(value)) {
      let out: unknown[] | null = null;
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        const next = this.#walk(item, depth + 1, strict);
        if (next !== item) {
          out ??= value.slice();
          out[i] = next;
        }
      }
      return out ?? value;
    }
    const obj = value as Record<string, unknown>;
    let out: Record<string, unknown> | null = null;
    // for-in with an own-property check, not Object.keys: the same keys in the same order, without
    // a keys array per object (this walks every action's args and result).
    for (const key in obj) {
      if (!Object.prototype.hasOwnProperty.call(obj, key)) continue;
      const item = obj[key];
      const next = this.isSecretField(key) ? (item === undefined ? item : REDACTED) : this.#walk(item, depth + 1, strict);
      if (next !== item) {
        out ??= { ...obj };
        out[key] = next;
      }
    }
    return out ?? value;
  }
}

// For Redactor.text: URLs (absolute, or a path with a query) and user info in them; and
// name-value pairs, the name bare or quoted (also JSON-escaped), the value quoted or bare.
const urlsInText = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>\\]+|(?<![\w/])\/[^\s"'<>?\\]*\?[^\s"'<>\\]+/gi;
const userInfo = /:\/\/[^/\s@]*:[^/\s@]*@/;
const pairsInText = /(\\?["']|)([A-Za-z_][\w.-]*)\1(\s*[:=]\s*)(\\"(?:[^"\\]|\\[^"])*\\"|"(?:[^"\\]|\\.)*"|\[redacted\]|[^\s,;&"'}\]\\<]+)/g;

/** A query parameter's name as its server reads it (`api%5Fkey`, `api+key`), or as written when it does not decode. */
function decodedName(name: string): string {
  try {
    return decodeURIComponent(name.replaceAll('+', ' '));
  } catch {
    return name;
  }
}

/** A RedactPattern as a RegExp over whole names. */
function patternRegExp(pattern: RedactPattern): RegExp {
  if (typeof pattern !== 'string') return pattern;
  const body = pattern.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${body}$`, 'i');
}

/**
 * A regex that matches a JSON text whenever `names` matches one of its keys, or null. A key
 * appears verbatim in JSON text without escapes, so the name regex without its outer anchors
 * (which then matches more, never less) finds it in the text. Inner anchors, word boundaries
 * and lookarounds would not carry over.
 */
function textPrefilter(names: RegExp): RegExp | null {
  const source = names.source.replace(/^\^/, '').replace(/(?<!\\)\$$/, '');
  if (/[$^]|\\[bB]|\(\?/.test(source)) return null;
  return new RegExp(source, names.flags);
}

const defaultRedactor = new Redactor();

/**
 * A copy of a Json value with secret fields (at any depth) replaced by "[redacted]".
 *
 * @example
 * redact({ user: 'ann', auth: { password: 'x' } }) // { user: 'ann', auth: { password: '[redacted]' } }
 */
export function redact<T extends Json | unknown>(value: T, options?: RedactOptions): T {
  return (options ? new Redactor(options) : defaultRedactor).value(value);
}

/**
 * A copy of a header map with credential headers and secret-named headers redacted.
 *
 * @example
 * redactHeaders({ Authorization: 'Bearer x', accept: '*' }) // { Authorization: '[redacted]', accept: '*' }
 */
export function redactHeaders(headers: Record<string, string>, options?: RedactOptions): Record<string, string> {
  return (options ? new Redactor(options) : defaultRedactor).headers(headers);
}

/**
 * A url with the values of secret query parameters and the password of its user info redacted
 * (the built-in rules), as the run store stores it.
 *
 * @example
 * redactUrl('/items?access_token=t-1&page=2') // '/items?access_token=[redacted]&page=2'
 */
export function redactUrl(url: string): string {
  return defaultRedactor.url(url);
}

/**
 * A request or response body with secret fields redacted (JSON, or a urlencoded form when the
 * content type says so), as the run store would store it.
 *
 * @example
 * redactBody('{"user":"ann","password":"x"}') // '{"user":"ann","password":"[redacted]"}'
 */
export function redactBody(body: string | null, contentType?: string): string | null {
  return defaultRedactor.body(body, contentType);
}
