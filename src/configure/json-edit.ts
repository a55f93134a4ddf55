// In-place edits of a JSON text: set or delete one object member, touching nothing else, so a
// user's formatting (indentation, compact arrays, number spelling, blank lines, CRLF) survives.
// Every edit is re-checked by the caller against the intended value (see document.ts).

import { parseJsonStrict, type JsonMember, type JsonNode, type JsonObjectNode } from './json-parse.js';

export interface TextStyle {
  /** One level of indentation: "\t" or N spaces. */
  indent: string;
  eol: '\n' | '\r\n';
}

/** Detects the indentation unit and line ending of a JSON text (defaults: 2 spaces, LF). */
export function detectStyle(text: string): TextStyle {
  const eol: TextStyle['eol'] = /\r\n/.test(text) ? '\r\n' : '\n';
  const m = /\n([ \t]+)["{[\]}]/.exec(text);
  let indent = '  ';
  if (m && m[1] !== undefined) {
    const ws = m[1];
    if (ws.startsWith('\t')) indent = '\t';
    else if (ws.length <= 8) indent = ws;
  }
  return { indent, eol };
}

function isWs(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}

/** The leading blanks of the line that holds `offset`. */
function lineIndentAt(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const m = /^[ \t]*/.exec(text.slice(lineStart, offset));
  return m ? m[0] : '';
}

/** The blanks just before a member's key (after the preceding "{" or ","). */
function blanksBefore(text: string, member: JsonMember): string {
  let i = member.keyStart;
  while (i > 0 && isWs(text[i - 1])) i--;
  return text.slice(i, member.keyStart);
}

function formatValue(value: unknown, memberIndent: string, style: TextStyle, compact: boolean): string {
  if (compact || value === null || typeof value !== 'object') return JSON.stringify(value);
  return JSON.stringify(value, null, style.indent).split('\n').join(style.eol + memberIndent);
}

function locate(text: string, objectPath: readonly string[]): { text: string; node: JsonObjectNode } {
  const source = /^[ \t\r\n]*$/.test(text) ? '{}' : text;
  const parsed = parseJsonStrict(source);
  if (!parsed.ok) throw new Error(`internal: edit of invalid JSON (${parsed.error.problem})`);
  let node: JsonNode = parsed.root;
  for (const key of objectPath) {
    if (node.kind !== 'object') throw new Error('internal: edit path crosses a non-object');
    const member: JsonMember | undefined = node.members.find((m) => m.key === key);
    if (!member) throw new Error('internal: edit path does not exist');
    node = member.value;
  }
  if (node.kind !== 'object') throw new Error('internal: edit target is not an object');
  return { text: source, node };
}

/** Sets `key` in the object at `objectPath` (which must exist) to `value`: in place if present, else appended. */
export function setMember(
  input: string,
  objectPath: readonly string[],
  key: string,
  value: unknown,
  style: TextStyle,
): string {
  const { text, node } = locate(input, objectPath);
  const existing = node.members.find((m) => m.key === key);
  if (existing) {
    const before = blanksBefore(text, existing);
    const compact = !before.includes('\n');
    const indent = compact ? '' : lineIndentAt(text, existing.keyStart);
    return (
      text.slice(0, existing.value.start) + formatValue(value, indent, style, compact) + text.slice(existing.value.end)
    );
  }
  const last = node.members[node.members.length - 1];
  if (!last) {
    const lineIndent = lineIndentAt(text, node.start);
    const memberIndent = lineIndent + style.indent;
    const inserted =
      style.eol +
      memberIndent +
      JSON.stringify(key) +
      ': ' +
      formatValue(value, memberIndent, style, false) +
      style.eol +
      lineIndent;
    return text.slice(0, node.start + 1) + inserted + text.slice(node.end - 1);
  }
  const before = blanksBefore(text, last);
  const compact = !before.includes('\n');
  const memberIndent = compact ? '' : before.slice(before.lastIndexOf('\n') + 1);
  const between = text.slice(last.keyEnd, last.value.start); // blanks, ":", blanks
  const inserted = ',' + before + JSON.stringify(key) + between + formatValue(value, memberIndent, style, compact);
  return text.slice(0, last.value.end) + inserted + text.slice(last.value.end);
}

/** Deletes `key` from the object at `objectPath`; a no-op when absent. */
export function deleteMember(input: string, objectPath: readonly string[], key: string): string {
  const { text, node } = locate(input, objectPath);
  const index = node.members.findIndex((m) => m.key === key);
  if (index < 0) return input;
  const member = node.members[index] as JsonMember;
  if (node.members.length === 1) return text.slice(0, node.start + 1) + text.slice(node.end - 1);
  if (index > 0) {
    const previous = node.members[index - 1] as JsonMember;
    return text.slice(0, previous.value.end) + text.slice(member.value.end);
  }
  const next = node.members[1] as JsonMember;
  return text.slice(0, member.keyStart) + text.slice(next.keyStart);
}
