// Escaping for each target language. Every value from a profile reaches a template through one
// of these; a template never pastes a raw value.

export class EscapeError extends Error {}

function rejectNul(value: string, what: string): void {
  if (value.includes('\0')) throw new EscapeError(`${what}: NUL character cannot be embedded`);
}

/** A POSIX sh word: single-quoted, so nothing inside is expanded. */
export function shQuote(value: string): string {
  rejectNul(value, 'sh');
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A printf format for POSIX sh: literal text, run-time {placeholders} become %s. */
export function shPrintfFormat(text: string, runtimeNames: readonly string[]): string {
  let fmt = text.replace(/\\/g, '\\\\').replace(/%/g, '%%');
  for (const name of runtimeNames) fmt = fmt.replace(`{${name}}`, '%s');
  // A format starting with '-' would be read as an option by some printf builtins.
  if (fmt.startsWith('-')) fmt = `\\055${fmt.slice(1)}`;
  return shQuote(fmt);
}

/** The body of a quoted here-document: it must not contain its own terminator line. */
export function heredocBody(text: string, terminator: string): string {
  rejectNul(text, 'heredoc');
  if (text.split('\n').some((line) => line === terminator)) {
    throw new EscapeError(`heredoc: text contains its terminator line ${terminator}`);
  }
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}

/** A JavaScript literal (JSON is a subset once U+2028/U+2029 are escaped). */
export function jsLiteral(value: unknown): string {
  return JSON.stringify(value).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Text for a one-line comment: no line breaks, no control characters. */
export function commentText(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ');
}
