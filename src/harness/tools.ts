// The host programs a scenario's bare machine may have: POSIX utilities, and separately the
// download, archive and checksum tools (a fake machine leaves those out on purpose).
export const BASIC_TOOLS = [
  'sh', 'cat', 'uname', 'id', 'stty', 'printf', 'env', 'mkdir', 'rm', 'rmdir', 'ls', 'sed', 'grep', 'tr', 'head', 'tail',
  'mktemp', 'chmod', 'mv', 'cp', 'ln', 'dirname', 'basename', 'sleep', 'tty', 'test', '[', 'expr', 'wc', 'sort', 'uniq',
  'cut', 'awk', 'find', 'readlink', 'touch', 'date', 'tee', 'true', 'false', 'kill', 'cmp',
];

export const DOWNLOAD_TOOLS = ['curl', 'wget', 'tar', 'gzip', 'xz', 'sha256sum', 'openssl'];
