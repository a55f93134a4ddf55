// manifest.json of a profile folder: what a platform team (or a script) needs to publish and
// announce the installers — sizes, hashes, paths and the one-liners.
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { Profile } from '../profile/schema.js';
import { TARGET_IDS, TARGETS, type TargetId } from '../render/targets.js';
import { sha256Hex } from './checksums.js';

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
  /** The CDN address given at build time (ends in /), or null. */
  cdnBase: string | null;
  files: ManifestFile[];
  /** The commands users paste; `{url}` in commandForms is the script's address. */
  oneLiners: Record<TargetId, string>;
  commandForms: Record<TargetId, string>;
}

/** Where a profile's installer is served from below a CDN base (ends in /). */
export function installerUrl(base: string, profileId: string, target: TargetId): string {
  return `${base}${profileId}/${TARGETS[target].file}`;
}

export function versionFolder(ccenvVersion: string): string {
  return `v${ccenvVersion}`;
}

const gzipAsync = promisify(gzip);

/** Each installer's size compressed with gzip -9, on libuv's thread pool: the caller renders meanwhile. */
export async function gzipSizes(installers: Map<TargetId, string>): Promise<Map<TargetId, number>> {
  return new Map(await Promise.all([...installers].map(async ([target, text]) => [target, (await gzipAsync(Buffer.from(text), { level: 9 })).length] as const)));
}

export function buildManifest(profile: Profile, installers: Map<TargetId, string>, ccenvVersion: string, cdnBase: string | null, versioned: boolean, gzipBytes: Map<TargetId, number>): Manifest {
  const base = cdnBase ?? CDN_PLACEHOLDER;
  const files = TARGET_IDS.map((target): ManifestFile => {
    const text = installers.get(target) as string;
    const name = TARGETS[target].file;
    return {
      target,
      name,
      path: `${profile.id}/${name}`,
      versionedPath: versioned ? `${profile.id}/${versionFolder(ccenvVersion)}/${name}` : null,
      bytes: Buffer.byteLength(text),
      gzipBytes: gzipBytes.get(target) as number,
      sha256: sha256Hex(text),
    };
  });
  const commandForms = Object.fromEntries(TARGET_IDS.map((t) => [t, TARGETS[t].oneLiner('{url}')])) as Record<TargetId, string>;
  const oneLiners = Object.fromEntries(TARGET_IDS.map((t) => [t, TARGETS[t].oneLiner(installerUrl(base, profile.id, t))])) as Record<TargetId, string>;
  return { schema: 1, profile: profile.id, name: profile.name, baseUrl: profile.baseUrl, keyUrl: profile.keyUrl, ccenvVersion, cdnBase, files, oneLiners, commandForms };
}
