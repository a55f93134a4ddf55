// Applies a plan (the file changes of a configure or an uninstall run) the one careful way: so a
// run killed at any point, a full disk, or another program writing the same files meanwhile never
// leaves a half-written file, a change without its original in the receipt, or a receipt that lies.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXIT } from '../contract.js';
import { commitTemp, deleteChecked, prepareTemp, removeQuietly, resolveTarget } from './atomic-write.js';
import { pruneBackups } from './backup.js';
import { CcenvError } from './errors.js';
import { backup, clearStaleTemps, saveReceipt, step, type Loaded } from './files.js';
import type { Messages } from './messages.js';
import type { ConfigPaths } from './paths.js';
import type { Receipt } from './receipt.js';

/** How often a configure or uninstall run starts over when another program changes a file under it. */
export const MAX_ATTEMPTS = 5;

/** A line for the user: stdout, or stderr for warnings. */
export interface Line {
  to: 'out' | 'err';
  text: string;
}

export type FileAction = { kind: 'none' } | { kind: 'write'; text: string } | { kind: 'delete' };

/** One file's part of a plan. */
export interface FileStep {
  loaded: Loaded;
  action: FileAction;
  /** What a dry run shows when the file changes: a heading, then one line per change. */
  preview: string[];
  /** The line once the file is changed, given its backup (null when it did not exist). */
  result: (backup: string | null) => string;
}

export interface Plan {
  files: FileStep[];
  /** Saved before any file changes (the originals recorded), or null when that needs no update. */
  receiptFirst: Receipt | null;
  /** Once every file is in place: save this receipt, remove it, or leave it as it is. */
  receiptLast: { kind: 'save'; receipt: Receipt } | { kind: 'remove' } | { kind: 'keep' };
  /** Printed before anything else, after the file lines, and at the end of a dry / a real run. */
  report: { intro: Line[]; outro: Line[]; dryRunEnd: Line[]; end: Line[] };
}

/** What a planner found: a plan, or nothing to apply (the lines say why). */
export type Planned = Plan | { settled: Line[] };

export interface TransactionIo {
  now: () => Date;
  out: (line: string) => void;
  err: (line: string) => void;
  t: Messages['t'];
}

function print(io: TransactionIo, lines: readonly Line[]): void {
  for (const line of lines) (line.to === 'out' ? io.out : io.err)(line.text);
}

function showDryRun(io: TransactionIo, plan: Plan): void {
  io.out(io.t('cfg_dry_run_header'));
  for (const f of plan.files) {
    if (f.action.kind === 'none') io.out(io.t('cfg_up_to_date', { path: f.loaded.doc.path }));
    else for (const line of f.preview) io.out(line);
  }
  print(io, plan.report.outro);
  print(io, plan.report.dryRunEnd);
}

/**
 * Reads and plans afresh on every attempt (`makePlan`), then: temp files for every changed file
 * (the state file first: a read-only folder or a full disk shows up before anything is replaced),
 * the receipt with the originals, then per file a backup and a re-checked rename or delete. A file
 * changed by someone else since it was read starts the whole run over, at most MAX_ATTEMPTS times.
 */
export function applyPlan(makePlan: () => Planned, paths: ConfigPaths, io: TransactionIo, dryRun: boolean): number {
  const lines = new Map<string, string>();
  const done: string[] = [];
  if (!dryRun) clearStaleTemps(paths);
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const plan = makePlan();
    if ('settled' in plan) {
      print(io, plan.settled);
      return EXIT.ok;
    }
    print(io, plan.report.intro);
    if (dryRun) {
      showDryRun(io, plan);
      return EXIT.ok;
    }

    const changing = plan.files.filter((f) => f.action.kind !== 'none');
    const order = [...changing].sort((a, b) => (a.loaded.role === 'state' ? -1 : 0) - (b.loaded.role === 'state' ? -1 : 0));
    const temps = new Map<FileStep, string>();
    let restart = false;
    try {
      for (const f of order) {
        if (f.action.kind !== 'write') continue;
        const bytes = Buffer.from(f.action.text, 'utf8');
        temps.set(f, step(f.loaded.doc.path, done, () => prepareTemp(f.loaded.target, bytes)));
      }
      if (plan.receiptFirst !== null) saveReceipt(paths, plan.receiptFirst, io.now(), done);

      for (const f of order) {
        const doc = f.loaded.doc;
        const saved = backup(paths, f.loaded, io.now(), done);
        let committed: boolean;
        if (f.action.kind === 'delete') {
          const bytes = doc.bytes as Buffer;
          committed = step(doc.path, done, () => deleteChecked(f.loaded.target, bytes));
        } else {
          const temp = temps.get(f) as string;
          temps.delete(f);
          committed = step(doc.path, done, () => commitTemp(f.loaded.target, temp, doc.bytes));
        }
        if (!committed) {
          restart = true;
          break;
        }
        done.push(doc.path);
        lines.set(doc.path, f.result(saved));
      }
    } finally {
      for (const temp of temps.values()) removeQuietly(temp);
    }
    if (restart) continue;

    const last = plan.receiptLast;
    if (last.kind === 'save') saveReceipt(paths, last.receipt, io.now(), done);
    else if (last.kind === 'remove') step(paths.receipt, done, () => fs.unlinkSync(resolveTarget(paths.receipt)));
    for (const f of changing) pruneBackups(paths.backups, path.basename(f.loaded.doc.path));
    for (const f of plan.files) io.out(lines.get(f.loaded.doc.path) ?? io.t('cfg_up_to_date', { path: f.loaded.doc.path }));
    print(io, plan.report.outro);
    print(io, plan.report.end);
    return EXIT.ok;
  }
  throw new CcenvError(EXIT.cannotWrite, 'cfg_err_concurrent', { path: paths.configDir, attempts: MAX_ATTEMPTS });
}
