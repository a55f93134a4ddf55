// A profile whose values try to break out of every quoting context: its installer must reproduce
// them exactly in every shell, and pass the same shellcheck gate as the built-in ones.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { existsSync } from 'node:fs';
import { loadProfileFile } from '../../src/profile/load.js';
import { repoPath } from '../../src/paths.js';
import { allShells } from '../../src/harness/shells.js';
import { runInstaller } from '../support/run-installer.js';
import { shellcheck } from '../../src/lint/shellcheck.js';
import type { FakeMachine } from '../support/fake-machine.js';
import { renderForTest } from '../support/render.js';
import { envOf, readyMachine } from '../support/installer-machine.js';

const profile = loadProfileFile(repoPath('test', 'fixtures', 'profiles', 'hostile.yaml'));
let script: string;
const machines: FakeMachine[] = [];

beforeAll(async () => {
  script = await renderForTest(profile);
});
afterAll(() => machines.forEach((m) => m.dispose()));

describe('hostile profile values', () => {
  test('the installer is shellcheck-clean', async () => {
    expect(await shellcheck([{ name: 'hostile/install.sh', text: script }])).toEqual([]);
  });

  for (const shell of allShells()) {
    test(`${shell.name}: display names and env values come out exactly, nothing is executed`, async () => {
      const m = await readyMachine();
      machines.push(m);
      const r = await runInstaller({ shell, machine: m, script, env: { CCENV_API_KEY: 'sk-hostile-123456', CCENV_YES: '1' } });
      expect(r.stderr).toBe('');
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toContain(`Setting up Claude Code for ${profile.name.en}\n`);
      expect(envOf(m)['CCENV_TEST_HOSTILE']).toBe(profile.env['CCENV_TEST_HOSTILE']);
      expect(existsSync('/tmp/pwned')).toBe(false);
      const zh = await runInstaller({ shell, machine: m, script, env: { CCENV_LANG: 'zh' } });
      expect(zh.stderr).toContain(profile.keyUrl);
      expect(zh.stdout).toContain(profile.name.zh);
    });
  }
});
