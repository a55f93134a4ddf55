// Runs zhipu's install.sh (from dist/) the way users do, `curl … | sh` with the key in
// CCENV_API_KEY, on a fake machine with Node and a stand-in claude, and says what became of the
// user's files.
import path from 'node:path';
import { afterEach } from 'vitest';
import type { FakeMachine } from '../support/fake-machine.js';
import { runInstaller, type InstallerRun } from '../support/run-installer.js';
import { shellByName } from '../../src/harness/shells.js';
import { readyMachine, ZHIPU_ENV, ZHIPU_SCRIPT } from '../support/installer-machine.js';
import { describeConfig, snapshotConfig, type ConfigPaths, type ConfigSnapshot, type FileVerdict } from './case.js';

export const KEY = 'sk-reliability.0123456789abcdef';
export const BASE_URL = ZHIPU_ENV.ANTHROPIC_BASE_URL;

export interface Machine extends FakeMachine {
  files: ConfigPaths;
  claudeDir: string;
}

/** Fake machines made by a test file, disposed of after each test. */
export function machines(): () => Promise<Machine> {
  const made: FakeMachine[] = [];
  afterEach(() => {
    while (made.length) made.pop()?.dispose();
  });
  return async () => {
    const m = await readyMachine();
    made.push(m);
    const claudeDir = path.join(m.home, '.claude');
    return Object.assign(m, { claudeDir, files: { settings: path.join(claudeDir, 'settings.json'), state: path.join(m.home, '.claude.json') } });
  };
}

export interface InstallOptions {
  shell?: string;
  env?: Record<string, string | undefined>;
  args?: string[];
  script?: string;
  readOnly?: string;
  uid?: number;
  /** Where the config lives (CLAUDE_CONFIG_DIR cases); default the machine's. */
  files?: ConfigPaths;
}

export interface InstallOutcome extends InstallerRun {
  config: FileVerdict;
  before: ConfigSnapshot;
}

export async function install(m: Machine, o: InstallOptions = {}): Promise<InstallOutcome> {
  const files = o.files ?? m.files;
  const before = snapshotConfig(files);
  const r = await runInstaller({
    shell: shellByName(o.shell ?? 'dash'),
    machine: m,
    script: o.script ?? ZHIPU_SCRIPT(),
    args: o.args,
    readOnly: o.readOnly,
    uid: o.uid,
    env: { CCENV_API_KEY: KEY, CCENV_YES: '1', ...o.env },
  });
  return { ...r, before, config: describeConfig(before, snapshotConfig(files), KEY, BASE_URL) };
}

/** The first line of a message, with the machine's HOME written as ~ (the report stays readable). */
export function said(text: string, m: FakeMachine): string {
  return (text.trim().split('\n')[0] ?? '').split(m.home).join('~');
}
