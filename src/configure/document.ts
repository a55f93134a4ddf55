// A JSON settings file as read from disk: its exact bytes (for change detection and backups), its
// decoded text, its parsed value, and its conventions (BOM, indentation, line ending, final
// newline). decodeDocument refuses, with exit 4, whatever Claude Code could not read or what we
// would have to "fix" silently.

import { EXIT } from '../contract.js';
import { CcenvError, type MessageParams } from './errors.js';
import { detectStyle, deleteMember, setMember, type TextStyle } from './json-edit.js';
import { jsonTypeName, parseJsonStrict, type JSON_PROBLEMS, type JSON_TYPES } from './json-parse.js';
import { applyOpsToValue, type JsonObject, type Op } from './ops.js';

export interface JsonDocument {
  /** Path shown in messages (the path as configured, before resolving symlinks). */
  path: string;
  exists: boolean;
  /** The bytes read; null when the file does not exist. */
  bytes: Buffer | null;
  bom: boolean;
  /** Text without BOM ("" when absent). */
  body: string;
  value: JsonObject;
  /** True when the file is absent or holds only whitespace. */
  blank: boolean;
  style: TextStyle;
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Message id per syntax problem (spelled out so every id can be found in the source). */
export const PROBLEM_MESSAGE: Record<(typeof JSON_PROBLEMS)[number], string> = {
  comment: 'cfg_json_comment',
  trailing_comma: 'cfg_json_trailing_comma',
  single_quote: 'cfg_json_single_quote',
  unquoted_key: 'cfg_json_unquoted_key',
  unexpected_char: 'cfg_json_unexpected_char',
  unexpected_end: 'cfg_json_unexpected_end',
  duplicate_key: 'cfg_json_duplicate_key',
  bad_escape: 'cfg_json_bad_escape',
  control_in_string: 'cfg_json_control_in_string',
  bad_number: 'cfg_json_bad_number',
  extra_content: 'cfg_json_extra_content',
  too_deep: 'cfg_json_too_deep',
};

/** Message id per JSON type, as named in messages. */
export const TYPE_MESSAGE: Record<(typeof JSON_TYPES)[number], string> = {
  object: 'cfg_type_object',
  array: 'cfg_type_array',
  string: 'cfg_type_string',
  number: 'cfg_type_number',
  boolean: 'cfg_type_boolean',
  null: 'cfg_type_null',
};

function invalid(path: string, id: string, params: MessageParams = {}): CcenvError {
  return new CcenvError(EXIT.invalidConfig, id, { path, ...params });
}

export function decodeDocument(path: string, bytes: Buffer | null): JsonDocument {
  if (bytes === null) {
    return { path, exists: false, bytes, bom: false, body: '', value: {}, blank: true, style: detectStyle('') };
  }
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    throw invalid(path, 'cfg_err_utf16');
  }
  if (bytes.includes(0)) throw invalid(path, 'cfg_err_nul');
  const decoded = bytes.toString('utf8');
  if (!Buffer.from(decoded, 'utf8').equals(bytes)) throw invalid(path, 'cfg_err_not_utf8');
  const bom = bytes.subarray(0, 3).equals(UTF8_BOM);
  const body = bom ? decoded.slice(1) : decoded;
  const style = detectStyle(body);
  if (/^[ \t\r\n]*$/.test(body)) {
    return { path, exists: true, bytes, bom, body, value: {}, blank: true, style };
  }
  const parsed = parseJsonStrict(body);
  if (!parsed.ok) {
    const { error } = parsed;
    throw invalid(path, 'cfg_err_json', {
      line: error.line,
      column: error.column,
      problem: { id: PROBLEM_MESSAGE[error.problem], params: { detail: error.detail } },
    });
  }
  const value: unknown = JSON.parse(body);
  if (parsed.root.kind !== 'object' || typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(path, 'cfg_err_root_not_object', { type: { id: TYPE_MESSAGE[jsonTypeName(value)] } });
  }
  return { path, exists: true, bytes, bom, body, value: value as JsonObject, blank: false, style };
}

/** Settings-specific check: "env", when present, must be an object. */
export function checkSettingsShape(doc: JsonDocument): void {
  if (!Object.prototype.hasOwnProperty.call(doc.value, 'env')) return;
  const env = doc.value['env'];
  if (typeof env !== 'object' || env === null || Array.isArray(env)) {
    throw invalid(doc.path, 'cfg_err_env_not_object', { type: { id: TYPE_MESSAGE[jsonTypeName(env)] } });
  }
}

function withFinalNewline(doc: JsonDocument, text: string): string {
  if (doc.blank) {
    // A new (or whitespace-only) file gets the usual form: the object and one newline.
    return text + doc.style.eol;
  }
  return text;
}

function serializeFresh(doc: JsonDocument, value: JsonObject): string {
  const text = JSON.stringify(value, null, doc.style.indent).split('\n').join(doc.style.eol);
  const finalNewline = doc.blank || /\r?\n[ \t\r\n]*$/.test(doc.body);
  return finalNewline ? text + doc.style.eol : text;
}

export interface Rendered {
  value: JsonObject;
  /** The full text to write (with BOM when the original had one). */
  text: string;
}

/**
 * Applies ops to the document: edits the text in place, then verifies that the result parses to
 * exactly the intended value (same keys in the same order). Should an in-place edit ever disagree,
 * the whole file is re-serialized in its detected style instead: correct first, pretty second.
 */
export function renderOps(doc: JsonDocument, ops: readonly Op[]): Rendered {
  const value = applyOpsToValue(doc.value, ops);
  let body = doc.blank ? '{}' : doc.body;
  let edited: string | null = body;
  try {
    for (const op of ops) {
      const parent = op.path.slice(0, -1);
      const key = op.path[op.path.length - 1] as string;
      body = op.kind === 'set' ? setMember(body, parent, key, op.value, doc.style) : deleteMember(body, parent, key);
    }
    edited = withFinalNewline(doc, body);
    const check = parseJsonStrict(edited);
    if (!check.ok || JSON.stringify(JSON.parse(edited)) !== JSON.stringify(value)) edited = null;
  } catch {
    edited = null;
  }
  const text = edited ?? serializeFresh(doc, value);
  return { value, text: (doc.bom ? '\uFEFF' : '') + text };
}

/** The document's current full text as it would be written back (BOM included). */
export function currentText(doc: JsonDocument): string {
  return (doc.bom ? '\uFEFF' : '') + doc.body;
}
