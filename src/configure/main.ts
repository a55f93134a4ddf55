// The configure program: the one place that edits the user's Claude Code files. Bundled into a
// single script (bundle.ts), inlined into every installer and run as
//   CCENV_API_KEY=… node - [--dry-run] [--uninstall [--purge]] [--check-key] [--doctor] [--check] [--mcp-conflicts]
// (program text on stdin). This file reads the arguments once, runs the mode, and turns every
// error into its exit code and message here, in one place.
//
// Inputs: CCENV_API_KEY (configure only; unset → exit 5, empty/unusable → exit 2; blanks around it
// and one trailing CR/LF stripped), CCENV_LANG (zh* → Chinese), CCENV_USE_MODELS=1 (apply the
// profile's mapping), CCENV_MODEL_OPUS/_SONNET/_HAIKU (non-empty overrides), CCENV_MCP and
// CCENV_MCP_REPLACE (which MCP servers, and which of the user's own may be replaced), CLAUDE_CONFIG_DIR,
// the home directory. Output: one line per file on stdout (updated/created/already up to date;
// restored/removed on uninstall), warnings and errors on stderr, never the key. Exit codes from
// src/contract.ts: 0 done · 1 unexpected · 2 usage/unusable key · 4 invalid config (untouched) ·
// 5 no key · 8 cannot write (nothing half-written). Texts: messages/configure.yaml.

import * as os from 'node:os';
import * as path from 'node:path';
import { EXIT, INPUT_ENV, NODE_FOUND_ENV } from '../contract.js';
import type { BakedProfile } from './baked-profile.js';
import { planConfigure } from './configure-plan.js';
import { diagnose } from './doctor.js';
import { removeCreatedFolders } from './created-folders.js';
import { CcenvError } from './errors.js';
import { load, loadReceipt } from './files.js';
import { chosenServers, replaceAllowed, wantedServers, type McpWanted } from './mcp-choice.js';
import { planMcp } from './mcp-merge.js';
import { parseArgs, readKey, readModels, type Args } from './inputs.js';
import { withConfigLock } from './lock.js';
import { createMessages, pickLang, type Messages } from './messages.js';
import { resolvePaths, type ConfigPaths } from './paths.js';
import { purgeOwnFiles } from './purge.js';
import { KEY_PLACEHOLDER, scrub } from './report.js';
import { applyPlan, type TransactionIo } from './transaction.js';
import { planUninstallRun } from './uninstall-plan.js';

export { MAX_ATTEMPTS } from './transaction.js';

export interface Io {
  argv: readonly string[];
  env: Record<string, string | undefined>;
  homedir: string;
  cwd: string;
  now: () => Date;
  out: (line: string) => void;
  err: (line: string) => void;
}

interface Run {
  baked: BakedProfile;
  io: Io;
  messages: Messages;
  paths: ConfigPaths;
  args: Args;
  platform: NodeJS.Platform;
}

function transactionIo({ io, messages }: Run): TransactionIo {
  return { now: io.now, out: io.out, err: io.err, t: messages.t };
}

function mcpInputs(r: Run, key: string): { wanted: McpWanted; mayReplace: (name: string) => boolean } {
  const lookup = { env: r.io.env, platform: r.platform, nodeDir: path.dirname(process.execPath) };
  return { wanted: wantedServers(r.baked.mcp, chosenServers(r.baked.mcp, r.io.env), key, lookup), mayReplace: replaceAllowed(r.io.env) };
}

function configure(r: Run, key: string | null): number {
  const models = readModels(r.io.env, r.baked.models);
  const mcp = mcpInputs(r, key ?? KEY_PLACEHOLDER);
  const plan = () => planConfigure({ baked: r.baked, key: key ?? KEY_PLACEHOLDER, models, paths: r.paths, messages: r.messages, now: r.io.now, mcp });
  const apply = () => applyPlan(plan, r.paths, transactionIo(r), r.args.dryRun);
  return r.args.dryRun ? apply() : withConfigLock(r.paths.configDir, apply);
}

/** One line per server of the user's own that a configure run would keep: "conflict <name>". */
function listMcpConflicts(r: Run, key: string): number {
  const { wanted } = mcpInputs(r, key);
  const value = load('state', r.paths.state).doc.value;
  const { kept } = planMcp({ value, wanted: wanted.servers, leave: new Set(), receipt: loadReceipt(r.paths.receipt), mayReplace: () => false });
  for (const name of kept) r.io.out(`conflict ${name}`);
  return EXIT.ok;
}

function uninstall(r: Run): number {
  const { paths, args } = r;
  return withConfigLock(paths.configDir, () => {
    // Read before the uninstall removes the receipt; only --purge empties the folders (a plain
    // --uninstall keeps the backups in them).
    const created = args.purge ? (loadReceipt(paths.receipt)?.createdFolders ?? []) : [];
    const code = applyPlan(() => planUninstallRun({ paths, messages: r.messages, purge: args.purge }), paths, transactionIo(r), args.dryRun);
    if (args.purge) {
      purgeOwnFiles(paths, r.messages.t, r.io.out, args.dryRun);
      removeCreatedFolders(created, r.messages.t, r.io.out, args.dryRun);
    }
    return code;
  });
}

/**
 * Runs the program against explicit inputs; resolves to the exit code, never rejects. The
 * diagnosis (--doctor, --check) reads only and never needs CCENV_API_KEY: it checks the key
 * Claude Code itself will send.
 */
export async function run(baked: BakedProfile, io: Io, platform: NodeJS.Platform = process.platform): Promise<number> {
  const messages = createMessages(baked.messages, pickLang(io.env[INPUT_ENV.lang]));
  const rawKey = io.env[INPUT_ENV.apiKey];
  let key: string | null = null;
  try {
    const args = parseArgs(io.argv);
    const paths = resolvePaths(io.env, io.homedir, io.cwd);
    if (args.diagnosis) return await diagnose(baked, { ...io, platform }, messages.t, paths, { report: args.mode === 'doctor', check: args.check });
    // The installer skipped `node --version` (node-guard.ts checked it): say which Node.js runs this.
    const found = io.env[NODE_FOUND_ENV];
    if (found) io.out(messages.t('cfg_node_found', { node_version: process.version, path: found }));
    const r: Run = { baked, io, messages, paths, args, platform };
    if (args.mode === 'uninstall') return uninstall(r);
    if (args.mode === 'check-key') {
      readKey(io.env, false, true);
      return EXIT.ok;
    }
    key = readKey(io.env, args.dryRun || args.mode === 'mcp-conflicts');
    if (args.mode === 'mcp-conflicts') return listMcpConflicts(r, key ?? KEY_PLACEHOLDER);
    return configure(r, key);
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

/** The diagnosis is the same program given --doctor or --check (the name the doctor tests use). */
export const runDiagnosis = run;

/** Called by the bundle's last line with the profile baked in at build time. */
export function main(baked: BakedProfile): void {
  const io: Io = {
    argv: process.argv.slice(2),
    env: process.env,
    homedir: os.homedir(),
    cwd: process.cwd(),
    now: () => new Date(),
    out: (line) => process.stdout.write(line + '\n'),
    err: (line) => process.stderr.write(line + '\n'),
  };
  run(baked, io).then(
    (code) => (process.exitCode = code),
    () => (process.exitCode = EXIT.unexpected),
  );
}
