// A throwaway "machine" for running an installer without a sandbox: its own HOME and a PATH
// holding only basic utilities plus the node and claude a scenario wants.
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BASIC_TOOLS, findProgram } from '../../src/harness/tools.js';


export interface MachineOptions {
  /** Every external command on PATH records its argv in `argvLog` (to prove a secret never is one). */
  logArgv?: boolean;
}

/** A wrapper that appends its argv to a log, then runs the real program. */
function argvLogger(real: string, log: string): string {
  return `#!/bin/sh\necho "$0 $*" >>'${log}'\nexec '${real}' "$@"\n`;
}

export interface FakeMachine {
  root: string;
  home: string;
  bin: string;
  /** PATH for the installer: bin first, then the linked utilities. */
  path: string;
  /** With logArgv: one line per external command run, "<program> <args>". */
  argvLog: string;
  addNode(binary: string): void;
  addClaudeStandIn(): void;
  addExecutable(name: string, script: string): void;
  dispose(): void;
}


export function createFakeMachine(opts: MachineOptions = {}): FakeMachine {
  const root = mkdtempSync(path.join(tmpdir(), 'ccenv-machine-'));
  const home = path.join(root, 'home');
  const bin = path.join(root, 'bin');
  const sysbin = path.join(root, 'sysbin');
  const argvLog = path.join(root, 'argv.log');
  for (const d of [home, bin, sysbin]) mkdirSync(d);
  // No downloader: a fake machine cannot fetch Node.js, so those paths fail honestly and offline.
  for (const name of BASIC_TOOLS) {
    const p = findProgram(name);
    if (!p) continue;
    if (opts.logArgv && name !== 'sh') writeFileSync(path.join(sysbin, name), argvLogger(p, argvLog), { mode: 0o755 });
    else symlinkSync(p, path.join(sysbin, name));
  }
  const addExecutable = (name: string, script: string) => {
    writeFileSync(path.join(bin, name), script, { mode: 0o755 });
  };
  return {
    root,
    home,
    bin,
    path: `${bin}:${sysbin}`,
    argvLog,
    addNode: (binary) =>
      opts.logArgv
        ? writeFileSync(path.join(bin, 'node'), argvLogger(binary, argvLog), { mode: 0o755 })
        : symlinkSync(binary, path.join(bin, 'node')),
    addClaudeStandIn: () =>
      addExecutable('claude', `#!/bin/sh\necho "$0 $*" >>'${argvLog}'\necho "2.1.330 (Claude Code)"\n`),
    addExecutable,
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}
