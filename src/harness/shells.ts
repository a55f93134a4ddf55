// The POSIX shells an installer must run under, and how to start each as a POSIX sh.
import { existsSync } from 'node:fs';

export interface Shell {
  name: string;
  /** argv prefix that runs a script given next (a path, or -s for stdin). */
  argv: string[];
  binary: string;
  /** posh has no -s: under `curl | posh` the installer gets no flags (use CCENV_YES etc.). */
  takesArgsFromStdin: boolean;
}

const CANDIDATES: Shell[] = [
  { name: 'dash', binary: '/usr/bin/dash', argv: ['/usr/bin/dash'], takesArgsFromStdin: true },
  { name: 'bash', binary: '/usr/bin/bash', argv: ['/usr/bin/bash'], takesArgsFromStdin: true },
  { name: 'bash-posix', binary: '/usr/bin/bash', argv: ['/usr/bin/bash', '--posix'], takesArgsFromStdin: true },
  { name: 'zsh', binary: '/usr/bin/zsh', argv: ['/usr/bin/zsh', '--emulate', 'sh'], takesArgsFromStdin: true },
  { name: 'ksh93', binary: '/bin/ksh93', argv: ['/bin/ksh93'], takesArgsFromStdin: true },
  { name: 'mksh', binary: '/usr/bin/mksh', argv: ['/usr/bin/mksh'], takesArgsFromStdin: true },
  { name: 'yash', binary: '/usr/bin/yash', argv: ['/usr/bin/yash'], takesArgsFromStdin: true },
  { name: 'posh', binary: '/usr/bin/posh', argv: ['/usr/bin/posh'], takesArgsFromStdin: false },
  { name: 'busybox-ash', binary: '/bin/busybox', argv: ['/bin/busybox', 'ash'], takesArgsFromStdin: true },
];

export function allShells(): Shell[] {
  return CANDIDATES;
}

/** Shells missing on this machine (make deps installs them). */
export function missingShells(): string[] {
  return CANDIDATES.filter((s) => !existsSync(s.binary)).map((s) => s.name);
}

export function shellByName(name: string): Shell {
  const s = CANDIDATES.find((c) => c.name === name);
  if (!s) throw new Error(`unknown shell ${name}`);
  return s;
}
