// `ccenv build`: load profiles, render every target, lint, then write dist/ or check it is fresh.
import type { Profile } from '../profile/schema.js';
import { builtinProfileIds, loadProfileFile, profileFile } from '../profile/load.js';
import { staleFactWarnings } from '../profile/fact-age.js';
import { loadCatalog } from '../messages/catalog.js';
import { CLI_EXIT, UserError } from '../errors.js';
import { CCENV_VERSION } from '../version.js';
import { checkDistTree, isStale, latestInstallers, renderDistTree, writeDistTree, type PinnedRelease } from './dist-tree.js';
import { TARGET_IDS, TARGETS } from '../render/targets.js';
import { SUMS_FILE, SIGNATURE_FILE } from './checksums.js';
import { readPublished, type Published } from './published.js';
import { publicKeyOf, signatureProblems, signTree } from './signing.js';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface BuildRequest {
  profile?: string[] | undefined;
  out: string;
  check: boolean;
  lint: boolean;
  /** Where dist/ will be served from; the commands on the pages and in manifest.json use it. */
  baseUrl?: string | undefined;
  /** Write the immutable v<ccenv version>-<content hash>/ copies (default true). */
  versioned?: boolean | undefined;
  /** An SSH private key: every SHA256SUMS written gets a SHA256SUMS.sig. */
  signKey?: string | undefined;
  /** Rollback: `<id>@<version>` makes that published release the profile's latest again. */
  latest?: string[] | undefined;
}

/** `--latest id@version`: the published release's installers, read from the tree; refuses what is not there. */
function pinnedReleases(refs: string[], profiles: Profile[], published: Published, req: BuildRequest): Map<string, PinnedRelease> {
  const pinned = new Map<string, PinnedRelease>();
  for (const ref of refs) {
    const [id, version] = ref.split('@') as [string, string | undefined];
    if (!version) throw new UserError(`--latest ${ref}: write it as <profile id>@<version>, e.g. acme@v0.1.0-3f9a1c2e`);
    if (req.versioned === false) throw new UserError(`--latest ${ref}: a rollback needs the v…/ folders; drop --no-versioned`);
    if (!profiles.some((p) => p.id === id)) throw new UserError(`--latest ${ref}: build ${id} in the same command (--profile <its file>)`);
    const releases = published.versions.get(id) ?? [];
    if (!releases.some((v) => v.version === version)) {
      throw new UserError(`--latest ${ref}: ${req.out}/${id}/ has no release ${version} (it has: ${releases.map((v) => v.version).join(', ') || 'none'})`);
    }
    const files = TARGET_IDS.map((t) => [t, path.join(req.out, id, version, TARGETS[t].file)] as const);
    const absent = files.filter(([, file]) => !existsSync(file)).map(([, file]) => file);
    if (absent.length > 0) throw new UserError(`--latest ${ref}: the release lacks ${absent.join(', ')} (made before that target existed?)`);
    const installers = new Map(files.map(([t, file]) => [t, readFileSync(file, 'utf8')] as const));
    pinned.set(id, { version, installers });
  }
  return pinned;
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
  // what the folder already holds is kept: other profiles stay listed, earlier versions stay in the manifests
  const published = onDisk(error, () => readPublished(req.out, profiles.map((p) => p.id)));
  if (published === null) return CLI_EXIT.failed;
  const latest = pinnedReleases(req.latest ?? [], profiles, published, req);
  const tree = await renderDistTree(profiles, catalog, CCENV_VERSION, { cdnBase, versioned: req.versioned ?? true, signer, published, latest });
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
  const report = onDisk(error, () => checkDistTree(req.out, tree));
  if (report === null) return CLI_EXIT.failed;
  const sumsInTree = [...tree.keys()].filter((r) => path.posix.basename(r) === SUMS_FILE);
  if (req.check) {
    const unsigned = signer ? await signatureProblems(req.out, sumsInTree, signer.publicKey) : [];
    if (isStale(report) || unsigned.length > 0) {
      for (const rel of report.immutable) error(`published and immutable, but would change: ${req.out}/${rel} (a v…/ folder edited after publishing)`);
      for (const rel of report.changed) error(`stale: ${req.out}/${rel}`);
      for (const rel of report.missing) error(`missing: ${req.out}/${rel}`);
      for (const rel of report.extra) error(`not generated by any profile: ${req.out}/${rel}`);
      unsigned.forEach((line) => error(line));
      if (!signer && published.signatures.length > 0) error(`${req.out}/ is signed: check it with the --sign-key it was built with (the pages show the key)`);
      error(`${req.out}/ is stale: run ccenv build with the same options to publish these changes (in the ccenv repository itself: make build, and commit dist/)`);
      return CLI_EXIT.failed;
    }
    log(`${req.out}/ is fresh (${tree.size} file(s))`);
    return CLI_EXIT.ok;
  }
  if (report.immutable.length > 0) {
    for (const rel of report.immutable) error(`refusing to change a published file: ${req.out}/${rel}`);
    error(`a published v…/ folder never changes, and this one differs from what the profile renders to (edited after publishing?): nothing written. Restore it from what you uploaded.`);
    return CLI_EXIT.failed;
  }
  const rewritten = [...report.changed, ...report.missing].filter((r) => path.posix.basename(r) === SUMS_FILE);
  if (!req.signKey && published.signatures.length > 0 && rewritten.length > 0) {
    // writing would drop the signatures of the lists it changes: a signed tree never silently becomes unsigned
    error(`${req.out}/ is signed (${published.signatures.map((s) => `${req.out}/${s}`).join(', ')}), and this build changes ${rewritten.map((r) => `${req.out}/${r}`).join(', ')}.`);
    error(`refusing to leave it partly unsigned: nothing written. Build with --sign-key <the key that signed it> to re-sign, or delete its ${SIGNATURE_FILE} files to publish it unsigned.`);
    return CLI_EXIT.failed;
  }
  if (onDisk(error, () => writeDistTree(req.out, tree, report)) === null) return CLI_EXIT.failed;
  const touched = report.changed.length + report.missing.length;
  log(`wrote ${touched} of ${tree.size} file(s) to ${req.out}/` + (report.extra.length ? `, removed ${report.extra.length}` : ''));
  if (req.signKey) {
    const signed = await signTree(req.out, new Set(rewritten), req.signKey);
    if (signed.length > 0) log(`signed ${signed.length} ${SUMS_FILE} with ${req.signKey} (${SIGNATURE_FILE} beside each): ${signed.map((r) => `${req.out}/${r}`).join(', ')}`);
  }
  return CLI_EXIT.ok;
}
