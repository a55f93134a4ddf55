// The configure program: the one place that edits the user's Claude Code files. Bundled into a
// single script (bundle.ts), inlined into every installer and run as
//   CCENV_API_KEY=… node - [--dry-run] [--uninstall]   (program text on stdin)
//
// Inputs: CCENV_API_KEY (configure only; unset → exit 5, empty/unusable → exit 2; one trailing
// CR/LF stripped), CCENV_LANG (zh* → Chinese), CCENV_USE_MODELS=1 (apply the plan's mapping),
// CCENV_MODEL_OPUS/_SONNET/_HAIKU (non-empty overrides), CLAUDE_CONFIG_DIR, the home directory.
// Output: one line per file on stdout (updated/created/already up to date; restored/removed on
// uninstall), warnings and errors on stderr, never the key. Exit codes from src/contract.ts:
// 0 done · 1 unexpected · 2 usage/unusable key · 4 invalid config (untouched) · 5 no key ·
// 8 cannot write (nothing half-written). Texts: messages/configure.yaml.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EXIT, INPUT_ENV, NODE_FOUND_ENV } from '../contract.js';
import {
  commitTemp,
  deleteChecked,
  ensureDir,
  prepareTemp,
  readBytes,
  removeQuietly,
  removeStaleTemps,
  resolveTarget,
  writeAtomic,
} from './atomic-write.js';
import { pruneBackups, writeBackup } from './backup.js';
import { checkSettingsShape, currentText, decodeDocument, renderOps, type JsonDocument } from './document.js';
import { CcenvError, errnoCode, reasonId } from './errors.js';
import { parseArgs, readKey, readModels, type Args } from './inputs.js';
import {
  activeCloudSwitches,
  buildDesired,
  dropEmptyEnv,
  planSettings,
  planState,
  planUninstall,
  type FileChange,
} from './merge.js';
import { createMessages, pickLang, type Messages } from './messages.js';
import { applyOpsToValue, deepEqual, type JsonObject, type Op } from './ops.js';
import { resolvePaths, type ConfigPaths } from './paths.js';
import type { ConfigurePlan } from './plan.js';
import {
  addProfile,
  findEntry,
  newReceipt,
  presenceAt,
  receiptProblem,
  recordOriginal,
  writtenFor,
  type FileRole,
  type Receipt,
} from './receipt.js';
import { withConfigLock } from './lock.js';
import { describeOp, KEY_PLACEHOLDER, scrub } from './report.js';
import { diagnose } from './doctor.js';

/** How often a configure or uninstall run starts over when another program changes a file under it. */
export const MAX_ATTEMPTS = 5;

export interface Io {
  argv: readonly string[];
  env: Record<string, string | undefined>;
  homedir: string;
  cwd: string;
  now: () => Date;
  out: (line: string) => void;
  err: (line: string) => void;
}

interface Context {
  plan: ConfigurePlan;
  io: Io;
  messages: Messages;
  t: Messages['t'];
  paths: ConfigPaths;
  args: Args;
}

