// Escaping for each target language. Every value from a profile reaches a template through one
// of these; a template never pastes a raw value.

import { UserError } from '../errors.js';

function rejectNul(value: string, what: string): void {
  if (value.includes('\0')) throw new UserError(`${what}: NUL character cannot be embedded`);
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
    throw new UserError(`heredoc: text contains its terminator line ${terminator}`);
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
  if (/[^\x09\x0a\x0d\x20-\x7e]/.test(text)) throw new UserError('ps here-string: text is not pure ASCII');
  if (text.split('\n').some((line) => line.startsWith("'@"))) throw new UserError("ps here-string: a line starts with '@");
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}

/** Comment text that is pure ASCII too (non-ASCII as \\uXXXX): for install.ps1 and install.cmd. */
export function asciiCommentText(value: string): string {
  return commentText(value).replace(/[^\x20-\x7e]/g, psEscapeUnit);
}

// ---- install.cmd (cmd.exe; the script runs with delayed expansion off) ----

function rejectCmdUnsafe(value: string, what: string): void {
  rejectNul(value, what);
  // cmd cannot carry a double quote inside "…" nor a line break in one command.
  if (/["\r\n]/.test(value)) throw new UserError(`${what}: a double quote or line break cannot be carried by install.cmd: ${JSON.stringify(value)}`);
}

/** A value inside `set "NAME=…"`: only % is special there (doubled); quotes and line breaks are refused. */
export function cmdSetValue(value: string): string {
  rejectCmdUnsafe(value, 'cmd');
  return value.replace(/%/g, '%%');
}

/** Literal text for `echo:` with delayed expansion off: % doubled, the special characters caret-escaped. */
function cmdEchoText(text: string): string {
  return text.replace(/%/g, '%%').replace(/[\^&|<>()"]/g, (c) => `^${c}`);
}

/**
 * FOR variables carrying run-time value i into a message line: the first of each pair takes a dummy
 * token, so an empty value still yields one iteration.
 */
const CMD_FOR_VARS: readonly (readonly [string, string])[] = [
  ['A', 'B'],
  ['C', 'D'],
  ['E', 'F'],
  ['G', 'H'],
];

/**
 * The lines that print one catalog message in install.cmd. Run-time values come from CCENV_V1 …
 * CCENV_V4 through FOR variables: cmd inserts those after it has parsed the line, so a value's & | < >
 * ^ ! or parentheses are printed, never run. A value cannot hold a double quote, and a leading |
 * (the separator after the dummy token) is dropped. Literal text is escaped for a line run with
 * delayed expansion off.
 */
export function cmdMessageLines(text: string, runtimeNames: readonly string[]): string {
  rejectNul(text, 'cmd message');
  if (runtimeNames.length > CMD_FOR_VARS.length) throw new UserError(`cmd message: at most ${CMD_FOR_VARS.length} run-time values: ${text}`);
  const lines = text.split('\n').map((line) => {
    let escaped = cmdEchoText(line.replace(/\r$/, ''));
    if (runtimeNames.length > 0 && /%[A-H~]/.test(line)) {
      // %B (or %~…) after the doubled %% collapses would be read as a FOR variable.
      throw new UserError(`cmd message: a literal % followed by A-H or ~ cannot be printed next to run-time values: ${line}`);
    }
    runtimeNames.forEach((name, i) => {
      escaped = escaped.replace(`{${name}}`, () => `%%${(CMD_FOR_VARS[i] as readonly [string, string])[1]}`);
    });
    return `echo:${escaped}`;
  });
  if (runtimeNames.length === 0) return lines.join('\n');
  const loops = runtimeNames
    .map((_, i) => {
      const [dummy] = CMD_FOR_VARS[i] as readonly [string, string];
      return `for /f "eol= tokens=1,* delims=|" %%${dummy} in ("x|%CCENV_V${i + 1}%") do`;
    })
    .join(' ');
  return [`${loops} (`, ...lines, ')'].join('\n');
}

/** Comment text for a `rem` line: ASCII, % doubled (cmd expands % even in rem), no trailing caret. */
export function cmdCommentText(value: string): string {
  const text = asciiCommentText(value).replace(/%/g, '%%');
  return text.endsWith('^') ? `${text} .` : text;
}

/**
 * The configure program as lines of install.cmd that cmd never runs (node reads them from the file).
 * cmd still scans them when it looks for a label, so none may look like one.
 */
export function cmdPayload(text: string): string {
  rejectNul(text, 'cmd payload');
  const bad = text.split('\n').find((line) => /^[\s;,=]*:/.test(line));
  if (bad !== undefined) throw new UserError(`cmd payload: a line starts with ':' and would look like a label to cmd: ${bad.slice(0, 80)}`);
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}

/** Text or an attribute value inside HTML: the five characters HTML gives a meaning to. */
export function htmlText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** JSON inside <script type="application/json">: nothing can close the element or start a comment. */
export function jsonScriptData(value: unknown): string {
  return JSON.stringify(value, null, 2)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
