// `ccenv build`: load profiles, render every target, lint, then write dist/ or check it is fresh.
import type { Profile } from '../profile/schema.js';
import { builtinProfileIds, loadProfileFile, profileFile } from '../profile/load.js';
import { staleFactWarnings } from '../profile/fact-age.js';
import { loadCatalog } from '../messages/catalog.js';
import { CLI_EXIT, UserError } from '../errors.js';
import { CCENV_VERSION } from '../version.js';
import { checkDistTree, isStale, latestInstallers, renderDistTree, writeDistTree } from './dist-tree.js';
import { signSums, SUMS_FILE, SIGNATURE_FILE } from './checksums.js';
import { isVersionFolder } from './headers.js';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';

export interface BuildRequest {
  profile?: string[] | undefined;
  out: string;
  check: boolean;
  lint: boolean;
  /** Where dist/ will be served from; the commands on the pages and in manifest.json use it. */
  baseUrl?: string | undefined;
  /** Write the immutable v<version>/ copies (default true). */
  versioned?: boolean | undefined;
  /** An SSH private key: every SHA256SUMS written gets a SHA256SUMS.sig. */
  signKey?: string | undefined;
}

/** The public half of an SSH private key (shown on the pages for verification). */
async function publicKeyOf(privateKey: string): Promise<string> {
  const { execa } = await import('execa'); // ~150 ms to load: only when signing
  const r = await execa('ssh-keygen', ['-y', '-f', privateKey], { reject: false, stdin: 'ignore' });
  if (r.exitCode !== 0) throw new UserError(`--sign-key ${privateKey}: not a readable SSH private key without a passphrase (${r.stderr.trim() || `exit ${r.exitCode ?? '?'}`})`);
  return r.stdout.trim().split(/\s+/).slice(0, 2).join(' ');
}

/** Runs a step that reads or writes the output folder; a file-system error is reported, not thrown. */
function onDisk<T>(error: Log, fn: () => T): T | null {
  try {
    return fn();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (!e.code) throw err;
    error(`cannot use the output folder: ${e.path ?? ''} (${e.code})`);
    return null;
  }
}

function normalizeBaseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UserError(`--base-url ${url}: not a URL`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new UserError(`--base-url ${url}: must be an http(s) URL`);
  if (parsed.search || parsed.hash || /[\s"'<>`]/.test(url)) throw new UserError(`--base-url ${url}: no query, fragment, spaces or quotes`);
  return parsed.href.endsWith('/') ? parsed.href : `${parsed.href}/`;
}

type Log = (line: string) => void;

/** Returns the process exit code: 0 ok, 1 lint findings or stale output; a bad profile, catalog or flag is a UserError (2). */
export async function buildInstallers(req: BuildRequest, log: Log, error: Log): Promise<number> {
  const all = !req.profile || req.profile.length === 0;
  const today = new Date();
  const profiles: Profile[] = (all ? builtinProfileIds() : (req.profile as string[])).map((ref) => {
    const file = profileFile(ref, error);
    const profile = loadProfileFile(file);
    // stale facts warn, never fail a build: the provider sees what to re-check
    for (const line of staleFactWarnings(profile, path.basename(file), today)) error(line);
    return profile;
  });
  const catalog = loadCatalog();
  const cdnBase = req.baseUrl ? normalizeBaseUrl(req.baseUrl) : null;
  const signer = req.signKey ? { publicKey: await publicKeyOf(req.signKey) } : null;
  const tree = await renderDistTree(profiles, catalog, CCENV_VERSION, { cdnBase, versioned: req.versioned ?? true, signer });
  if (req.lint) {
    // the gates (and execa under them) load only when they run: --no-lint stays fast
    const [{ formatFinding, shellcheck }, { checkPowerShell, formatPsFinding }, { checkCmd, formatCmdFinding }] = await Promise.all([
      import('../lint/shellcheck.js'),
      import('../lint/powershell.js'),
      import('../lint/cmd.js'),
    ]);
    const shFiles = latestInstallers(tree, '.sh').map(({ rel, text }) => ({ name: `${req.out}/${rel}`, text }));
    const findings = await shellcheck(shFiles);
    if (findings.length > 0) {
      findings.forEach((f) => error(formatFinding(f)));
      error(`shellcheck: ${findings.length} finding(s); nothing written`);
      return CLI_EXIT.failed;
    }
    log(`shellcheck: ${shFiles.length} file(s) clean (sh, dash, bash, ksh; severity style)`);
    const psFiles = latestInstallers(tree, '.ps1').map(({ rel, text }) => ({ name: `${req.out}/${rel}`, text }));
    const psFindings = await checkPowerShell(psFiles);
    if (psFindings.length > 0) {
      psFindings.forEach((f) => error(formatPsFinding(f)));
      error(`PowerShell gate: ${psFindings.length} finding(s); nothing written`);
      return CLI_EXIT.failed;
    }
    log(`PowerShell gate: ${psFiles.length} file(s) parse clean, pure ASCII, no exit/iex/Expand-Archive/setx`);
    const cmdFiles = latestInstallers(tree, '.cmd').map(({ rel, text }) => ({ name: `${req.out}/${rel}`, text }));
    const cmdFindings = checkCmd(cmdFiles);
    if (cmdFindings.length > 0) {
      cmdFindings.forEach((f) => error(formatCmdFinding(f)));
      error(`cmd gate: ${cmdFindings.length} finding(s); nothing written`);
      return CLI_EXIT.failed;
    }
    log(`cmd gate: ${cmdFiles.length} file(s) CRLF, complete, labels resolve, no setx, key never expanded, for /f explicit`);
  }
  if (req.check) {
    const report = onDisk(error, () => checkDistTree(req.out, tree, all));
    if (report === null) return CLI_EXIT.failed;
    if (isStale(report)) {
      for (const rel of report.immutable) error(`published and immutable, but would change: ${req.out}/${rel} (release a new ccenv version)`);
      for (const rel of report.changed) error(`stale: ${req.out}/${rel}`);
      for (const rel of report.missing) error(`missing: ${req.out}/${rel}`);
      for (const rel of report.extra) error(`not generated by any profile: ${req.out}/${rel}`);
      error(`${req.out}/ is stale: run make build (or ccenv build) and commit the result`);
      return CLI_EXIT.failed;
    }
    log(`${req.out}/ is fresh (${tree.size} file(s))`);
    return CLI_EXIT.ok;
  }
  const report = onDisk(error, () => writeDistTree(req.out, tree, all));
  if (report === null) return CLI_EXIT.failed;
  if (report.immutable.length > 0) {
    for (const rel of report.immutable) error(`refusing to change a published file: ${req.out}/${rel}`);
    error(`versioned folders are immutable: nothing written. Release a new ccenv version (its v<version>/ folder is new), or build with --no-versioned.`);
    return CLI_EXIT.failed;
  }
  if (req.signKey) {
    for (const rel of [...tree.keys()].filter((r) => path.posix.basename(r) === SUMS_FILE)) {
      const sums = path.join(req.out, rel);
      // a published folder's signature is as immutable as its files
      if (isVersionFolder(path.posix.basename(path.posix.dirname(rel))) && existsSync(path.join(path.dirname(sums), SIGNATURE_FILE))) continue;
      rmSync(path.join(path.dirname(sums), SIGNATURE_FILE), { force: true });
      await signSums(sums, req.signKey);
    }
    log(`signed every ${SUMS_FILE} with ${req.signKey} (${SIGNATURE_FILE} beside each)`);
  }
  const touched = report.changed.length + report.missing.length;
  log(`wrote ${touched} of ${tree.size} file(s) to ${req.out}/` + (report.extra.length ? `, removed ${report.extra.length}` : ''));
  return CLI_EXIT.ok;
}
