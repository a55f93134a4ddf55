// A local npm registry holding a fixed set of real package versions: above all a PINNED
// @anthropic-ai/claude-code and its linux-x64 (glibc) platform package, fetched once from the real
// registry into ~/.cache/ccenv/registry/. It serves packuments (GET /<name>, scoped names as
// /@scope%2fname or /@scope/name) whose dist.tarball points back at the host the client asked,
// with the tarball's real integrity and shasum, and the tarballs. Unknown packages (such as the
// other platforms' optional packages) get 404, which npm skips for optional dependencies.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cachePath, ensureCacheDir } from './cache.js';
import type { FixtureRequest, FixtureResponse, Handler, Site } from './fixture-server.js';
import { npmPack, tarballManifest } from './npm-pack.js';

/** The Claude Code release the golden scenarios install. Bump deliberately, with the goldens. */
export const CLAUDE_CODE_VERSION = '2.1.330';
export const CLAUDE_CODE_PACKAGE = '@anthropic-ai/claude-code';

export interface RegistryPackage {
  name: string;
  version: string;
  /** Absolute path of the cached tarball. */
  tarball: string;
  integrity: string;
  shasum: string;
  /** The package.json inside the tarball. */
  manifest: Record<string, unknown>;
}

/** Plain data (JSON-serialisable), so a sandboxed server can be handed it. */
export interface RegistrySnapshot {
  packages: RegistryPackage[];
}

function cacheName(name: string): string {
  return name.replace('/', '+');
}

/** Fetches `name@version` once into the cache; returns its tarball and manifest. */
export async function fetchRegistryPackage(name: string, version: string): Promise<RegistryPackage> {
  if (!/^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/.test(version)) throw new Error(`registry: pin an exact version, not ${version}`);
  const dir = cachePath('registry', cacheName(name), version);
  await ensureCacheDir(dir, async (tmp) => {
    const packed = await npmPack(`${name}@${version}`, tmp);
    if (packed.name !== name || packed.version !== version) throw new Error(`npm pack ${name}@${version} gave ${packed.name}@${packed.version}`);
    const manifest = await tarballManifest(packed.file);
    writeFileSync(path.join(tmp, 'meta.json'), JSON.stringify({ name, version, integrity: packed.integrity, shasum: packed.shasum, manifest }, null, 2));
  });
  const meta = JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8')) as Omit<RegistryPackage, 'tarball'>;
  return { ...meta, tarball: path.join(dir, 'package.tgz') };
}

/** True when a platform package's os/cpu/libc fit linux x64 glibc. */
function fitsLinuxX64Glibc(m: Record<string, unknown>): boolean {
  const fits = (field: unknown, want: string) =>
    !Array.isArray(field) || field.length === 0 || (field.includes(want) && !field.includes(`!${want}`));
  return fits(m.os, 'linux') && fits(m.cpu, 'x64') && fits(m.libc, 'glibc');
}

/**
 * The pinned Claude Code with what npm installs on linux-x64 glibc: its dependencies (none today;
 * exact versions required) and the optional platform package for linux-x64 (glibc).
 */
export async function ensureClaudeCodeSnapshot(version: string = CLAUDE_CODE_VERSION): Promise<RegistrySnapshot> {
  const root = await fetchRegistryPackage(CLAUDE_CODE_PACKAGE, version);
  const packages = [root];
  const deps = (root.manifest.dependencies ?? {}) as Record<string, string>;
  for (const [dep, range] of Object.entries(deps)) packages.push(await fetchRegistryPackage(dep, range));
  const optional = (root.manifest.optionalDependencies ?? {}) as Record<string, string>;
  const platform = Object.entries(optional).filter(([n]) => n.endsWith('-linux-x64'));
  if (platform.length === 0) throw new Error(`${CLAUDE_CODE_PACKAGE}@${version} has no linux-x64 optional dependency`);
  for (const [dep, range] of platform) {
    const p = await fetchRegistryPackage(dep, range);
    if (!fitsLinuxX64Glibc(p.manifest)) throw new Error(`${dep}@${range} is not for linux x64 glibc`);
    packages.push(p);
  }
  return { packages };
}

