// The matrix's rows: a shell on a system. Each Debian lane runs the installer under one shell of the
// Debian rootfs; busybox-only is a system with nothing but busybox; macos is a Darwin-flavoured lane.
import { ROOTFS_KINDS, type RootfsKind } from '../rootfs.js';

/** A rootfs of rootfs.ts, the host's root (macOS lane), a public image (images.ts), or Wine (the cmd lane: wine-cells.ts, no sandbox). */
export type LaneSystem = RootfsKind | 'host' | `image:${string}` | 'wine';

export interface Lane {
  id: string;
  /** argv that runs a script (given next as a path, or `-s` for stdin). */
  shell: string[];
  /** Whether `-s -- FLAGS` works (posh has no -s). */
  takesArgsFromStdin: boolean;
  system: LaneSystem;
  note: string;
  /** The script the lane runs (default install.sh); its scenarios come from lane-scenarios.ts. */
  installer?: 'install.ps1';
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
  // install.ps1 under the host's PowerShell 7 over the host root (bwrap only; not executed without pwsh).
  { id: 'pwsh', shell: ['pwsh'], takesArgsFromStdin: false, system: 'host', note: 'install.ps1 under pwsh 7 on Linux', installer: 'install.ps1' },
  // install.cmd under Wine's cmd.exe, outside any sandbox: wine-cells.ts runs these cells, one at a time.
  { id: 'cmd', shell: ['cmd', '/c'], takesArgsFromStdin: false, system: 'wine', note: "install.cmd under Wine's cmd.exe (Windows node.exe, curl/tar/certutil shims)" },
  { id: 'macos', shell: ['/usr/bin/bash', '--posix'], takesArgsFromStdin: true, system: 'host', note: 'uname says Darwin; shasum, no sha256sum; bsdtar as tar' },
  // Public images as shipped, under their own /bin/sh (dash, dash, bash, busybox ash): container
  // engines only (a user's CI, or --images here with a local stand-in base).
  { id: 'img-debian-12', shell: ['/bin/sh'], takesArgsFromStdin: true, system: 'image:debian:12', note: 'debian:12 image, /bin/sh = dash' },
  { id: 'img-ubuntu-24.04', shell: ['/bin/sh'], takesArgsFromStdin: true, system: 'image:ubuntu:24.04', note: 'ubuntu:24.04 image, /bin/sh = dash' },
  { id: 'img-fedora-41', shell: ['/bin/sh'], takesArgsFromStdin: true, system: 'image:fedora:41', note: 'fedora:41 image, /bin/sh = bash' },
  { id: 'img-alpine-3', shell: ['/bin/sh'], takesArgsFromStdin: true, system: 'image:alpine:3', note: 'alpine:3 image (musl), /bin/sh = busybox ash' },
];

/** The root file system (rootfs.ts) a system is, if it is one. */
export function rootfsKind(system: LaneSystem): RootfsKind | undefined {
  return (ROOTFS_KINDS as string[]).includes(system) ? (system as RootfsKind) : undefined;
}

/** The public image a lane runs in, if any. */
export function laneImage(lane: Lane): string | undefined {
  return lane.system.startsWith('image:') ? lane.system.slice('image:'.length) : undefined;
}

export function laneById(id: string): Lane {
  const l = LANES.find((x) => x.id === id);
  if (!l) throw new Error(`matrix: unknown lane ${id}`);
  return l;
}
