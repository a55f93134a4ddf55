// The dist/ tree, ready for a CDN: per profile its installers (latest), an immutable copy under
// v<ccenv version>-<content hash>/ (unless told not to), manifest.json, a landing page and SHA256SUMS
// in every folder; at the top an index page of every profile in the tree and `_headers`. Rendering
// is pure (what is already on disk comes in as `published`); writing and the staleness check are
// the only places that touch the disk.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import path from 'node:path';
import type { Profile } from '../profile/schema.js';
import type { Catalog } from '../messages/catalog.js';
import { buildConfigureProgram } from '../configure/bundle.js';
import { bakeProfile } from '../render/context.js';
import { renderInstaller } from '../render/installer.js';
import { TARGET_IDS, TARGETS, type TargetId } from '../render/targets.js';
import { sha256Hex, SIGNATURE_FILE, SUMS_FILE, sumsText } from './checksums.js';
import { headersFile, isVersionFolder, ROOT_FILES } from './headers.js';
import { indexPage, landingPage, type Signer } from './landing.js';
import { buildManifest, gzipSizes, installerUrl, releaseVersion } from './manifest.js';
import { EMPTY, isOwnedProfileFile, type IndexEntry, type Published, type PublishedVersion } from './published.js';

/** Relative path (posix) → file content. */
export type DistTree = Map<string, string>;

export interface DistOptions {
  /** Where the tree will be served from (ends in /); null: commands show a placeholder. */
  cdnBase?: string | null;
  /** Also write the immutable v<version>/ copies. */
  versioned?: boolean;
  /** The SSH key SHA256SUMS will be signed with (its public half is shown on the pages). */
  signer?: Signer | null;
  /** What the output folder already holds (readPublished): kept, listed and checksummed. */
  published?: Published;
  /** Rollback: these profiles' latest files are a published release's (read from disk), not a new render. */
  latest?: Map<string, PinnedRelease>;
}

/** A published release made the latest again (`--latest id@version`). */
export interface PinnedRelease {
  version: string;
  installers: Map<TargetId, string>;
}

/** SHA256SUMS for every folder of the tree, over the other files in that folder (kept foreign ones too). */
function addSums(tree: DistTree, foreign: Map<string, Buffer>): void {
  const folders = new Map<string, Map<string, string | Buffer>>();
  for (const [rel, text] of [...tree, ...foreign]) {
    const dir = path.posix.dirname(rel);
    if (!folders.has(dir)) folders.set(dir, new Map());
    folders.get(dir)?.set(path.posix.basename(rel), text);
  }
  for (const [dir, files] of folders) tree.set(dir === '.' ? SUMS_FILE : `${dir}/${SUMS_FILE}`, sumsText(files));
}

export async function renderDistTree(profiles: Profile[], catalog: Catalog, ccenvVersion: string, opts: DistOptions = {}): Promise<DistTree> {
  const tree: DistTree = new Map();
  const sorted = [...profiles].sort((a, b) => a.id.localeCompare(b.id));
  const pending: { profile: Profile; installers: Map<TargetId, string>; version: string; sizes: Promise<Map<TargetId, number>> }[] = [];
  for (const profile of sorted) {
    const pinned = opts.latest?.get(profile.id);
    const installers = pinned?.installers ?? (await renderInstallers(profile, catalog, ccenvVersion, opts.cdnBase ?? null));
    for (const [target, text] of installers) tree.set(`${profile.id}/${TARGETS[target].file}`, text);
    const version = pinned?.version ?? releaseVersion(ccenvVersion, installers);
    if (opts.versioned) for (const [target, text] of installers) tree.set(`${profile.id}/${version}/${TARGETS[target].file}`, text);
    // gzip -9 of the installers runs on the thread pool while the next profile renders; these
    // placeholders keep the tree's order, filled in below
    tree.set(`${profile.id}/manifest.json`, '');
    tree.set(`${profile.id}/index.html`, '');
    pending.push({ profile, installers, version, sizes: gzipSizes(installers) });
  }
  const published = opts.published ?? EMPTY;
  for (const { profile, installers, version, sizes } of pending) {
    const release = opts.versioned ? releaseOf(profile.id, version, installers, published.versions.get(profile.id) ?? []) : null;
    const manifest = buildManifest(profile, installers, ccenvVersion, opts.cdnBase ?? null, release, await sizes);
    tree.set(`${profile.id}/manifest.json`, `${JSON.stringify(manifest, null, 2)}\n`);
    tree.set(`${profile.id}/index.html`, landingPage(profile, manifest, opts.signer ?? null));
  }
  // the index lists every profile in the tree: this build's and those earlier builds left there
  const listed = new Map<string, IndexEntry>(published.profiles);
  for (const p of sorted) listed.set(p.id, { id: p.id, name: p.name, baseUrl: p.baseUrl });
  tree.set('index.html', indexPage([...listed.values()].sort((a, b) => a.id.localeCompare(b.id)), ccenvVersion));
  tree.set('_headers', headersFile());
  addSums(tree, published.foreign);
  return tree;
}

