// A stand-in for the @anthropic-ai/claude-code package (a few hundred bytes instead of ~360 MB):
// same name and version, a `claude` bin answering `--version` like the real one. The matrix installs
// it through npm from the loopback registry in every cell but the golden ones.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { cachePath, ensureCacheDir } from './cache.js';
import { sha1Hex, sha512Integrity } from './npm-pack.js';
import { CLAUDE_CODE_PACKAGE, CLAUDE_CODE_VERSION, type RegistrySnapshot } from './npm-registry.js';

const RECIPE = 1;

const CLI = `#!/usr/bin/env node
// ccenv test stand-in for Claude Code: not the real client.
if (process.argv.includes('--version')) console.log('${CLAUDE_CODE_VERSION} (Claude Code)');
else console.log('claude stand-in: ' + process.argv.slice(2).join(' '));
`;

export async function ensureClaudeStandIn(): Promise<RegistrySnapshot> {
  const dir = await ensureCacheDir(cachePath('registry-stand-in', `${CLAUDE_CODE_VERSION}-r${RECIPE}`), async (tmp) => {
    const pkg = path.join(tmp, 'stage', 'package');
    mkdirSync(pkg, { recursive: true });
    const manifest = { name: CLAUDE_CODE_PACKAGE, version: CLAUDE_CODE_VERSION, description: 'ccenv test stand-in', bin: { claude: 'cli.js' }, engines: { node: '>=18' } };
    writeFileSync(path.join(pkg, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
    writeFileSync(path.join(pkg, 'cli.js'), CLI, { mode: 0o755 });
    const tarball = path.join(tmp, 'package.tgz');
    await execa('tar', ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@1704067200', '-C', path.join(tmp, 'stage'), '-czf', tarball, 'package'], { stdin: 'ignore' });
    const data = readFileSync(tarball);
    writeFileSync(path.join(tmp, 'meta.json'), JSON.stringify({ name: CLAUDE_CODE_PACKAGE, version: CLAUDE_CODE_VERSION, integrity: sha512Integrity(data), shasum: sha1Hex(data), manifest }));
  });
  const meta = JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8')) as Omit<RegistrySnapshot['packages'][number], 'tarball'>;
  return { packages: [{ ...meta, tarball: path.join(dir, 'package.tgz') }] };
}

/** A `claude` already on PATH (the "Node and Claude Code present" machine). */
export const CLAUDE_ON_PATH_SCRIPT = `#!/bin/sh\necho '${CLAUDE_CODE_VERSION} (Claude Code)'\n`;
