// Public images for container engines: the generated Containerfiles, and the debian:12 recipe
// built for real with podman from a local stand-in base (no registry here: the harness's own
// Debian 12 rootfs, imported), then a smoke set of matrix cells run in it.
import { describe, expect, test } from 'vitest';
import { expandMatrix } from '../../src/harness/matrix/cells.js';
import { runMatrix } from '../../src/harness/matrix/run.js';
import { subjectOf } from '../../src/harness/matrix/subject.js';
import { resolveProfile } from '../../src/profile/load.js';
import { containerfile, imageTag, PUBLIC_IMAGE_NAMES, PUBLIC_IMAGES } from '../../src/harness/images.js';
import { ensureRootfs } from '../../src/harness/rootfs.js';
import { bwrapRunner, detectRunners, podmanRunner, rootfsImage } from '../../src/harness/runners.js';
import { repoPath } from '../../src/paths.js';

const ZHIPU = subjectOf(resolveProfile('zhipu'));

const podman = (await detectRunners()).find((s) => s.name === 'podman')!;
const imageCells = () => expandMatrix().cells.filter((c) => c.lane.startsWith('img-'));

describe('public image recipes', () => {
  test('the four images of the issue, each provisioned with a downloader, xz, the sandbox user and CA placeholders', () => {
    expect(PUBLIC_IMAGE_NAMES).toEqual(['debian:12', 'ubuntu:24.04', 'fedora:41', 'alpine:3']);
    for (const [name, recipe] of Object.entries(PUBLIC_IMAGES)) {
      const file = containerfile(recipe);
      expect(file.split('\n')[0], name).toBe(`FROM ${name}`);
      expect(file, name).toMatch(/curl/);
      expect(file, name).toMatch(/\bxz/);
      expect(file, name).toContain("user:x:1000:1000::/home/user:/bin/sh");
      expect(file, name).toContain(`touch ${recipe.caBundle}`);
      expect(file, name).toContain('RUN touch /etc/hosts');
    }
    // the harness's node on alpine is moved off PATH, so the machine under test has none
    expect(containerfile(PUBLIC_IMAGES['alpine:3']!)).toContain('mv /usr/bin/node /opt/ccenv-node');
    expect(PUBLIC_IMAGES['alpine:3']!.runnerNode).toBe('/opt/ccenv-node');
    // a local base changes FROM and the tag, never the provisioning
    const local = containerfile(PUBLIC_IMAGES['debian:12']!, 'localhost/base:1');
    expect(local.split('\n').slice(1)).toEqual(containerfile(PUBLIC_IMAGES['debian:12']!).split('\n').slice(1));
    expect(imageTag(PUBLIC_IMAGES['debian:12']!, 'localhost/base:1')).not.toBe(imageTag(PUBLIC_IMAGES['debian:12']!));
  });

  test('under bwrap, image lanes are not executed, each with its reason', async () => {
    const cells = imageCells().filter((c) => c.scenario === 'musl' || c.lane === 'img-fedora-41');
    const run = await runMatrix({ subject: ZHIPU, runner: bwrapRunner, cells, dist: repoPath('dist') });
    expect(run.results.length).toBe(cells.length);
    for (const r of run.results) {
      expect(r.status, r.id).toBe('not-executed');
      expect(r.problems[0], r.id).toMatch(/public images need a container engine: ccenv test --sandbox podman\|docker --images (fedora:41|alpine:3)/);
    }
    // runMatrix prepares its fixtures first: minutes on a fresh machine's empty cache, seconds after.
  }, 900_000);

  test.skipIf(!podman.available)('podman builds debian:12 from a local base; the smoke cells pass under its /bin/sh', async () => {
    const base = await rootfsImage('podman', await ensureRootfs('debian'));
    const cells = imageCells().filter((c) => c.lane === 'img-debian-12');
    expect(cells.map((c) => c.scenario).sort()).toEqual(['fresh', 'invalid-settings', 'key-at-pty', 'node-and-claude']);
    const run = await runMatrix({ subject: ZHIPU, runner: podmanRunner, cells, dist: repoPath('dist'), images: ['debian:12'], imageBases: { 'debian:12': base }, concurrency: 2 });
    expect(run.results.map((r) => [r.id, r.status, r.problems]).sort()).toEqual(cells.map((c) => [c.id, 'pass', []]).sort());
  }, 900_000);
});