/** A profile's three installers, rendered. */
async function renderInstallers(profile: Profile, catalog: Catalog, ccenvVersion: string, cdnBase: string | null): Promise<Map<TargetId, string>> {
  const program = await buildConfigureProgram(bakeProfile(profile, catalog, ccenvVersion));
  const installers = new Map<TargetId, string>();
  for (const target of TARGET_IDS) {
    const installUrl = cdnBase ? installerUrl(cdnBase, profile.id, target) : undefined;
    installers.set(target, renderInstaller({ profile, target, catalog, ccenvVersion, configureProgram: program, installUrl }));
  }
  return installers;
}

/** The version the latest installers are, and the profile's published versions with it (appended when new). */
function releaseOf(id: string, version: string, installers: Map<TargetId, string>, earlier: PublishedVersion[]): { version: string; versions: PublishedVersion[] } {
  if (earlier.some((v) => v.version === version)) return { version, versions: earlier };
  const files = TARGET_IDS.map((t) => {
    const text = installers.get(t) as string;
    return { name: TARGETS[t].file, path: `${id}/${version}/${TARGETS[t].file}`, bytes: Buffer.byteLength(text), sha256: sha256Hex(text) };
  }).sort((a, b) => a.name.localeCompare(b.name));
  return { version, versions: [...earlier, { version, files }] };
}

/** The installers of the tree (not their versioned copies): what the gates lint. */
export function latestInstallers(tree: DistTree, ext: string): { rel: string; text: string }[] {
  return [...tree].filter(([rel]) => /^[^/]+\/install\.[a-z0-9]+$/.test(rel) && rel.endsWith(ext)).map(([rel, text]) => ({ rel, text }));
}

function isVersioned(rel: string): boolean {
  const parts = rel.split('/');
  return parts.length === 3 && isVersionFolder(parts[1] as string);
}

/** Files under outDir that a build of these profiles owns: their latest files and the top files; never versioned ones, never another profile's. */
function ownedFiles(outDir: string, ids: string[]): string[] {
  if (!existsSync(outDir)) return [];
  const owned = ids
    .filter((id) => existsSync(path.join(outDir, id)))
    .flatMap((id) =>
      readdirSync(path.join(outDir, id))
        .filter(isOwnedProfileFile)
        .map((f) => `${id}/${f}`),
    );
  owned.push(...ROOT_FILES.filter((f) => existsSync(path.join(outDir, f))));
  return owned;
}

export interface StaleReport {
  changed: string[];
  missing: string[];
  extra: string[];
  /** Published versioned files whose content would change: never allowed. */
  immutable: string[];
}

export function checkDistTree(outDir: string, tree: DistTree): StaleReport {
  const ids = [...new Set([...tree.keys()].filter((k) => k.includes('/')).map((k) => k.split('/')[0] as string))];
  const report: StaleReport = { changed: [], missing: [], extra: [], immutable: [] };
  for (const [rel, text] of tree) {
    const file = path.join(outDir, rel);
    if (!existsSync(file)) report.missing.push(rel);
    else if (readFileSync(file, 'utf8') !== text) (isVersioned(rel) ? report.immutable : report.changed).push(rel);
  }
  // A signature belongs to the build that signed; a build without a key neither checks nor keeps one.
  report.extra = ownedFiles(outDir, ids).filter((rel) => !tree.has(rel) && path.posix.basename(rel) !== SIGNATURE_FILE);
  return report;
}

export function isStale(r: StaleReport): boolean {
  return r.changed.length + r.missing.length + r.extra.length + r.immutable.length > 0;
}

/** Writes what changed; refuses (writing nothing) when a published versioned file would change. */
export function writeDistTree(outDir: string, tree: DistTree, report: StaleReport = checkDistTree(outDir, tree)): StaleReport {
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
