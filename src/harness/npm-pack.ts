// Downloads one package version from the npm registry with the host's own npm (`npm pack`), so the
// host's registry, proxy and CA settings apply, and checks the tarball against npm's integrity.
import { createHash } from 'node:crypto';
import { readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';

export interface PackedTarball {
  name: string;
  version: string;
  file: string;
  integrity: string;
  shasum: string;
}

interface PackJson {
  id: string;
  name: string;
  version: string;
  filename: string;
  integrity: string;
  shasum: string;
}

export function sha512Integrity(data: Buffer): string {
  return `sha512-${createHash('sha512').update(data).digest('base64')}`;
}

export function sha1Hex(data: Buffer): string {
  return createHash('sha1').update(data).digest('hex');
}

/** `npm pack <spec>` into `destDir`, renamed to `destName`; verified against npm's integrity. */
export async function npmPack(spec: string, destDir: string, destName = 'package.tgz'): Promise<PackedTarball> {
  const r = await execa('npm', ['pack', spec, '--json', '--ignore-scripts', '--pack-destination', destDir, '--loglevel', 'error'], {
    cwd: destDir,
    stdin: 'ignore',
    reject: false,
    env: { npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' },
  });
  if (r.exitCode !== 0) throw new Error(`npm pack ${spec} failed (${r.exitCode}):\n${r.stderr}`);
  const out = JSON.parse(String(r.stdout)) as PackJson[];
  const info = out[0];
  if (!info) throw new Error(`npm pack ${spec}: no output`);
  const file = path.join(destDir, destName);
  renameSync(path.join(destDir, info.filename), file);
  const data = readFileSync(file);
  const integrity = sha512Integrity(data);
  if (integrity !== info.integrity) throw new Error(`npm pack ${spec}: integrity mismatch (${integrity} vs ${info.integrity})`);
  return { name: info.name, version: info.version, file, integrity, shasum: sha1Hex(data) };
}

/** Reads `<root>/package.json` from a package tarball (the root folder's name varies). */
export async function tarballManifest(file: string): Promise<Record<string, unknown>> {
  // Nearly every tarball uses `package/`; list the entries only when it does not.
  let r = await execa('tar', ['-xzOf', file, 'package/package.json'], { stdin: 'ignore', reject: false });
  if (r.exitCode !== 0) {
    const list = await execa('tar', ['-tzf', file], { stdin: 'ignore' });
    const entry = String(list.stdout)
      .split('\n')
      .find((l) => /^[^/]+\/package\.json$/.test(l));
    if (!entry) throw new Error(`${file}: no package.json at the top of the tarball`);
    r = await execa('tar', ['-xzOf', file, entry], { stdin: 'ignore' });
  }
  return JSON.parse(String(r.stdout)) as Record<string, unknown>;
}
