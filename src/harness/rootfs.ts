// Root file systems for the sandboxed matrix, built once and cached under ~/.cache/ccenv/rootfs:
//   debian       Debian 12 minbase + curl, ca-certificates, xz-utils, wget and every test shell
//   debian-wget  the same without curl and without xz-utils (dpkg --purge'd from a copy)
//   busybox      busybox only (every applet a symlink), on glibc so Node.js builds can run
// Each is what a user's machine would be: nothing of the host but what is listed. The sandbox binds
// its own files (hosts, CA bundle, the runner) over placeholders made here.
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { cachePath, ensureCacheDir } from './cache.js';

export type RootfsKind = 'debian' | 'debian-wget' | 'busybox';
export const ROOTFS_KINDS: RootfsKind[] = ['debian', 'debian-wget', 'busybox'];

/** Bumped when a recipe changes, so an old cache is not reused. */
const RECIPE = 1;
const SUITE = 'bookworm';
const MIRROR = process.env.CCENV_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
/** Shells come from the rootfs itself (Debian's packages), like on a user's machine. */
const DEBIAN_PACKAGES = ['ca-certificates', 'curl', 'xz-utils', 'wget', 'zsh', 'ksh', 'mksh', 'yash', 'posh', 'busybox'];

/** The unprivileged user of the "run as a normal user" scenario. */
export const SANDBOX_USER = { name: 'user', uid: 1000, gid: 1000 };

export function rootfsPath(kind: RootfsKind): string {
  return cachePath('rootfs', `${kind}-r${RECIPE}`);
}

function needRoot(what: string): void {
  if (process.getuid?.() !== 0) {
    throw new Error(`rootfs: building ${what} needs root (debootstrap and chroot). Run the tests as root, or build it once with sudo: sudo make deps`);
  }
}

/** Placeholders the sandbox binds over, and the sandbox user (the rootfs is mounted read-only). */
function finish(root: string): void {
  for (const d of ['etc/ssl/certs', 'home', 'tmp', 'run', 'root', 'proc', 'dev']) mkdirSync(path.join(root, d), { recursive: true });
  chmodSync(path.join(root, 'tmp'), 0o1777);
  for (const f of ['etc/hosts', 'etc/ssl/certs/ca-certificates.crt']) {
    const p = path.join(root, f);
    if (!existsSync(p)) writeFileSync(p, '');
  }
  const passwd = path.join(root, 'etc/passwd');
  const group = path.join(root, 'etc/group');
  const { name, uid, gid } = SANDBOX_USER;
  if (!existsSync(passwd) || !readFileSync(passwd, 'utf8').includes(`\n${name}:`)) {
    writeFileSync(passwd, `${existsSync(passwd) ? readFileSync(passwd, 'utf8') : 'root:x:0:0:root:/root:/bin/sh\n'}${name}:x:${uid}:${gid}::/home/${name}:/bin/sh\n`);
    writeFileSync(group, `${existsSync(group) ? readFileSync(group, 'utf8') : 'root:x:0:\n'}${name}:x:${gid}:\n`);
  }
}

