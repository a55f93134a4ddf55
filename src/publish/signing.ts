// Keeping a tree signed: which SHA256SUMS need a (new) signature after a build, signing them with
// `ssh-keygen -Y sign`, and checking the signatures a --check can see (`ssh-keygen -Y verify`).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UserError } from '../errors.js';
import { signSums, SIGNATURE_FILE, SIGNATURE_NAMESPACE, SUMS_FILE } from './checksums.js';

/** The public half of an SSH private key (shown on the pages for verification). */
export async function publicKeyOf(privateKey: string): Promise<string> {
  const { execa } = await import('execa'); // ~150 ms to load: only when signing
  const r = await execa('ssh-keygen', ['-y', '-f', privateKey], { reject: false, stdin: 'ignore' });
  if (r.exitCode !== 0) throw new UserError(`--sign-key ${privateKey}: not a readable SSH private key without a passphrase (${r.stderr.trim() || `exit ${r.exitCode ?? '?'}`})`);
  return r.stdout.trim().split(/\s+/).slice(0, 2).join(' ');
}

/** Every SHA256SUMS in the tree (the root, profile folders, their v…/ folders), relative paths. */
export function sumsOnDisk(outDir: string): string[] {
  const found: string[] = [];
  const walk = (rel: string, depth: number) => {
    const dir = path.join(outDir, rel);
    if (existsSync(path.join(dir, SUMS_FILE))) found.push(rel ? `${rel}/${SUMS_FILE}` : SUMS_FILE);
    if (depth === 2) return;
    for (const name of readdirSync(dir).sort()) if (statSync(path.join(dir, name)).isDirectory()) walk(rel ? `${rel}/${name}` : name, depth + 1);
  };
  walk('', 0);
  return found;
}

function signatureOf(sumsRel: string): string {
  const dir = path.posix.dirname(sumsRel);
  return dir === '.' ? SIGNATURE_FILE : `${dir}/${SIGNATURE_FILE}`;
}

/**
 * Signs every SHA256SUMS this build wrote and every one without a signature yet (a folder an earlier,
 * unsigned build left): the whole tree ends up signed. An unchanged, signed list keeps its signature
 * (a published v…/ folder's never changes). Returns the lists signed.
 */
export async function signTree(outDir: string, written: Set<string>, privateKey: string): Promise<string[]> {
  const signed: string[] = [];
  for (const rel of sumsOnDisk(outDir)) {
    const sig = path.join(outDir, signatureOf(rel));
    if (!written.has(rel) && existsSync(sig)) continue;
    rmSync(sig, { force: true });
    await signSums(path.join(outDir, rel), privateKey);
    signed.push(rel);
  }
  return signed;
}

/** For --check with a key: each SHA256SUMS of the build's scope on disk that has no signature, or one that does not verify with it. */
export async function signatureProblems(outDir: string, sumsRels: string[], publicKey: string): Promise<string[]> {
  const { execa } = await import('execa');
  const scratch = mkdtempSync(path.join(tmpdir(), 'ccenv-verify-'));
  try {
    const allowed = path.join(scratch, 'allowed_signers');
    writeFileSync(allowed, `ccenv namespaces="${SIGNATURE_NAMESPACE}" ${publicKey}\n`);
    const problems: string[] = [];
    for (const rel of sumsRels.filter((r) => existsSync(path.join(outDir, r)))) {
      const sig = path.join(outDir, signatureOf(rel));
      if (!existsSync(sig)) {
        problems.push(`unsigned: ${outDir}/${rel}`);
        continue;
      }
      const r = await execa('ssh-keygen', ['-Y', 'verify', '-f', allowed, '-I', 'ccenv', '-n', SIGNATURE_NAMESPACE, '-s', sig], { input: readFileSync(path.join(outDir, rel)), reject: false });
      if (r.exitCode !== 0) problems.push(`signature does not verify with this key: ${outDir}/${signatureOf(rel)}`);
    }
    return problems;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
