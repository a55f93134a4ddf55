// `ccenv pin-node`: fetch a Node.js release's SHASUMS256.txt once, at build time, and record the
// checksums of the archives the installers download in the profile (node.pin), keeping the file's
// comments: the Linux/macOS tarballs (install.sh, install.ps1 off Windows) and the Windows zips
// (install.ps1 and install.cmd on Windows).
import { readFileSync, writeFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { UserError } from '../errors.js';
import { parseProfile } from './load.js';

const ARCHIVE =
  /^([0-9a-f]{64}) {2}(node-v(\d+\.\d+\.\d+)-(?:(?:linux|darwin)-(?:x64|arm64)\.tar\.(?:xz|gz)|win-(?:x64|arm64)\.zip))$/;

/** The checksums of one release's official Linux/macOS tarballs and Windows zips, from its SHASUMS256.txt. */
export function parseShasums(text: string, version: string, url: string): Record<string, string> {
  const sums: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = ARCHIVE.exec(line.trim());
    if (m && m[3] === version) sums[m[2] as string] = m[1] as string;
  }
  if (!sums[`node-v${version}-linux-x64.tar.xz`] && !sums[`node-v${version}-linux-x64.tar.gz`]) {
    throw new UserError(`${url}: no linux-x64 tarball of Node.js ${version} listed (not a SHASUMS256.txt?)`);
  }
  return Object.fromEntries(Object.entries(sums).sort(([a], [b]) => a.localeCompare(b)));
}

export async function fetchNodeChecksums(mirror: string, version: string, allowHttp = false): Promise<Record<string, string>> {
  const url = `${mirror.replace(/\/$/, '')}/v${version}/SHASUMS256.txt`;
  if (!url.startsWith('https://') && !(allowHttp && url.startsWith('http://'))) {
    throw new UserError(`${url}: refusing a mirror that is not https (use --allow-http for a trusted intranet mirror)`);
  }
  let res: Response;
  try {
    res = await fetch(url);
  } catch (err) {
    throw new UserError(`${url}: ${(err as Error).message}`);
  }
  if (!res.ok) throw new UserError(`${url}: HTTP ${res.status}`);
  return parseShasums(await res.text(), version, url);
}

/** Writes node.pin into the profile file; the result must still validate, or nothing is written. */
export function writeNodePin(file: string, version: string, sha256: Record<string, string>): void {
  const text = readFileSync(file, 'utf8');
  const doc = parseDocument(text);
  doc.setIn(['node', 'pin'], doc.createNode({ version, sha256 }));
  const updated = doc.toString();
  parseProfile(updated, file);
  writeFileSync(file, updated);
}
