// What an uninstall run changes: from the receipt, each file back to its original bytes when
// nothing else changed it since, else only ccenv's own keys restored (merge.ts planUninstall).

import { currentText, decodeDocument, renderOps } from './document.js';
import { load, loadReceipt } from './files.js';
import { MCP_SERVERS_KEY } from '../contract.js';
import { dropEmptyContainer, planUninstall } from './merge.js';
import type { Messages } from './messages.js';
import { applyOpsToValue, deepEqual, type JsonObject } from './ops.js';
import type { ConfigPaths } from './paths.js';
import { presenceAt, type FileRole, type ReceiptFile } from './receipt.js';
import { describeOp } from './report.js';
import type { FileAction, FileStep, Line, Planned } from './transaction.js';

export interface UninstallInputs {
  paths: ConfigPaths;
  messages: Messages;
  /** --purge follows: the last line does not promise that the backups stay. */
  purge: boolean;
}

function originalValueOf(displayPath: string, originalText: string | null): JsonObject | null {
  if (originalText === null) return null;
  try {
    return decodeDocument(displayPath, Buffer.from(originalText, 'utf8')).value;
  } catch {
    return null;
  }
}

function fileStep(role: FileRole, record: ReceiptFile, salt: string, inputs: UninstallInputs, kept: Line[]): FileStep {
  const { paths, messages } = inputs;
  const { t } = messages;
  const loaded = load(role, role === 'settings' ? paths.settings : paths.state);
  const doc = loaded.doc;
  const original = originalValueOf(doc.path, record.originalText);
  const change = planUninstall(doc.value, record, salt);
  let ops = change.ops;
  let after = applyOpsToValue(doc.value, ops);
  ops = [...ops, ...dropEmptyContainer(after, original, role === 'settings' ? 'env' : MCP_SERVERS_KEY)];
  after = applyOpsToValue(doc.value, ops);
  for (const key of change.kept) kept.push({ to: 'err', text: t('cfg_warn_kept', { key: key.join('.'), path: doc.path }) });

  let action: FileAction = { kind: 'none' };
  let exact = false;
  if (record.existed && record.originalText !== null && original !== null && deepEqual(after, original)) {
    exact = true;
    if (!doc.exists || record.originalText !== currentText(doc)) action = { kind: 'write', text: record.originalText };
  } else if (!record.existed && deepEqual(after, {})) {
    if (doc.exists) action = { kind: 'delete' };
  } else if (ops.length > 0) {
    action = { kind: 'write', text: renderOps(doc, ops).text };
  }

  if (action.kind === 'delete') {
    return { loaded, action, preview: [t('cfg_dry_would_delete', { path: doc.path })], result: (saved) => t('cfg_deleted', { path: doc.path, backup: saved ?? '-' }) };
  }
  const preview = [t(exact ? 'cfg_dry_would_restore' : 'cfg_dry_would_update', { path: doc.path })];
  // Each change shown against the value the earlier ones leave: "env" dropped once emptied shows
  // as {}, not as the object that still held the key.
  ops.forEach((op, i) => preview.push(describeOp(messages, op, presenceAt(applyOpsToValue(doc.value, ops.slice(0, i)), op.path))));
  return {
    loaded,
    action,
    preview,
    result: (saved) => (saved === null ? t('cfg_restored_no_backup', { path: doc.path }) : t('cfg_restored', { path: doc.path, backup: saved })),
  };
}

export function planUninstallRun(inputs: UninstallInputs): Planned {
  const { paths } = inputs;
  const { t } = inputs.messages;
  const receipt = loadReceipt(paths.receipt);
  if (receipt === null) return { settled: [{ to: 'out', text: t('cfg_nothing_to_undo', { path: paths.receipt }) }] };
  const kept: Line[] = [];
  const files: FileStep[] = [];
  for (const role of ['settings', 'state'] as const) {
    const record = receipt.files[role];
    if (record) files.push(fileStep(role, record, receipt.salt, inputs, kept));
  }
  const end = inputs.purge
    ? t('cfg_uninstall_done_purge', { path: paths.receipt })
    : t('cfg_uninstall_done', { path: paths.receipt, backups: paths.backups });
  return {
    files,
    receiptFirst: null,
    receiptLast: { kind: 'remove' },
    report: {
      intro: [],
      outro: kept,
      dryRunEnd: [{ to: 'out', text: t('cfg_dry_would_remove_receipt', { path: paths.receipt }) }],
      end: [{ to: 'out', text: end }],
    },
  };
}
