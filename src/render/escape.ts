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

/** The function install.ps1 defines to turn an escaped literal back into text at run time. */
export const PS_DECODE_FUNCTION = 'ConvertFrom-CcenvEscaped';

function psEscapeUnit(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * A PowerShell string expression that is pure ASCII: a single-quoted literal ('' for '), or, when
 * the text holds anything but printable ASCII, a literal in [regex]::Unescape form (backslashes
 * doubled, every other character \\uXXXX) decoded by PS_DECODE_FUNCTION at run time.
 */
export function psString(value: string): string {
  rejectNul(value, 'ps');
  if (/^[\x20-\x7e]*$/.test(value)) return `'${value.replace(/'/g, "''")}'`;
  // eslint-disable-next-line no-control-regex
  const escaped = value.replace(/\\/g, '\\\\').replace(/[^\x20-\x7e]/g, psEscapeUnit);
  return `(${PS_DECODE_FUNCTION} '${escaped.replace(/'/g, "''")}')`;
}

/** A .NET format string (for -f) as a psString: literal braces doubled, run-time {names} → {0}, {1} … */
export function psFormat(text: string, runtimeNames: readonly string[]): string {
  let fmt = text.replace(/\{/g, '{{').replace(/\}/g, '}}');
  runtimeNames.forEach((name, i) => {
    fmt = fmt.replace(`{{${name}}}`, `{${i}}`);
  });
  return psString(fmt);
}

/** The body of a single-quoted here-string (@' … '@): pure ASCII, and no line may start with '@. */
export function psHereString(text: string): string {
  rejectNul(text, 'ps here-string');
  // eslint-disable-next-line no-control-regex
  if (/[^\x09\x0a\x0d\x20-\x7e]/.test(text)) throw new EscapeError('ps here-string: text is not pure ASCII');
  if (text.split('\n').some((line) => line.startsWith("'@"))) throw new EscapeError("ps here-string: a line starts with '@");
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}

/** Comment text that is pure ASCII too (non-ASCII as \\uXXXX): for install.ps1 and install.cmd. */
export function asciiCommentText(value: string): string {
  return commentText(value).replace(/[^\x20-\x7e]/g, psEscapeUnit);
}
