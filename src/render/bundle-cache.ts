// A build output kept in one file and reused while it is still what a build would give: every input
// file it was built from has the same SHA-256, and each of their folders lists the same names (a
// new file there could change what an import resolves to). Anything else — a missing, torn or
// foreign entry — is a miss, and the caller builds again.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

interface Entry {
  /** What else the output depends on (the builder's version and options). */
  key: string;
  /** Input path (relative to the root, posix) → SHA-256 of the bytes the build read. */
  inputs: Record<string, string>;
  /** Folder of an input (relative, posix) → SHA-256 of its sorted listing. */
  folders: Record<string, string>;
  /** SHA-256 of `text`: a damaged entry is a miss, never used. */
  sha256: string;
  text: string;
}

function folderDigest(root: string, folder: string): string {
  return sha256(readdirSync(path.join(root, folder)).sort().join('\n'));
}

function fileDigest(root: string, rel: string): string {
  return sha256(readFileSync(path.join(root, rel)));
}

/** The cached output when it is still valid for the files under `root`, else undefined. */
export function readCached(file: string, root: string, key: string): string | undefined {
  let entry: Entry;
  try {
    entry = JSON.parse(readFileSync(file, 'utf8')) as Entry;
  } catch {
    return undefined; // absent or torn
  }
  try {
    if (entry.key !== key || typeof entry.text !== 'string' || sha256(entry.text) !== entry.sha256) return undefined;
    const inputs = Object.entries(entry.inputs ?? {});
    if (inputs.length === 0) return undefined;
    for (const [rel, digest] of inputs) if (fileDigest(root, rel) !== digest) return undefined;
    for (const [folder, digest] of Object.entries(entry.folders ?? {})) if (folderDigest(root, folder) !== digest) return undefined;
    return entry.text;
  } catch {
    return undefined; // an input or folder is gone
  }
}

/**
 * Keeps `text`, built from `inputs` (relative path → SHA-256 of the bytes the build read), in
 * `file`: written beside it and renamed into place, so a reader never sees half an entry. A cache
 * that cannot be written only costs the next process a build.
 */
export function writeCached(file: string, root: string, key: string, text: string, inputs: Map<string, string>): void {
  const rels = [...inputs.keys()].sort();
  const entry: Entry = {
    key,
    inputs: Object.fromEntries(rels.map((rel) => [rel, inputs.get(rel) as string])),
    folders: Object.fromEntries([...new Set(rels.map((rel) => path.posix.dirname(rel)))].sort().map((f) => [f, folderDigest(root, f)])),
    sha256: sha256(text),
    text,
  };
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(tmp, JSON.stringify(entry));
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    if (!(err as NodeJS.ErrnoException).code) throw err;
  }
}
