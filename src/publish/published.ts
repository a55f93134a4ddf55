// What an output folder already publishes, read before a build so the build keeps it: the other
// profiles' folders (for the root index), each built profile's earlier v…/ folders with their
// checksums (for its manifest), files ccenv did not write (covered by SHA256SUMS, never removed)
// and whether the tree is signed.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { CLI_EXIT, UserError } from '../errors.js';
import { sha256Hex, SIGNATURE_FILE, SUMS_FILE } from './checksums.js';
import { isVersionFolder, PROFILE_FILES, ROOT_FILES } from './headers.js';

/** A profile as the root index lists it. */
export interface IndexEntry {
  id: string;
  name: { en: string; zh: string };
  baseUrl: string;
}

export interface VersionFile {
  name: string;
  /** Path inside the tree. */
  path: string;
  bytes: number;
  sha256: string;
}

/** One immutable v…/ folder of a profile. */
export interface PublishedVersion {
  version: string;
  files: VersionFile[];
}

export interface Published {
  /** Profile folders with a manifest.json, by id. */
  profiles: Map<string, IndexEntry>;
  /** Each profile's v…/ folders, in the order its manifest.json listed them (unlisted ones after, by name). */
  versions: Map<string, PublishedVersion[]>;
  /** Files a build does not write but keeps (a provider's own robots.txt, logo…), by path: SHA256SUMS covers them. */
  foreign: Map<string, Buffer>;
  /** SHA256SUMS.sig files in the folders a build rewrites (the root and the given profiles'). */
  signatures: string[];
}

export const EMPTY: Published = { profiles: new Map(), versions: new Map(), foreign: new Map(), signatures: [] };

/** A file ccenv writes into a profile folder (an unknown install.<ext> included: an old target's, removed). */
export function isOwnedProfileFile(name: string): boolean {
  return PROFILE_FILES.includes(name) || /^install\.[a-z0-9]+$/.test(name);
}

function filesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => statSync(path.join(dir, f)).isFile())
    .sort();
}

function foldersIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => statSync(path.join(dir, f)).isDirectory())
    .sort();
}

function readJson(file: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function indexEntry(id: string, m: Record<string, unknown> | null): IndexEntry | null {
  const name = m?.name as { en?: unknown; zh?: unknown } | undefined;
  if (m?.profile !== id || typeof m.baseUrl !== 'string' || typeof name?.en !== 'string' || typeof name.zh !== 'string') return null;
  return { id, name: { en: name.en, zh: name.zh }, baseUrl: m.baseUrl };
}

/** `<hash>  <name>` lines of a SHA256SUMS file. */
function parseSums(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    if (m) out.set(m[2] as string, m[1] as string);
  }
  return out;
}

/** A published folder's files with their checksums; refuses when one no longer matches its SHA256SUMS. */
function readVersion(outDir: string, id: string, version: string): PublishedVersion {
  const dir = path.join(outDir, id, version);
  const sumsFile = path.join(dir, SUMS_FILE);
  const listed = existsSync(sumsFile) ? parseSums(readFileSync(sumsFile, 'utf8')) : new Map<string, string>();
  const files = filesIn(dir)
    .filter((f) => f !== SUMS_FILE && f !== SIGNATURE_FILE)
    .map((name): VersionFile => {
      const bytes = readFileSync(path.join(dir, name));
      const sha256 = sha256Hex(bytes);
      if (listed.get(name) !== sha256) {
        throw new UserError(`${dir}/${name}: a published file no longer matches its ${SUMS_FILE} (edited after publishing?). Restore ${id}/${version}/ from what you uploaded; nothing written.`, CLI_EXIT.failed);
      }
      return { name, path: `${id}/${version}/${name}`, bytes: bytes.length, sha256 };
    });
  return { version, files };
}

function listedVersions(m: Record<string, unknown> | null): string[] {
  const v = m?.versions;
  return Array.isArray(v) ? v.map((e) => (e as { version?: unknown }).version).filter((x): x is string => typeof x === 'string') : [];
}

/** Reads the tree at outDir (nothing there: EMPTY); builtIds are the profiles this build writes. */
export function readPublished(outDir: string, builtIds: string[]): Published {
  // not a folder: the write reports it, naming the path it could not make
  if (!existsSync(outDir) || !statSync(outDir).isDirectory()) return EMPTY;
  const published: Published = { profiles: new Map(), versions: new Map(), foreign: new Map(), signatures: [] };
  if (existsSync(path.join(outDir, SIGNATURE_FILE))) published.signatures.push(SIGNATURE_FILE);
  for (const f of filesIn(outDir)) if (!ROOT_FILES.includes(f)) published.foreign.set(f, readFileSync(path.join(outDir, f)));
  for (const id of foldersIn(outDir)) {
    const dir = path.join(outDir, id);
    const manifest = readJson(path.join(dir, 'manifest.json'));
    const entry = indexEntry(id, manifest);
    if (entry) published.profiles.set(id, entry);
    if (!builtIds.includes(id)) continue;
    if (existsSync(path.join(dir, SIGNATURE_FILE))) published.signatures.push(`${id}/${SIGNATURE_FILE}`);
    for (const f of filesIn(dir)) if (!isOwnedProfileFile(f)) published.foreign.set(`${id}/${f}`, readFileSync(path.join(dir, f)));
    const onDisk = foldersIn(dir).filter(isVersionFolder);
    const order = [...listedVersions(manifest).filter((v) => onDisk.includes(v)), ...onDisk.filter((v) => !listedVersions(manifest).includes(v))];
    published.versions.set(id, order.map((v) => readVersion(outDir, id, v)));
  }
  return published;
}
