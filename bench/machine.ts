// What the figures were measured on: CPU, cores, memory, kernel, Node, the load while measuring.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface MachineInfo {
  date: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  os: string;
  node: string;
  tools: Record<string, string>;
  /** 1-minute load average when the run began and ended (other work on the machine skews figures). */
  loadAtStart: number;
  loadAtEnd?: number;
}

function firstLine(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n')[0]?.trim() ?? '';
  } catch {
    return 'not installed';
  }
}

function osName(): string {
  try {
    const m = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(readFileSync('/etc/os-release', 'utf8'));
    return m?.[1] ?? os.type();
  } catch {
    return os.type();
  }
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    kernel: `${os.type()} ${os.release()} ${os.machine()}`,
    os: osName(),
    node: process.version,
    tools: {
      dash: firstLine('dpkg-query', ['-W', '-f', '${Version}', 'dash']),
      shellcheck: firstLine('shellcheck', ['--version']) === 'not installed' ? 'not installed' : (execFileSync('shellcheck', ['--version'], { encoding: 'utf8' }).match(/version: (\S+)/)?.[1] ?? '?'),
      bwrap: firstLine('bwrap', ['--version']),
      podman: firstLine('podman', ['--version']),
      strace: firstLine('strace', ['-V']),
    },
    loadAtStart: os.loadavg()[0] ?? 0,
  };
}
