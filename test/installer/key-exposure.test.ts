// The key never appears on a command line: every external program the installer runs (printf in
// mksh and posh, stty, node, …) is a wrapper that logs its argv, and the log must not hold the key.
import { afterAll, describe, expect, test } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import { allShells, shellByName } from '../../src/harness/shells.js';
import { runInstaller, installerEnv } from '../support/run-installer.js';
import { runInPty } from '../../src/harness/pty.js';
import type { FakeMachine } from '../support/fake-machine.js';
import { repoPath } from '../../src/paths.js';
import { envOf, readyMachine, ZHIPU_SCRIPT } from '../support/installer-machine.js';

const KEY = 'sk-argv-canary-7f3a9c';
const script = ZHIPU_SCRIPT();
const machines: FakeMachine[] = [];
afterAll(() => machines.forEach((m) => m.dispose()));

async function loggedMachine(): Promise<FakeMachine> {
  const m = await readyMachine({ logArgv: true });
  machines.push(m);
  return m;
}

function argvLog(m: FakeMachine): string {
  return existsSync(m.argvLog) ? readFileSync(m.argvLog, 'utf8') : '';
}

describe('the key is never on a command line', () => {
  for (const shell of allShells()) {
    test(`${shell.name}: key from CCENV_API_KEY`, async () => {
      const m = await loggedMachine();
      const r = await runInstaller({ shell, machine: m, script, env: { CCENV_API_KEY: KEY, CCENV_YES: '1' } });
      expect(r.exitCode).toBe(0);
      expect(envOf(m)['ANTHROPIC_AUTH_TOKEN']).toBe(KEY);
      const log = argvLog(m);
      expect(log).toMatch(/\/node -/); // the wrappers did record the programs run
      expect(log).not.toContain(KEY);
    });
  }

  for (const name of ['dash', 'mksh', 'posh']) {
    test(`${name}: key typed at the prompt (printf is external in mksh and posh)`, async () => {
      const m = await loggedMachine();
      const shell = shellByName(name);
      const r = await runInPty(`cat "$SCRIPT" | ${shell.argv.join(' ')}`, {
        env: { ...installerEnv(m), SCRIPT: repoPath('dist', 'zhipu', 'install.sh') },
        answers: [
          { when: 'API key', send: `${KEY}\r` },
          { when: '[y/N]', send: '\r' },
          { when: '[y/N]', send: '\r' }, // the MCP servers
        ],
      });
      expect(r.exitCode).toBe(0);
      expect(envOf(m)['ANTHROPIC_AUTH_TOKEN']).toBe(KEY);
      expect(r.transcript).not.toContain(KEY);
      const log = argvLog(m);
      expect(log).toMatch(/\/stty /);
      expect(log).not.toContain(KEY);
    });
  }
});
