// The host programs a scenario's bare machine may have: POSIX utilities, and separately the
// download, archive and checksum tools (a fake machine leaves those out on purpose).
import { existsSync } from 'node:fs';
import path from 'node:path';

export const BASIC_TOOLS = [
  'sh', 'cat', 'uname', 'id', 'stty', 'printf', 'env', 'mkdir', 'rm', 'rmdir', 'ls', 'sed', 'grep', 'tr', 'head', 'tail',
  'mktemp', 'chmod', 'mv', 'cp', 'ln', 'dirname', 'basename', 'sleep', 'tty', 'test', '[', 'expr', 'wc', 'sort', 'uniq',
  'cut', 'awk', 'find', 'readlink', 'touch', 'date', 'tee', 'true', 'false', 'kill', 'cmp',
];

export const DOWNLOAD_TOOLS = ['curl', 'wget', 'tar', 'gzip', 'xz', 'sha256sum', 'openssl'];

const BIN_DIRS = ['/usr/local/bin', '/usr/bin', '/bin', '/usr/sbin', '/sbin'];

/**
 * Where `name` is among the usual bin folders of `root` (the host's by default, or a rootfs), as a
 * path inside that root; undefined when it is in none.
 */
export function findProgram(name: string, root = ''): string | undefined {
  return BIN_DIRS.map((dir) => path.join(dir, name)).find((p) => existsSync(root + p));
}
