// A small npm package made from files on the spot and packed as npm packs (package/ at the top),
// for the loopback registry: e.g. a stand-in for a provider's MCP server that Claude Code starts
// with `npx -y <name>`. Built in a folder the caller owns, not the cache: it takes milliseconds.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { sha1Hex, sha512Integrity } from './npm-pack.js';
import type { RegistryPackage } from './npm-registry.js';

export interface LocalPackageSpec {
  /** package.json (name and version required). */
  manifest: { name: string; version: string } & Record<string, unknown>;
  /** Files by path inside the package; executable ones (bins) with mode 0o755. */
  files: Record<string, { text: string; mode?: number }>;
}

/** Packs the package into `dir` (which must exist) and returns it as the registry serves it. */
export async function localPackage(dir: string, spec: LocalPackageSpec): Promise<RegistryPackage> {
  const stage = path.join(dir, 'stage');
  const pkg = path.join(stage, 'package');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(path.join(pkg, 'package.json'), JSON.stringify(spec.manifest, null, 2) + '\n');
  for (const [name, f] of Object.entries(spec.files)) {
    mkdirSync(path.dirname(path.join(pkg, name)), { recursive: true });
    writeFileSync(path.join(pkg, name), f.text, { mode: f.mode ?? 0o644 });
  }
  const tarball = path.join(dir, `${spec.manifest.name.replace('/', '+')}-${spec.manifest.version}.tgz`);
  // fixed owner and times: the same files give the same bytes, so the same integrity
  await execa('tar', ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@1704067200', '-C', stage, '-czf', tarball, 'package'], { stdin: 'ignore' });
  const data = readFileSync(tarball);
  return { name: spec.manifest.name, version: spec.manifest.version, tarball, integrity: sha512Integrity(data), shasum: sha1Hex(data), manifest: spec.manifest };
}
