/**
 * Makes JSON text safe for strict parsers (jq, Go, Rust's serde): `JSON.stringify` writes a lone
 * UTF-16 surrogate, which no UTF-8 text can hold, as a `\ud800` escape, and those parsers reject
 * it. Here it becomes the six characters `\ud800` in the string (an escaped backslash), so the
 * value stays visible and the document parses everywhere. Well-formed pairs are not escapes in
 * `JSON.stringify`'s output, and an escaped backslash before `u` is left alone.
 *
 * @example
 * strictJson(JSON.stringify({ title: 'a\ud800' })) // '{"title":"a\\ud800"}'
 */
export function strictJson(text: string): string {
  return text.includes('\\ud') ? text.replace(/(?<!\\)((?:\\\\)*)\\u(d[89a-f][0-9a-f]{2})/g, '$1\\\\u$2') : text;
}

/** A value as the CLI prints JSON: indented by 2, safe for strict parsers (see strictJson). */
export function cliJson(value: unknown): string {
  return strictJson(JSON.stringify(value, null, 2));
}