async function buildDebian(tmp: string): Promise<void> {
  needRoot('the Debian root file system');
  const started = Date.now();
  process.stderr.write(`rootfs: debootstrap ${SUITE} minbase into the cache (about a minute, once)\n`);
  const r = await execa('debootstrap', ['--variant=minbase', `--include=${DEBIAN_PACKAGES.join(',')}`, SUITE, tmp, MIRROR], {
    reject: false,
    stdin: 'ignore',
    all: true,
  });
  if (r.exitCode !== 0) {
    const log = existsSync(path.join(tmp, 'debootstrap/debootstrap.log')) ? readFileSync(path.join(tmp, 'debootstrap/debootstrap.log'), 'utf8').slice(-3000) : '';
    throw new Error(`rootfs: debootstrap failed (${r.exitCode}); is ${MIRROR} reachable (CCENV_DEBIAN_MIRROR)?\n${String(r.all).slice(-3000)}\n${log}`);
  }
  await execa('sh', ['-c', 'rm -rf "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/*', 'sh', tmp]);
  finish(tmp);
  process.stderr.write(`rootfs: debian built in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
}

async function buildDebianWget(tmp: string): Promise<void> {
  needRoot('the wget-only Debian root file system');
  const base = await ensureRootfs('debian');
  await execa('cp', ['-a', `${base}/.`, tmp]);
  const r = await execa('chroot', [tmp, 'dpkg', '--purge', 'curl', 'xz-utils'], { reject: false, stdin: 'ignore', all: true, env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } });
  if (r.exitCode !== 0) throw new Error(`rootfs: dpkg --purge curl xz-utils failed:\n${String(r.all)}`);
  for (const gone of ['usr/bin/curl', 'usr/bin/xz']) if (existsSync(path.join(tmp, gone))) throw new Error(`rootfs: ${gone} is still there`);
}

/** The shared libraries a binary loads (its ldd list), host paths. */
async function sharedLibraries(binary: string): Promise<string[]> {
  const r = await execa('ldd', [binary], { reject: false, stdin: 'ignore' });
  const libs: string[] = [];
  for (const line of String(r.stdout).split('\n')) {
    const m = /(\/\S+) \(0x/.exec(line);
    if (m) libs.push(m[1] as string);
  }
  return libs;
}

async function buildBusybox(tmp: string): Promise<void> {
  const busybox = ['/usr/bin/busybox', '/bin/busybox'].find((p) => existsSync(p));
  if (!busybox) throw new Error('rootfs: busybox is missing: run `make deps` (apt-get install busybox)');
  for (const d of ['bin', 'sbin', 'usr/bin', 'usr/sbin', 'lib64', 'lib/x86_64-linux-gnu', 'etc']) mkdirSync(path.join(tmp, d), { recursive: true });
  copyFileSync(busybox, path.join(tmp, 'bin/busybox'));
  chmodSync(path.join(tmp, 'bin/busybox'), 0o755);
  // `busybox --install -s`, done from the host: each applet a symlink at its usual place.
  const list = await execa(busybox, ['--list-full'], { stdin: 'ignore' });
  for (const rel of String(list.stdout).split('\n').filter(Boolean)) {
    const dest = path.join(tmp, rel);
    if (rel === 'bin/busybox' || existsSync(dest)) continue;
    mkdirSync(path.dirname(dest), { recursive: true });
    symlinkSync('/bin/busybox', dest);
  }
  // glibc and the C++ runtime: what busybox and an official Node.js build load, nothing else.
  const libs = new Set<string>();
  // (and the harness's own helpers, util-linux script and setpriv, bound in at run time)
  for (const bin of [busybox, process.execPath, '/usr/bin/script', '/usr/bin/setpriv']) for (const l of await sharedLibraries(bin)) libs.add(l);
  for (const lib of libs) {
    const dest = lib.startsWith('/lib64/') ? path.join(tmp, lib) : path.join(tmp, 'lib/x86_64-linux-gnu', path.basename(lib));
    copyFileSync(realpathSync(lib), dest);
  }
  writeFileSync(path.join(tmp, 'etc/os-release'), 'NAME="busybox-only"\nID=busybox\n');
  finish(tmp);
}

const BUILDERS: Record<RootfsKind, (tmp: string) => Promise<void>> = {
  debian: buildDebian,
  'debian-wget': buildDebianWget,
  busybox: buildBusybox,
};

/** The root file system of this kind, built first when it is not cached. */
export async function ensureRootfs(kind: RootfsKind): Promise<string> {
  const dir = rootfsPath(kind);
  return ensureCacheDir(dir, async (tmp) => {
    await BUILDERS[kind](tmp);
    chmodSync(tmp, 0o755);
  });
}
