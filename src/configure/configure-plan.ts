// What a configure run changes: reads settings.json, the state file and the receipt, and plans
// the provider's entries (merge.ts) plus the receipt that records the originals first.

import { INPUT_ENV } from '../contract.js';
import { currentText, renderOps } from './document.js';
import type { BakedProfile } from './baked-profile.js';
import { missingFolders } from './created-folders.js';
import { load, loadReceipt, type Loaded } from './files.js';
import { activeCloudSwitches, buildDesired, planSettings, planState, type FileChange } from './merge.js';
import { installHint, type McpWanted } from './mcp-choice.js';
import { planMcp } from './mcp-merge.js';
import type { Messages } from './messages.js';
import { deepEqual, type Op } from './ops.js';
import type { ConfigPaths } from './paths.js';
import { addProfile, findEntry, newReceipt, presenceAt, recordOriginal, writtenFor, type Receipt } from './receipt.js';
import { describeOp } from './report.js';
import type { FileStep, Plan } from './transaction.js';

export interface ConfigureInputs {
  baked: BakedProfile;
  /** The key, or the placeholder of a dry run without one. */
  key: string;
  models: Array<[string, string]>;
  paths: ConfigPaths;
  messages: Messages;
  now: () => Date;
  /** The MCP servers chosen for this run, and which of the user's own may be replaced. */
  mcp: { wanted: McpWanted; mayReplace: (name: string) => boolean };
}

interface Part {
  loaded: Loaded;
  change: FileChange;
  /** Full text to write, or null when the file stays as it is. */
  text: string | null;
}

function visibleOps(change: FileChange): Op[] {
  return change.ops.filter((op) => !op.container);
}

/**
 * Records in the receipt what ccenv wrote for every key this run is responsible for (the files
 * hold it once the plan is applied). Returns whether an entry changed.
 */
function confirmWritten(record: Receipt, parts: readonly Part[]): boolean {
  let changed = false;
  for (const p of parts) {
    for (const m of p.change.managed) {
      const entry = findEntry(record, p.loaded.role, m.path);
      if (!entry) continue;
      const written = writtenFor(record.salt, m.target);
      if (!deepEqual(entry.written, written)) changed = true;
      entry.written = written;
    }
  }
  return changed;
}

function fileStep(part: Part, messages: Messages): FileStep {
  const { t } = messages;
  const doc = part.loaded.doc;
  if (part.text === null) return { loaded: part.loaded, action: { kind: 'none' }, preview: [], result: () => t('cfg_up_to_date', { path: doc.path }) };
  const preview = [t(doc.exists ? 'cfg_dry_would_update' : 'cfg_dry_would_create', { path: doc.path })];
  for (const op of visibleOps(part.change)) preview.push(describeOp(messages, op, presenceAt(doc.value, op.path)));
  return {
    loaded: part.loaded,
    action: { kind: 'write', text: part.text },
    preview,
    result: (saved) => (saved === null ? t('cfg_created', { path: doc.path }) : t('cfg_updated', { path: doc.path, backup: saved })),
  };
}

export function planConfigure(inputs: ConfigureInputs): Plan {
  const { baked, paths, messages, now } = inputs;
  const { t } = messages;
  const desired = buildDesired(baked, inputs.key, inputs.models);
  // Read and validate everything before writing anything.
  const receipt = loadReceipt(paths.receipt);
  const settings = load('settings', paths.settings);
  const state = load('state', paths.state);
  const stateChange = planState(state.doc.value);
  const { wanted, mayReplace } = inputs.mcp;
  const mcp = planMcp({ value: state.doc.value, wanted: wanted.servers, leave: new Set(wanted.skipped.map((s) => s.name)), receipt, mayReplace });
  stateChange.ops.push(...mcp.ops);
  stateChange.managed.push(...mcp.managed);
  const parts: Part[] = [
    { loaded: settings, change: planSettings(settings.doc.value, desired, receipt), text: null },
    { loaded: state, change: stateChange, text: null },
  ];
  for (const p of parts) {
    if (p.change.ops.length === 0) continue;
    const text = renderOps(p.loaded.doc, p.change.ops).text;
    if (text !== currentText(p.loaded.doc) || !p.loaded.doc.exists) p.text = text;
  }
  const intro = activeCloudSwitches(settings.doc.value).map((name) => ({
    to: 'err' as const,
    text: t('cfg_warn_cloud_provider', { key: `env.${name}`, path: paths.settings }),
  }));
  for (const s of wanted.skipped) {
    const hint = installHint(s.command);
    intro.push({ to: 'err', text: hint ? t('cfg_warn_mcp_missing_hint', { name: s.name, command: s.command, hint }) : t('cfg_warn_mcp_missing', { name: s.name, command: s.command }) });
  }
  if (mcp.notAnObject) intro.push({ to: 'err', text: t('cfg_warn_mcp_not_object', { path: paths.state }) });
  for (const name of mcp.kept) intro.push({ to: 'err', text: t('cfg_warn_mcp_kept', { name, path: paths.state, variable: INPUT_ENV.mcpReplace }) });
  const setUp = wanted.servers.map(([name]) => name).filter((name) => !mcp.kept.includes(name));
  const changing = parts.filter((p) => p.text !== null);
  const report = {
    intro,
    outro: setUp.length > 0 && !mcp.notAnObject ? [{ to: 'out' as const, text: t('cfg_mcp_set_up', { names: setUp.join(', ') }) }] : [],
    dryRunEnd: changing.length > 0 ? [{ to: 'out' as const, text: t('cfg_dry_receipt', { path: paths.receipt }) }] : [],
    end: [],
  };
  const files = parts.map((p) => fileStep(p, messages));

  if (changing.length === 0) {
    // A run killed after replacing the files but before confirming them in the receipt left
    // entries unconfirmed: confirm them now, or --uninstall would take them for the user's own.
    const confirm = receipt !== null && confirmWritten(receipt, parts);
    return { files, receiptFirst: null, receiptLast: confirm && receipt ? { kind: 'save', receipt } : { kind: 'keep' }, report };
  }

  // The originals go into the receipt before any change (never overwriting one recorded earlier).
  const record = receipt ?? { ...newReceipt(now(), baked.ccenvVersion), createdFolders: missingFolders(paths.configDir) };
  let receiptDirty = receipt === null;
  for (const p of changing) {
    const doc = p.loaded.doc;
    for (const op of visibleOps(p.change)) {
      const file = { path: doc.path, exists: doc.exists, text: currentText(doc), value: doc.value };
      if (recordOriginal(record, p.loaded.role, file, op.path)) receiptDirty = true;
    }
  }
  if (!record.profiles.includes(baked.profileId)) {
    addProfile(record, baked.profileId);
    receiptDirty = true;
  }
  const first = receiptDirty ? (JSON.parse(JSON.stringify(record)) as Receipt) : null;
  // What ccenv wrote, as hashes, for every key this run is responsible for: saved once the files hold it.
  confirmWritten(record, parts);
  return { files, receiptFirst: first, receiptLast: { kind: 'save', receipt: record }, report };
}
