// SHA256SUMS per folder, in the format `sha256sum -c` reads, and its optional signature made with
// `ssh-keygen -Y sign` (verified with `ssh-keygen -Y verify` and an allowed-signers line).
import { createHash } from 'node:crypto';

export const SUMS_FILE = 'SHA256SUMS';
export const SIGNATURE_FILE = 'SHA256SUMS.sig';
/** The namespace a signature is made for, so it cannot be replayed as another kind of file. */
export const SIGNATURE_NAMESPACE = 'ccenv-sha256sums';

export function sha256Hex(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/** `<hash>  <name>` lines, sorted by name (text mode, as sha256sum prints them). */
export function sumsText(files: Map<string, string | Buffer>): string {
  return [...files.keys()]
    .sort()
    .map((name) => `${sha256Hex(files.get(name) as string | Buffer)}  ${name}\n`)
    .join('');
}

/** Signs a SHA256SUMS file in place (writes SHA256SUMS.sig beside it) with an SSH private key. */
export async function signSums(sumsPath: string, privateKey: string): Promise<void> {
  const { execa } = await import('execa'); // loaded only to sign: a plain build does not pay for it
  const r = await execa('ssh-keygen', ['-q', '-Y', 'sign', '-f', privateKey, '-n', SIGNATURE_NAMESPACE, sumsPath], { reject: false, stdin: 'ignore' });
  if (r.exitCode !== 0) throw new Error(`ssh-keygen -Y sign ${sumsPath} failed (exit ${r.exitCode ?? '?'}): ${r.stderr.trim() || r.shortMessage}`);
}
