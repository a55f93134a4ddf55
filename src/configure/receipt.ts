// The receipt (<config dir>/ccenv/receipt.json, 0600): for every key ccenv ever changed, the
// value it had before ccenv first touched it (recorded once, never overwritten, even by a run for
// another profile) and a salted SHA-256 of the value ccenv last wrote (never the plaintext key).
// Per file it also keeps the original text and whether the file existed, so --uninstall can give
// back the original bytes. Pure functions over the data; reading and writing is done by the caller.

import * as crypto from 'node:crypto';
import { getAt, isPlainObject, type JsonObject } from './ops.js';

export type FileRole = 'settings' | 'state';
export const FILE_ROLES: readonly FileRole[] = ['settings', 'state'];

export type Presence = { present: true; value: unknown } | { present: false };
/** What ccenv last wrote: a salted hash, "absent" for a removal, null when not yet confirmed. */
export type Written = { present: true; sha256: string } | { present: false } | null;

export interface ReceiptEntry {
  path: string[];
  original: Presence;
  written: Written;
}

export interface ReceiptFile {
  /** Absolute path when first recorded (informational). */
  path: string;
  existed: boolean;
  /** The file's full text (BOM included) before ccenv first changed it; null when it did not exist. */
  originalText: string | null;
  entries: ReceiptEntry[];
}

export interface Receipt {
  format: 'ccenv-receipt';
  version: 1;
  salt: string;
  /** Profile ids that configured this account, first use first. */
  profiles: string[];
  ccenvVersion: string;
  createdAt: string;
  updatedAt: string;
  files: Partial<Record<FileRole, ReceiptFile>>;
  /**
   * Folders the first run created for the config folder (it and missing parents), outermost first;
   * --uninstall --purge removes them when empty. Absent in receipts of earlier ccenv versions.
   */
  createdFolders?: string[];
}

export function newReceipt(now: Date, ccenvVersion: string): Receipt {
  const stamp = now.toISOString();
  return {
    format: 'ccenv-receipt',
    version: 1,
    salt: crypto.randomBytes(16).toString('hex'),
    profiles: [],
    ccenvVersion,
    createdAt: stamp,
    updatedAt: stamp,
    files: {},
  };
}

function isPresence(v: unknown): v is Presence {
  if (!isPlainObject(v)) return false;
  if (v['present'] === false) return true;
  return v['present'] === true && Object.prototype.hasOwnProperty.call(v, 'value');
}

function isWritten(v: unknown): v is Written {
  if (v === null) return true;
  if (!isPlainObject(v)) return false;
  if (v['present'] === false) return true;
  return v['present'] === true && typeof v['sha256'] === 'string';
}

function isEntry(v: unknown): v is ReceiptEntry {
  return (
    isPlainObject(v) &&
    Array.isArray(v['path']) &&
    v['path'].length > 0 &&
    v['path'].every((p) => typeof p === 'string') &&
    isPresence(v['original']) &&
    isWritten(v['written'])
  );
}

function isReceiptFile(v: unknown): v is ReceiptFile {
  return (
    isPlainObject(v) &&
    typeof v['path'] === 'string' &&
    typeof v['existed'] === 'boolean' &&
    (v['originalText'] === null || typeof v['originalText'] === 'string') &&
    Array.isArray(v['entries']) &&
    v['entries'].every(isEntry)
  );
}

/** Checks the shape of a parsed receipt; returns a description of the first problem, or null. */
export function receiptProblem(v: unknown): string | null {
  if (!isPlainObject(v)) return 'not an object';
  if (v['format'] !== 'ccenv-receipt' || v['version'] !== 1) return 'unknown format or version';
  if (typeof v['salt'] !== 'string' || v['salt'] === '') return 'salt';
  if (!Array.isArray(v['profiles']) || !v['profiles'].every((p) => typeof p === 'string')) return 'profiles';
  const files = v['files'];
  if (!isPlainObject(files)) return 'files';
  for (const [role, file] of Object.entries(files)) {
    if (!(FILE_ROLES as readonly string[]).includes(role)) return `files.${role}`;
    if (!isReceiptFile(file)) return `files.${role}`;
  }
  const created = v['createdFolders'];
  if (created !== undefined && !(Array.isArray(created) && created.every((p) => typeof p === 'string'))) return 'createdFolders';
  return null;
}

export function hashValue(salt: string, value: unknown): string {
  return crypto.createHash('sha256').update(salt).update('\0').update(JSON.stringify(value)).digest('hex');
}

export function samePath(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((k, i) => k === b[i]);
}

export function findEntry(receipt: Receipt | null, role: FileRole, path: readonly string[]): ReceiptEntry | undefined {
  return receipt?.files[role]?.entries.find((e) => samePath(e.path, path));
}

export function presenceAt(root: JsonObject, path: readonly string[]): Presence {
  const found = getAt(root, path);
  return found.present ? { present: true, value: found.value } : { present: false };
}

export function writtenFor(salt: string, presence: Presence): Exclude<Written, null> {
  return presence.present ? { present: true, sha256: hashValue(salt, presence.value) } : { present: false };
}

/** Whether `current` is what the entry says ccenv last wrote (false when unconfirmed). */
export function holdsWritten(salt: string, entry: ReceiptEntry, current: Presence): boolean {
  const w = entry.written;
  if (w === null) return false;
  if (!w.present) return !current.present;
  return current.present && hashValue(salt, current.value) === w.sha256;
}

/**
 * Records the original of `path` (and, on the file's first entry, the file's original text) unless
 * already recorded. Never overwrites an existing original. Returns true when something was added.
 */
export function recordOriginal(
  receipt: Receipt,
  role: FileRole,
  file: { path: string; exists: boolean; text: string; value: JsonObject },
  path: readonly string[],
): boolean {
  let record = receipt.files[role];
  if (!record) {
    record = { path: file.path, existed: file.exists, originalText: file.exists ? file.text : null, entries: [] };
    receipt.files[role] = record;
  }
  if (record.entries.some((e) => samePath(e.path, path))) return false;
  record.entries.push({ path: [...path], original: presenceAt(file.value, path), written: null });
  return true;
}

export function addProfile(receipt: Receipt, profileId: string): void {
  if (!receipt.profiles.includes(profileId)) receipt.profiles.push(profileId);
}
