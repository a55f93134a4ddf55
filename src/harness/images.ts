// Public container images for the matrix on a container engine (a user's CI): debian:12,
// ubuntu:24.04, alpine:3 and fedora:41 are provisioned by a generated Containerfile (curl, xz, the
// shells the distribution packages, the sandbox user) and built once per engine. Here, with no
// registry, the engine is given a local stand-in for a base (the harness's Debian rootfs tagged
// debian:12) — see test/harness/images.test.ts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { shortHash } from './cache.js';
import { SANDBOX_USER } from './rootfs.js';

export interface ImageRecipe {
  /** The public image it starts from. */
  base: string;
  /** Shell lines run as root while building. */
  provision: string[];
  /** Where curl and wget read the system CA bundle (the sandbox binds the test CA's bundle there). */
  caBundle: string;
  /** The node that runs the harness inside: the host's (glibc) or the image's own (musl). */
  runnerNode: 'host' | string;
  /** util-linux script and setpriv for the harness: the host's, or the image's own. */
  helpers: 'host' | { script: string; setpriv: string };
  /** Official Node.js builds do not run here (musl): the installer must stop with exit 6. */
  musl?: boolean;
}

const USER = `${SANDBOX_USER.name}:x:${SANDBOX_USER.uid}:${SANDBOX_USER.gid}::/home/${SANDBOX_USER.name}:/bin/sh`;
const ADD_USER = `grep -q '^${SANDBOX_USER.name}:' /etc/passwd || { echo '${USER}' >>/etc/passwd && echo '${SANDBOX_USER.name}:x:${SANDBOX_USER.gid}:' >>/etc/group; }`;

/** Debian and Ubuntu: the same packages by the same names. */
function aptRecipe(base: string): ImageRecipe {
  return {
    base,
    provision: [
      'apt-get update -qq',
      'DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ca-certificates curl xz-utils zsh ksh mksh yash posh busybox >/dev/null',
      'rm -rf /var/lib/apt/lists/*',
    ],
    caBundle: '/etc/ssl/certs/ca-certificates.crt',
    runnerNode: 'host',
    helpers: 'host',
  };
}

export const PUBLIC_IMAGES: Record<string, ImageRecipe> = {
  'debian:12': aptRecipe('debian:12'),
  'ubuntu:24.04': aptRecipe('ubuntu:24.04'),
  'fedora:41': {
    base: 'fedora:41',
    provision: ['dnf install -y -q curl xz zsh ksh mksh yash busybox util-linux-script', 'dnf clean all'],
    caBundle: '/etc/pki/tls/certs/ca-bundle.crt',
    runnerNode: 'host',
    helpers: 'host',
  },
  'alpine:3': {
    base: 'alpine:3',
    // The harness's node is moved off PATH: the machine under test has no Node.js.
    provision: ['apk add --no-cache ca-certificates curl xz bash zsh mksh yash nodejs util-linux-misc setpriv', 'mv /usr/bin/node /opt/ccenv-node'],
    caBundle: '/etc/ssl/certs/ca-certificates.crt',
    runnerNode: '/opt/ccenv-node',
    helpers: { script: '/usr/bin/script', setpriv: '/usr/bin/setpriv' },
    musl: true,
  },
};

export const PUBLIC_IMAGE_NAMES = Object.keys(PUBLIC_IMAGES);

export function imageRecipe(name: string): ImageRecipe {
  const r = PUBLIC_IMAGES[name];
  if (!r) throw new Error(`unknown image ${name}: choose ${PUBLIC_IMAGE_NAMES.join(', ')}`);
  return r;
}

/** The Containerfile that provisions `recipe` (FROM may name a local stand-in of the base). */
export function containerfile(recipe: ImageRecipe, from: string = recipe.base): string {
  const run = [...recipe.provision, ADD_USER, 'touch /etc/hosts', `mkdir -p /home /run "$(dirname ${recipe.caBundle})"`, `touch ${recipe.caBundle}`];
  return [`FROM ${from}`, ...run.map((line) => `RUN ${line}`), ''].join('\n');
}

export function imageTag(recipe: ImageRecipe, from: string = recipe.base): string {
  return `localhost/ccenv-${recipe.base.replace(/[^a-z0-9]+/g, '-')}:${shortHash(containerfile(recipe, from)).slice(0, 12)}`;
}

/**
 * Builds the provisioned image with `engine` unless it exists; returns its tag. `from` replaces the
 * base (a local image, when no registry is reachable); pulling is then never attempted.
 */
export async function ensurePublicImage(engine: 'podman' | 'docker', name: string, opts: { from?: string; env?: Record<string, string> } = {}): Promise<string> {
  const recipe = imageRecipe(name);
  const tag = imageTag(recipe, opts.from);
  const env = opts.env ?? {};
  if ((await execa(engine, ['image', 'inspect', tag], { reject: false, stdin: 'ignore', env })).exitCode === 0) return tag;
  const ctx = mkdtempSync(path.join(tmpdir(), 'ccenv-image-'));
  try {
    writeFileSync(path.join(ctx, 'Containerfile'), containerfile(recipe, opts.from));
    const args = ['build', '-t', tag, '-f', path.join(ctx, 'Containerfile'), ...(opts.from ? ['--pull=never'] : []), ctx];
    const r = await execa(engine, args, { reject: false, stdin: 'ignore', env, all: true });
    if (r.exitCode !== 0) throw new Error(`${engine} build of ${name} failed:\n${String(r.all).slice(-3000)}`);
  } finally {
    rmSync(ctx, { recursive: true, force: true });
  }
  return tag;
}
