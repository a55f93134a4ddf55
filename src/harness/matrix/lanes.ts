// The matrix's rows: a shell on a system. Each Debian lane runs the installer under one shell of the
// Debian rootfs; busybox-only is a system with nothing but busybox; macos is a Darwin-flavoured lane.
import type { RootfsKind } from '../rootfs.js';

export type LaneSystem = RootfsKind | 'host';

export interface Lane {
  id: string;
  /** argv that runs a script (given next as a path, or `-s` for stdin). */
  shell: string[];
  /** Whether `-s -- FLAGS` works (posh has no -s). */
  takesArgsFromStdin: boolean;
  system: LaneSystem;
  note: string;
}

export const LANES: Lane[] = [
  { id: 'dash', shell: ['/usr/bin/dash'], takesArgsFromStdin: true, system: 'debian', note: "Debian's /bin/sh" },
  { id: 'bash', shell: ['/usr/bin/bash'], takesArgsFromStdin: true, system: 'debian', note: 'bash 5.2' },
  { id: 'bash-posix', shell: ['/usr/bin/bash', '--posix'], takesArgsFromStdin: true, system: 'debian', note: 'bash --posix' },
  { id: 'zsh', shell: ['/usr/bin/zsh', '--emulate', 'sh'], takesArgsFromStdin: true, system: 'debian', note: 'zsh --emulate sh' },
  { id: 'ksh93', shell: ['/usr/bin/ksh93'], takesArgsFromStdin: true, system: 'debian', note: 'ksh93u+m' },
  { id: 'mksh', shell: ['/usr/bin/mksh'], takesArgsFromStdin: true, system: 'debian', note: 'mksh R59 (external printf)' },
  { id: 'yash', shell: ['/usr/bin/yash'], takesArgsFromStdin: true, system: 'debian', note: 'yash 2.52' },
  { id: 'posh', shell: ['/usr/bin/posh'], takesArgsFromStdin: false, system: 'debian', note: 'posh 0.14 (no -s)' },
  { id: 'busybox-ash', shell: ['/bin/busybox', 'ash'], takesArgsFromStdin: true, system: 'debian', note: 'busybox ash on Debian' },
  { id: 'busybox-only', shell: ['/bin/sh'], takesArgsFromStdin: true, system: 'busybox', note: 'a system with only busybox (sh, wget, tar, sha256sum)' },
  { id: 'macos', shell: ['/usr/bin/bash', '--posix'], takesArgsFromStdin: true, system: 'host', note: 'uname says Darwin; shasum, no sha256sum; bsdtar as tar' },
];

export function laneById(id: string): Lane {
  const l = LANES.find((x) => x.id === id);
  if (!l) throw new Error(`matrix: unknown lane ${id}`);
  return l;
}
