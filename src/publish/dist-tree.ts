// The dist/ tree, ready for a CDN: per profile its installers (latest), an immutable copy under
// v<ccenv version>/ (unless told not to), manifest.json, a landing page and SHA256SUMS in every
// folder; at the top an index page and `_headers`. Rendering is pure; writing and the staleness
// check are the only places that touch the disk.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, chmodSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Profile } from '../profile/schema.js';
import type { Catalog } from '../messages/catalog.js';
import { buildConfigureProgram } from '../configure/bundle.js';
import { bakeProfile } from '../render/context.js';
import { renderInstaller } from '../render/installer.js';
import { TARGET_IDS, TARGETS, type TargetId } from '../render/targets.js';
import { SIGNATURE_FILE, SUMS_FILE, sumsText } from './checksums.js';
import { headersFile, isVersionFolder, PROFILE_FILES, ROOT_FILES } from './headers.js';
import { indexPage, landingPage, type Signer } from './landing.js';
import { buildManifest, gzipSizes, installerUrl, versionFolder } from './manifest.js';

/** Relative path (posix) → file content. */
export type DistTree = Map<string, string>;

export interface DistOptions {
  /** Where the tree will be served from (ends in /); null: commands show a placeholder. */
  cdnBase?: string | null;
  /** Also write the immutable v<version>/ copies. */
  versioned?: boolean;
  /** The SSH key SHA256SUMS will be signed with (its public half is shown on the pages). */
  signer?: Signer | null;
}

/** SHA256SUMS for every folder of the tree, over the other files in that folder. */
function addSums(tree: DistTree): void {
  const folders = new Map<string, Map<string, string>>();
  for (const [rel, text] of tree) {
    const dir = path.posix.dirname(rel);
    if (!folders.has(dir)) folders.set(dir, new Map());
    folders.get(dir)?.set(path.posix.basename(rel), text);
  }
  for (const [dir, files] of folders) tree.set(dir === '.' ? SUMS_FILE : `${dir}/${SUMS_FILE}`, sumsText(files));
}

export async function renderDistTree(profiles: Profile[], catalog: Catalog, ccenvVersion: string, opts: DistOptions = {}): Promise<DistTree> {
  const tree: DistTree = new Map();
  const sorted = [...profiles].sort((a, b) => a.id.localeCompare(b.id));
  const pending: { profile: Profile; installers: Map<TargetId, string>; sizes: Promise<Map<TargetId, number>> }[] = [];
  for (const profile of sorted) {
    const program = await buildConfigureProgram(bakeProfile(profile, catalog, ccenvVersion));
    const installers = new Map<TargetId, string>();
    for (const target of TARGET_IDS) {
      const installUrl = opts.cdnBase ? installerUrl(opts.cdnBase, profile.id, target) : undefined;
      const text = renderInstaller({ profile, target, catalog, ccenvVersion, configureProgram: program, installUrl });
      installers.set(target, text);
      tree.set(`${profile.id}/${TARGETS[target].file}`, text);
      if (opts.versioned) tree.set(`${profile.id}/${versionFolder(ccenvVersion)}/${TARGETS[target].file}`, text);
    }
    // gzip -9 of the installers runs on the thread pool while the next profile renders; these
    // placeholders keep the tree's order, filled in below
    tree.set(`${profile.id}/manifest.json`, '');
    tree.set(`${profile.id}/index.html`, '');
    pending.push({ profile, installers, sizes: gzipSizes(installers) });
  }
  for (const { profile, installers, sizes } of pending) {
    const manifest = buildManifest(profile, installers, ccenvVersion, opts.cdnBase ?? null, opts.versioned ?? false, await sizes);
    tree.set(`${profile.id}/manifest.json`, `${JSON.stringify(manifest, null, 2)}\n`);
    tree.set(`${profile.id}/index.html`, landingPage(profile, manifest, opts.signer ?? null));
  }
  tree.set('index.html', indexPage(sorted, ccenvVersion));
  tree.set('_headers', headersFile());
  addSums(tree);
  return tree;
}

/** The installers of the tree (not their versioned copies): what the gates lint. */
export function latestInstallers(tree: DistTree, ext: string): { rel: string; text: string }[] {
  return [...tree].filter(([rel]) => /^[^/]+\/install\.[a-z0-9]+$/.test(rel) && rel.endsWith(ext)).map(([rel, text]) => ({ rel, text }));
}

function isVersioned(rel: string): boolean {
  const parts = rel.split('/');
  return parts.length === 3 && isVersionFolder(parts[1] as string);
}

/** Files under outDir that a build owns (latest files of the profile folders, the top files); never versioned ones. */
function ownedFiles(outDir: string, ids: string[], allFolders: boolean): string[] {
  if (!existsSync(outDir)) return [];
  const folders = allFolders
    ? readdirSync(outDir).filter((d) => statSync(path.join(outDir, d)).isDirectory())
    : ids.filter((id) => existsSync(path.join(outDir, id)));
  const owned = folders.flatMap((d) =>
    readdirSync(path.join(outDir, d))
      .filter((f) => (PROFILE_FILES as readonly string[]).includes(f) || /^install\.[a-z0-9]+$/.test(f))
      .map((f) => `${d}/${f}`),
  );
  if (allFolders) owned.push(...(ROOT_FILES as readonly string[]).filter((f) => existsSync(path.join(outDir, f))));
  return owned;
}

export interface StaleReport {
  changed: string[];
  missing: string[];
  extra: string[];
  /** Published versioned files whose content would change: never allowed. */
  immutable: string[];
}

export function checkDistTree(outDir: string, tree: DistTree, allFolders: boolean): StaleReport {
  const ids = [...new Set([...tree.keys()].filter((k) => k.includes('/')).map((k) => k.split('/')[0] as string))];
  const report: StaleReport = { changed: [], missing: [], extra: [], immutable: [] };
  for (const [rel, text] of tree) {
    const file = path.join(outDir, rel);
    if (!existsSync(file)) report.missing.push(rel);
    else if (readFileSync(file, 'utf8') !== text) (isVersioned(rel) ? report.immutable : report.changed).push(rel);
  }
  // A signature belongs to the build that signed; a build without a key neither checks nor keeps one.
  report.extra = ownedFiles(outDir, ids, allFolders).filter((rel) => !tree.has(rel) && path.posix.basename(rel) !== SIGNATURE_FILE);
  return report;
}

export function isStale(r: StaleReport): boolean {
  return r.changed.length + r.missing.length + r.extra.length + r.immutable.length > 0;
}

/** Writes what changed; refuses (writing nothing) when a published versioned file would change. */
export function writeDistTree(outDir: string, tree: DistTree, allFolders: boolean): StaleReport {
  const report = checkDistTree(outDir, tree, allFolders);
  if (report.immutable.length > 0) return report;
  for (const rel of [...report.changed, ...report.missing]) {
    const file = path.join(outDir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, tree.get(rel) as string);
  }
  for (const rel of tree.keys()) chmodSync(path.join(outDir, rel), rel.endsWith('.sh') ? 0o755 : 0o644);
  for (const rel of report.extra) rmSync(path.join(outDir, rel));
  // SHA256SUMS changed wherever a file did: a signature left from an earlier build would not verify.
  for (const rel of [...report.changed, ...report.missing].filter((r) => path.posix.basename(r) === SUMS_FILE)) {
    rmSync(path.join(outDir, path.posix.dirname(rel), SIGNATURE_FILE), { force: true });
  }
  return report;
}