/** The last path segment of a tarball URL, as the public registry names it. */
export function tarballFileName(name: string, version: string): string {
  return `${name.includes('/') ? name.split('/')[1] : name}-${version}.tgz`;
}

function compareSemver(a: string, b: string): number {
  const pa = a.split(/[-+]/)[0]!.split('.').map(Number);
  const pb = b.split(/[-+]/)[0]!.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return a.includes('-') === b.includes('-') ? 0 : a.includes('-') ? -1 : 1;
}

/** The packument of `name` as a registry at `origin` (scheme://host[/prefix]) serves it. */
export function packument(snapshot: RegistrySnapshot, name: string, origin: string): Record<string, unknown> | undefined {
  const versions = snapshot.packages.filter((p) => p.name === name).sort((a, b) => compareSemver(a.version, b.version));
  if (versions.length === 0) return undefined;
  const time: Record<string, string> = { created: '2020-01-01T00:00:00.000Z', modified: '2020-01-01T00:00:00.000Z' };
  const docs: Record<string, unknown> = {};
  for (const p of versions) {
    const m = p.manifest;
    const scripts = (m.scripts ?? {}) as Record<string, string>;
    docs[p.version] = {
      ...m,
      _id: `${name}@${p.version}`,
      ...(scripts.preinstall || scripts.install || scripts.postinstall ? { hasInstallScript: true } : {}),
      dist: {
        tarball: `${origin}/${name}/-/${tarballFileName(name, p.version)}`,
        integrity: p.integrity,
        shasum: p.shasum,
      },
    };
    time[p.version] = '2020-01-01T00:00:00.000Z';
  }
  const latest = versions[versions.length - 1]!.version;
  return { _id: name, name, 'dist-tags': { latest }, versions: docs, time, modified: time.modified };
}

function notFound(): FixtureResponse {
  return { status: 404, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: 'Not found' }) };
}

export function npmRegistryHandler(snapshot: RegistrySnapshot): Handler {
  return (req: FixtureRequest): FixtureResponse => {
    const p = req.subpath;
    const origin = `${req.scheme}://${req.headers.host ?? req.host}${req.prefix}`;
    if (p === '/-/ping') return { status: 200, headers: { 'content-type': 'application/json' }, body: '{}' };
    if (p.startsWith('/-/npm/v1/security/')) return { status: 200, headers: { 'content-type': 'application/json' }, body: '{}' };
    if (req.method !== 'GET' && req.method !== 'HEAD') return { status: 405, headers: { 'content-type': 'text/plain' }, body: 'read-only registry\n' };
    // Tarball: /<name>/-/<file>.tgz (name scoped or not).
    const t = /^\/((?:@[^/]+\/)?[^/@]+)\/-\/([^/]+\.tgz)$/.exec(p);
    if (t) {
      const [, name, file] = t as unknown as [string, string, string];
      const pkg = snapshot.packages.find((x) => x.name === name && tarballFileName(x.name, x.version) === file);
      if (!pkg || !existsSync(pkg.tarball)) return notFound();
      return { status: 200, headers: { 'content-type': 'application/octet-stream' }, file: pkg.tarball };
    }
    // Packument: /<name>, or /<name>/<version|tag> (a version document).
    const m = /^\/((?:@[^/]+\/)?[^/@]+)(?:\/([^/]+))?\/?$/.exec(p);
    if (!m) return notFound();
    const [, name, sub] = m as unknown as [string, string, string | undefined];
    const doc = packument(snapshot, name, origin);
    if (!doc) return notFound();
    if (sub !== undefined) {
      const tags = doc['dist-tags'] as Record<string, string>;
      const v = (doc.versions as Record<string, unknown>)[tags[sub] ?? sub];
      return v ? { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(v) } : notFound();
    }
    return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(doc) };
  };
}

export function npmRegistrySite(host: string, snapshot: RegistrySnapshot, opts: { prefix?: string; name?: string } = {}): Site {
  return { host, prefix: opts.prefix, name: opts.name ?? 'npm-registry', handler: npmRegistryHandler(snapshot) };
}
