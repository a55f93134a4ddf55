// Claude Code on a fake machine as `npm install -g` leaves it, its prefix the machine's root (whose
// bin/ is first on PATH): bin/claude links to lib/node_modules/@anthropic-ai/claude-code/bin/claude.exe,
// which the postinstall replaced by a hard link to the platform package's native binary — or, when
// npm skipped that package, is still npm's stub that fails. The "native binary" here is a script
// (over 4 KB, like any real one) that answers --version and logs each run to the machine's argv log.
import { linkSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FakeMachine } from '../support/fake-machine.js';
import { CLAUDE_CODE_VERSION } from '../../src/harness/npm-registry.js';

/** The stub @anthropic-ai/claude-code ships as bin/claude.exe (its first lines, as published), logging its runs. */
function npmStub(log: string): string {
  return `echo "claude $*" >>'${log}'\necho "Error: claude native binary not installed." >&2\necho "Either postinstall did not run (--ignore-scripts, some pnpm configs)" >&2\nexit 1\n`;
}

function nativeStandIn(log: string): string {
  const padding = `# ${'padding so the file is as large as a binary, not a stub '.repeat(80)}\n`;
  return `#!/bin/sh\necho "claude $*" >>'${log}'\necho '${CLAUDE_CODE_VERSION} (Claude Code)'\nexit 0\n${padding}`;
}

/** Replaces the machine's `claude` with npm's layout; `native: false` leaves npm's stub in place. */
export function addNpmClaude(m: FakeMachine, o: { native: boolean }): void {
  const scope = path.join(m.root, 'lib', 'node_modules', '@anthropic-ai');
  const wrapper = path.join(scope, 'claude-code');
  mkdirSync(path.join(wrapper, 'bin'), { recursive: true });
  writeFileSync(path.join(wrapper, 'package.json'), JSON.stringify({ name: '@anthropic-ai/claude-code', version: CLAUDE_CODE_VERSION, bin: { claude: 'bin/claude.exe' } }, null, 2) + '\n');
  const exe = path.join(wrapper, 'bin', 'claude.exe');
  if (o.native) {
    const platform = path.join(scope, 'claude-code-linux-x64');
    mkdirSync(platform, { recursive: true });
    writeFileSync(path.join(platform, 'claude'), nativeStandIn(m.argvLog), { mode: 0o755 });
    linkSync(path.join(platform, 'claude'), exe);
  } else {
    writeFileSync(exe, npmStub(m.argvLog), { mode: 0o755 });
  }
  rmSync(path.join(m.bin, 'claude'), { force: true });
  symlinkSync('../lib/node_modules/@anthropic-ai/claude-code/bin/claude.exe', path.join(m.bin, 'claude'));
}