/** A file as read for this attempt: its document and the real path behind any symlink. */
interface Loaded {
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

function load(role: FileRole, displayPath: string): Loaded {
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

function loadReceipt(receiptPath: string): Receipt | null {
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
function step<T>(where: string, done: readonly string[], fn: () => T): T {
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

function receiptText(receipt: Receipt): string {
  return JSON.stringify(receipt, null, 2) + '\n';
}

function saveReceipt(ctx: Context, receipt: Receipt, done: readonly string[]): void {
  receipt.updatedAt = ctx.io.now().toISOString();
  step(ctx.paths.receipt, done, () => {
    ensureDir(ctx.paths.ccenvDir);
    writeAtomic(resolveTarget(ctx.paths.receipt), receiptText(receipt));
  });
}

function backup(ctx: Context, loaded: Loaded, done: readonly string[]): string | null {
  const bytes = loaded.doc.bytes;
  if (bytes === null) return null;
  return step(ctx.paths.backups, done, () =>
    writeBackup(ctx.paths.backups, path.basename(loaded.doc.path), bytes, ctx.io.now()),
  );
}

/** Temp files of a run that was killed midway (they never hold the only copy of anything). */
function clearStaleTemps(paths: ConfigPaths): void {
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

/**
 * Records in the receipt what ccenv wrote for every key this run is responsible for (the files
 * hold it now). Returns whether an entry changed.
 */
function confirmWritten(record: Receipt, planned: readonly Planned[]): boolean {
  let changed = false;
  for (const p of planned) {
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

function visibleOps(change: FileChange): Op[] {
  return change.ops.filter((op) => !op.container);
}

// ---------------------------------------------------------------------------------------------
// configure

interface Planned {
  loaded: Loaded;
  change: FileChange;
  /** Full text to write, or null when the file stays as it is. */
  text: string | null;
}

function configure(ctx: Context, key: string | null): number {
  const { plan, io, t, paths, args } = ctx;
  const models = readModels(io.env, plan.models);
  const desired = buildDesired(plan, key ?? KEY_PLACEHOLDER, models);
  const lines = new Map<string, string>();
  const done: string[] = [];
  if (!args.dryRun) clearStaleTemps(paths);

  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    // Read and validate everything before writing anything.
    const receipt = loadReceipt(paths.receipt);
    const settings = load('settings', paths.settings);
    const state = load('state', paths.state);
    const planned: Planned[] = [
      { loaded: settings, change: planSettings(settings.doc.value, desired, receipt), text: null },
      { loaded: state, change: planState(state.doc.value), text: null },
    ];
    for (const p of planned) {
      if (p.change.ops.length === 0) continue;
      const text = renderOps(p.loaded.doc, p.change.ops).text;
      if (text !== currentText(p.loaded.doc) || !p.loaded.doc.exists) p.text = text;
    }
    for (const name of activeCloudSwitches(settings.doc.value)) {
      io.err(t('cfg_warn_cloud_provider', { key: `env.${name}`, path: paths.settings }));
    }
    const changing = planned.filter((p) => p.text !== null);

    if (args.dryRun) {
      io.out(t('cfg_dry_run_header'));
      for (const p of planned) {
        const doc = p.loaded.doc;
        if (p.text === null) {
          io.out(t('cfg_up_to_date', { path: doc.path }));
          continue;
        }
        io.out(t(doc.exists ? 'cfg_dry_would_update' : 'cfg_dry_would_create', { path: doc.path }));
        for (const op of visibleOps(p.change)) io.out(describeOp(ctx.messages, op, presenceAt(doc.value, op.path)));
      }
      if (changing.length > 0) io.out(t('cfg_dry_receipt', { path: paths.receipt }));
      return EXIT.ok;
    }

    if (changing.length === 0) {
      // A run killed after replacing the files but before confirming them in the receipt left
      // entries unconfirmed: confirm them now, or --uninstall would take them for the user's own.
      if (receipt !== null && confirmWritten(receipt, planned)) saveReceipt(ctx, receipt, done);
      for (const p of planned) io.out(lines.get(p.loaded.doc.path) ?? t('cfg_up_to_date', { path: p.loaded.doc.path }));
      return EXIT.ok;
    }

    // 1. Originals into the receipt, before any change (never overwriting one recorded earlier).
    const record = receipt ?? newReceipt(io.now(), plan.ccenvVersion);
    let receiptDirty = receipt === null;
    for (const p of changing) {
      const doc = p.loaded.doc;
      for (const op of visibleOps(p.change)) {
        const file = { path: doc.path, exists: doc.exists, text: currentText(doc), value: doc.value };
        if (recordOriginal(record, p.loaded.role, file, op.path)) receiptDirty = true;
      }
    }
    if (!record.profiles.includes(plan.profileId)) {
      addProfile(record, plan.profileId);
      receiptDirty = true;
    }

    // 2. Temp files for every file that changes (the state file first): a read-only folder, a
    //    full disk or a permission problem shows up here, before anything has been replaced.
    const order = [...changing].sort((a, b) => (a.loaded.role === 'state' ? -1 : 0) - (b.loaded.role === 'state' ? -1 : 0));
    const temps = new Map<Planned, string>();
    let restart = false;
    try {
      for (const p of order) {
        temps.set(p, step(p.loaded.doc.path, done, () => prepareTemp(p.loaded.target, Buffer.from(p.text as string, 'utf8'))));
      }
      if (receiptDirty) saveReceipt(ctx, record, done);

      // 3. Backup, then re-check and rename, one file at a time.
      for (const p of order) {
        const doc = p.loaded.doc;
        const saved = backup(ctx, p.loaded, done);
        const temp = temps.get(p) as string;
        temps.delete(p);
        const committed = step(doc.path, done, () => commitTemp(p.loaded.target, temp, doc.bytes));
        if (!committed) {
          restart = true;
          break;
        }
        done.push(doc.path);
        lines.set(doc.path, saved === null ? t('cfg_created', { path: doc.path }) : t('cfg_updated', { path: doc.path, backup: saved }));
      }
    } finally {
      for (const temp of temps.values()) removeQuietly(temp);
    }
    if (restart) continue;

    // 4. What ccenv wrote, as hashes, for every key this run is responsible for.
    confirmWritten(record, planned);
    saveReceipt(ctx, record, done);
    for (const p of changing) pruneBackups(paths.backups, path.basename(p.loaded.doc.path));
    for (const p of planned) io.out(lines.get(p.loaded.doc.path) ?? t('cfg_up_to_date', { path: p.loaded.doc.path }));
    return EXIT.ok;
  }
  throw new CcenvError(EXIT.cannotWrite, 'cfg_err_concurrent', { path: paths.configDir, attempts: MAX_ATTEMPTS });
}

// ---------------------------------------------------------------------------------------------
// uninstall

type UninstallAction = { kind: 'none' } | { kind: 'write'; text: string; exact: boolean } | { kind: 'delete' };

interface UninstallPlan {
  loaded: Loaded;
  ops: Op[];
  kept: string[][];
  action: UninstallAction;
}

function originalValueOf(displayPath: string, originalText: string | null): JsonObject | null {
  if (originalText === null) return null;
  try {
    return decodeDocument(displayPath, Buffer.from(originalText, 'utf8')).value;
  } catch {
    return null;
  }
}

function uninstall(ctx: Context): number {
  const { io, t, paths, args } = ctx;
  const lines = new Map<string, string>();
  const done: string[] = [];
  if (!args.dryRun) clearStaleTemps(paths);
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const receipt = loadReceipt(paths.receipt);
    if (receipt === null) {
      io.out(t('cfg_nothing_to_undo', { path: paths.receipt }));
      return EXIT.ok;
    }
    const plans: UninstallPlan[] = [];
    for (const role of ['settings', 'state'] as const) {
      const record = receipt.files[role];
      if (!record) continue;
      const loaded = load(role, role === 'settings' ? paths.settings : paths.state);
      const doc = loaded.doc;
      const original = originalValueOf(doc.path, record.originalText);
      const change = planUninstall(doc.value, record, receipt.salt);
      let ops = change.ops;
      let after = applyOpsToValue(doc.value, ops);
      if (role === 'settings') {
        ops = [...ops, ...dropEmptyEnv(after, original)];
        after = applyOpsToValue(doc.value, ops);
      }
      let action: UninstallAction = { kind: 'none' };
      if (record.existed && record.originalText !== null && original !== null && deepEqual(after, original)) {
        if (!doc.exists || record.originalText !== currentText(doc)) action = { kind: 'write', text: record.originalText, exact: true };
      } else if (!record.existed && deepEqual(after, {})) {
        if (doc.exists) action = { kind: 'delete' };
      } else if (ops.length > 0) {
        action = { kind: 'write', text: renderOps(doc, ops).text, exact: false };
      }
      plans.push({ loaded, ops, kept: change.kept, action });
    }
    const warn = (): void => {
      for (const p of plans) {
        for (const kept of p.kept) io.err(t('cfg_warn_kept', { key: kept.join('.'), path: p.loaded.doc.path }));
      }
    };

    if (args.dryRun) {
      io.out(t('cfg_dry_run_header'));
      for (const p of plans) {
        const doc = p.loaded.doc;
        if (p.action.kind === 'none') {
          io.out(t('cfg_up_to_date', { path: doc.path }));
          continue;
        }
        if (p.action.kind === 'delete') {
          io.out(t('cfg_dry_would_delete', { path: doc.path }));
          continue;
        }
        io.out(t(p.action.exact ? 'cfg_dry_would_restore' : 'cfg_dry_would_update', { path: doc.path }));
        for (const op of p.ops) io.out(describeOp(ctx.messages, op, presenceAt(doc.value, op.path)));
      }
      warn();
      io.out(t('cfg_dry_would_remove_receipt', { path: paths.receipt }));
      return EXIT.ok;
    }

    const order = [...plans].sort((a, b) => (a.loaded.role === 'state' ? -1 : 0) - (b.loaded.role === 'state' ? -1 : 0));
    const temps = new Map<UninstallPlan, string>();
    let restart = false;
    try {
      for (const p of order) {
        if (p.action.kind !== 'write') continue;
        const text = p.action.text;
        temps.set(p, step(p.loaded.doc.path, done, () => prepareTemp(p.loaded.target, Buffer.from(text, 'utf8'))));
      }
      for (const p of order) {
        if (p.action.kind === 'none') continue;
        const doc = p.loaded.doc;
        const saved = backup(ctx, p.loaded, done);
        let committed: boolean;
        if (p.action.kind === 'delete') {
          const bytes = doc.bytes as Buffer;
          committed = step(doc.path, done, () => deleteChecked(p.loaded.target, bytes));
        } else {
          const temp = temps.get(p) as string;
          temps.delete(p);
          committed = step(doc.path, done, () => commitTemp(p.loaded.target, temp, doc.bytes));
        }
        if (!committed) {
          restart = true;
          break;
        }
        done.push(doc.path);
        let line: string;
        if (p.action.kind === 'delete') line = t('cfg_deleted', { path: doc.path, backup: saved ?? '-' });
        else if (saved === null) line = t('cfg_restored_no_backup', { path: doc.path });
        else line = t('cfg_restored', { path: doc.path, backup: saved });
        lines.set(doc.path, line);
      }
    } finally {
      for (const temp of temps.values()) removeQuietly(temp);
    }
    if (restart) continue;

    step(paths.receipt, done, () => fs.unlinkSync(resolveTarget(paths.receipt)));
    for (const p of plans) {
      if (p.action.kind !== 'none') pruneBackups(paths.backups, path.basename(p.loaded.doc.path));
      io.out(lines.get(p.loaded.doc.path) ?? t('cfg_up_to_date', { path: p.loaded.doc.path }));
    }
    warn();
    io.out(t('cfg_uninstall_done', { path: paths.receipt, backups: paths.backups }));
    return EXIT.ok;
  }
  throw new CcenvError(EXIT.cannotWrite, 'cfg_err_concurrent', { path: paths.configDir, attempts: MAX_ATTEMPTS });
}

// ---------------------------------------------------------------------------------------------
// entry points

/** Runs the program against explicit inputs; returns the exit code. Never throws. */
export function run(plan: ConfigurePlan, io: Io): number {
  const messages = createMessages(plan.messages, pickLang(io.env[INPUT_ENV.lang]));
  const rawKey = io.env[INPUT_ENV.apiKey];
  let key: string | null = null;
  try {
    const args = parseArgs(io.argv);
    const paths = resolvePaths(io.env, io.homedir, io.cwd);
    const ctx: Context = { plan, io, t: messages.t, messages, paths, args };
    // The installer skipped `node --version` (node-guard.ts checked it): say which Node.js runs this.
    const found = io.env[NODE_FOUND_ENV];
    if (found) io.out(messages.t('cfg_node_found', { node_version: process.version, path: found }));
    if (args.mode === 'doctor' || args.mode === 'check') throw new Error('--doctor and --check run through runDiagnosis');
    if (args.mode === 'uninstall') return withConfigLock(paths.configDir, () => uninstall(ctx));
    if (args.mode === 'check-key') {
      readKey(io.env, false, true);
      return EXIT.ok;
    }
    key = readKey(io.env, args.dryRun);
    const k = key;
    return args.dryRun ? configure(ctx, k) : withConfigLock(paths.configDir, () => configure(ctx, k));
  } catch (e) {
    if (e instanceof CcenvError) {
      io.err(scrub(messages.t(e.messageId, e.params), [key, rawKey]));
      return e.exitCode;
    }
    // Only the message, never a stack; and never the key, should it ever appear in one.
    const detail = e instanceof Error ? e.message : String(e);
    io.err(scrub(messages.t('cfg_err_unexpected', { message: detail }), [key, rawKey]));
    return EXIT.unexpected;
  }
}

/**
 * --doctor [--check] and --check: reads only, and talks to the endpoint (asynchronous). The key is
 * never needed from CCENV_API_KEY: the check uses the one Claude Code itself will send.
 */
export async function runDiagnosis(plan: ConfigurePlan, io: Io, platform: NodeJS.Platform = process.platform): Promise<number> {
  const messages = createMessages(plan.messages, pickLang(io.env[INPUT_ENV.lang]));
  try {
    const args = parseArgs(io.argv);
    const paths = resolvePaths(io.env, io.homedir, io.cwd);
    const check = args.mode === 'check' || io.argv.includes('--check');
    return await diagnose(plan, { ...io, platform }, messages.t, paths, { report: args.mode === 'doctor', check });
  } catch (e) {
    if (e instanceof CcenvError) {
      io.err(messages.t(e.messageId, e.params));
      return e.exitCode;
    }
    io.err(messages.t('cfg_err_unexpected', { message: e instanceof Error ? e.message : String(e) }));
    return EXIT.unexpected;
  }
}

/** Whether argv asks for the diagnosis rather than a change. */
export function wantsDiagnosis(argv: readonly string[]): boolean {
  return argv.includes('--doctor') || argv.includes('--check');
}

/** Called by the bundle's last line with the plan fixed at build time. */
export function main(plan: ConfigurePlan): void {
  const io: Io = {
    argv: process.argv.slice(2),
    env: process.env,
    homedir: os.homedir(),
    cwd: process.cwd(),
    now: () => new Date(),
    out: (line) => process.stdout.write(line + '\n'),
    err: (line) => process.stderr.write(line + '\n'),
  };
  if (wantsDiagnosis(io.argv)) {
    runDiagnosis(plan, io).then(
      (code) => (process.exitCode = code),
      () => (process.exitCode = EXIT.unexpected),
    );
    return;
  }
  let code: number;
  try {
    code = run(plan, io);
  } catch {
    code = EXIT.unexpected;
  }
  process.exitCode = code;
}
