// manifest.json of a profile folder: what a platform team (or a script) needs to publish and
// announce the installers — sizes, hashes, paths and the one-liners.
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { Profile } from '../profile/schema.js';
import { TARGET_IDS, TARGETS, type TargetId } from '../render/targets.js';
import { sha256Hex } from './checksums.js';
import type { PublishedVersion } from './published.js';

/** Where the tree will be served from; without one, commands show this placeholder (the landing page fills in its own address). */
export const CDN_PLACEHOLDER = 'https://<your CDN>/';

export interface ManifestFile {
  target: TargetId;
  name: string;
  /** Path inside dist/. */
  path: string;
  /** The immutable copy, or null when the build wrote no versioned folder. */
  versionedPath: string | null;
  bytes: number;
  gzipBytes: number;
  sha256: string;
}

export interface Manifest {
  schema: 1;
  profile: string;
  name: { en: string; zh: string };
  baseUrl: string;
  keyUrl: string;
  ccenvVersion: string;
  /** The release the latest files are (v<ccenv version>-<content hash>); absent on a build without v…/ folders. */
  version?: string;
  /** The CDN address given at build time (ends in /), or null. */
  cdnBase: string | null;
  files: ManifestFile[];
  /** The commands users paste; `{url}` in commandForms is the script's address. */
  oneLiners: Record<TargetId, string>;
  commandForms: Record<TargetId, string>;
  /** Every v…/ folder of the profile, oldest first, with its files' checksums (the latest one included). */
  versions?: PublishedVersion[];
}

/** Where a profile's installer is served from below a CDN base (ends in /). */
export function installerUrl(base: string, profileId: string, target: TargetId): string {
  return `${base}${profileId}/${TARGETS[target].file}`;
}

/**
 * A profile's release: ccenv's version (which templates) and the first 8 hex digits of the SHA-256
 * over its rendered installers (what the profile and the build options made of them). The same
 * inputs give the same name, so a rebuild changes nothing; any change to what users download is a
 * new, immutable v…/ folder.
 */
export function releaseVersion(ccenvVersion: string, installers: Map<TargetId, string>): string {
  const digest = sha256Hex(TARGET_IDS.map((t) => `${TARGETS[t].file}\0${installers.get(t) ?? ''}`).join('\0'));
  return `v${ccenvVersion}-${digest.slice(0, 8)}`;
}

const gzipAsync = promisify(gzip);

/** Each installer's size compressed with gzip -9, on libuv's thread pool: the caller renders meanwhile. */
export async function gzipSizes(installers: Map<TargetId, string>): Promise<Map<TargetId, number>> {
  return new Map(await Promise.all([...installers].map(async ([target, text]) => [target, (await gzipAsync(Buffer.from(text), { level: 9 })).length] as const)));
}

/**
 * The manifest of a profile folder. `release`: the version the latest files are and every published
 * version (that one included, in order); null for a build without v…/ folders.
 */
export function buildManifest(
  profile: Profile,
  installers: Map<TargetId, string>,
  ccenvVersion: string,
  cdnBase: string | null,
  release: { version: string; versions: PublishedVersion[] } | null,
  gzipBytes: Map<TargetId, number>,
): Manifest {
  const base = cdnBase ?? CDN_PLACEHOLDER;
  const files = TARGET_IDS.map((target): ManifestFile => {
    const text = installers.get(target) as string;
    const name = TARGETS[target].file;
    return {
      target,
      name,
      path: `${profile.id}/${name}`,
      versionedPath: release ? `${profile.id}/${release.version}/${name}` : null,
      bytes: Buffer.byteLength(text),
      gzipBytes: gzipBytes.get(target) as number,
      sha256: sha256Hex(text),
    };
  });
  const commandForms = Object.fromEntries(TARGET_IDS.map((t) => [t, TARGETS[t].oneLiner('{url}')])) as Record<TargetId, string>;
  const oneLiners = Object.fromEntries(TARGET_IDS.map((t) => [t, TARGETS[t].oneLiner(installerUrl(base, profile.id, t))])) as Record<TargetId, string>;
  const head = { schema: 1 as const, profile: profile.id, name: profile.name, baseUrl: profile.baseUrl, keyUrl: profile.keyUrl, ccenvVersion };
  const tail = { cdnBase, files, oneLiners, commandForms };
  // a build without v…/ folders keeps the manifest it always had (the repository's dist/ is one)
  return release ? { ...head, version: release.version, ...tail, versions: release.versions } : { ...head, ...tail };
}
