// What a hostile network and a bare machine do to `curl … | sh`: a download cut short must run
// nothing; --dry-run on a machine without Node must change nothing and say what it would do.
import { describe, expect, test } from 'vitest';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { allShells, shellByName } from '../../src/harness/shells.js';
import { runInstaller } from '../support/run-installer.js';
import { readyMachines, snapshotTree, ZHIPU_SCRIPT } from '../support/installer-machine.js';
import { CN_MIRRORS } from '../../src/harness/sites.js';

const machine = readyMachines();
const script = ZHIPU_SCRIPT();

describe('a truncated download runs nothing', () => {
  // Cut points spread over the whole script, including inside the configure program's here-document.
  const cuts = Array.from({ length: 12 }, (_, i) => Math.floor(((i + 0.5) / 12) * script.length));
  for (const shell of allShells()) {
    test(`${shell.name}: ${cuts.length} cut points, no file written, never a success`, async () => {
      const m = await machine();
      for (const cut of cuts) {
        const r = await runInstaller({ shell, machine: m, script: script.slice(0, cut), env: { CCENV_API_KEY: 'sk-trunc-123456', CCENV_YES: '1' } });
        expect(r.stdout, `cut at ${cut}`).toBe('');
        expect(snapshotTree(m.home), `cut at ${cut}`).toEqual({});
      }
    });
  }
});

describe('--dry-run', () => {
  test('without Node: says what it would download, changes nothing, exit 0', async () => {
    const m = await machine();
    rmSync(path.join(m.bin, 'node'));
    rmSync(path.join(m.bin, 'claude'));
    const r = await runInstaller({ shell: shellByName('dash'), machine: m, script, args: ['--dry-run'] });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(`Would download Node.js from ${CN_MIRRORS.nodeUrl} (verified against SHASUMS256.txt) into ${m.home}/.ccenv`);
    expect(r.stdout).toContain('Would run: npm install -g @anthropic-ai/claude-code');
    expect(r.stdout).toContain('Dry run finished; nothing was changed.');
    expect(snapshotTree(m.home)).toEqual({});
  });
});

test('HOME unset: exit 2 with a clear message, not a shell error', async () => {
  const m = await machine();
  const r = await runInstaller({ shell: shellByName('dash'), machine: m, script, env: { HOME: undefined, CCENV_API_KEY: 'sk-home-123456' } });
  expect(r.exitCode).toBe(2);
  expect(r.stderr).toContain('HOME is not set');
});

test('CCENV_INSTALL_DIR must be absolute and quote-free: exit 2 before anything happens', async () => {
  const m = await machine();
  for (const dir of ['relative/dir', "/tmp/it's"]) {
    const r = await runInstaller({ shell: shellByName('dash'), machine: m, script, env: { CCENV_INSTALL_DIR: dir, CCENV_API_KEY: 'sk-dir-123456' } });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('CCENV_INSTALL_DIR must be an absolute path');
    expect(snapshotTree(m.home)).toEqual({});
  }
});
