// The files a run reads and writes, one function each: the user's two documents, ccenv's receipt
// and backups. Read problems become exit 4 (nothing touched); write problems exit 8 naming the file.

import * as path from 'node:path';
import { EXIT } from '../contract.js';
import { ensureDir, readBytes, removeStaleTemps, resolveTarget, writeAtomic } from './atomic-write.js';
import { writeBackup } from './backup.js';
import { checkSettingsShape, decodeDocument, type JsonDocument } from './document.js';
import { CcenvError, errnoCode, reasonId } from './errors.js';
import type { ConfigPaths } from './paths.js';
import { receiptProblem, type FileRole, type Receipt } from './receipt.js';

/** A file as read for this attempt: its document and the real path behind any symlink. */
export interface Loaded {
  role: FileRole;
  doc: JsonDocument;
  target: string;
}

function readFailure(displayPath: string, error: unknown): CcenvError {
  const code = errnoCode(error);
  return new CcenvError(EXIT.invalidConfig, 'cfg_err_unreadable', {
    path: displayPath,
    reason: { id: reasonId(code), params: { code: code ?? '?' } },
  });
}

export function load(role: FileRole, displayPath: string): Loaded {
  let target: string;
  let bytes: Buffer | null;
  try {
    target = resolveTarget(displayPath);
    bytes = readBytes(target);
  } catch (e) {
    if (errnoCode(e) === undefined) throw e;
    throw readFailure(displayPath, e);
  }
  const doc = decodeDocument(displayPath, bytes);
  if (role === 'settings') checkSettingsShape(doc);
  return { role, doc, target };
}

export function loadReceipt(receiptPath: string): Receipt | null {
  let bytes: Buffer | null;
  try {
    bytes = readBytes(resolveTarget(receiptPath));
  } catch (e) {
    if (errnoCode(e) === undefined) throw e;
    throw readFailure(receiptPath, e);
  }
  if (bytes === null) return null;
  const doc = decodeDocument(receiptPath, bytes);
  const problem = receiptProblem(doc.value);
  if (problem !== null) throw new CcenvError(EXIT.invalidConfig, 'cfg_err_receipt', { path: receiptPath, detail: problem });
  return doc.value as unknown as Receipt;
}

/** Runs a write step; turns an I/O error into exit 8 naming `where` (and what was already updated). */
export function step<T>(where: string, done: readonly string[], fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof CcenvError) throw e;
    const code = errnoCode(e);
    if (code === undefined) throw e;
    const reason = { id: reasonId(code), params: { code } };
    if (done.length > 0) {
      throw new CcenvError(EXIT.cannotWrite, 'cfg_err_cannot_write_partial', { path: where, reason, done: done.join(', ') });
    }
    throw new CcenvError(EXIT.cannotWrite, 'cfg_err_cannot_write', { path: where, reason });
  }
}

export function saveReceipt(paths: ConfigPaths, receipt: Receipt, now: Date, done: readonly string[]): void {
  receipt.updatedAt = now.toISOString();
  step(paths.receipt, done, () => {
    ensureDir(paths.ccenvDir);
    writeAtomic(resolveTarget(paths.receipt), JSON.stringify(receipt, null, 2) + '\n');
  });
}

/** Backs up the file as read; returns the backup's path, or null when the file did not exist. */
export function backup(paths: ConfigPaths, loaded: Loaded, now: Date, done: readonly string[]): string | null {
  const bytes = loaded.doc.bytes;
  if (bytes === null) return null;
  return step(paths.backups, done, () => writeBackup(paths.backups, path.basename(loaded.doc.path), bytes, now));
}

/** Temp files of a run that was killed midway (they never hold the only copy of anything). */
export function clearStaleTemps(paths: ConfigPaths): void {
  for (const file of [paths.settings, paths.state, paths.receipt]) {
    try {
      const target = resolveTarget(file);
      removeStaleTemps(path.dirname(target), path.basename(target));
    } catch {
      // a symlink loop or an unreadable folder: reported when the file itself is read
    }
  }
  removeStaleTemps(paths.backups);
}
