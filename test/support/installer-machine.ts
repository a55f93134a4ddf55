// Shared set-up for running dist/zhipu/install.sh on fake machines.
import { afterEach } from 'vitest';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createFakeMachine, type FakeMachine, type MachineOptions } from './fake-machine.js';
import { ensureCurrentNode } from '../../src/harness/node-fixture.js';
import { repoPath } from '../../src/paths.js';
export { ZHIPU_ENV } from './baked-profile.js';

export const ZHIPU_SCRIPT = (): string => readFileSync(repoPath('dist', 'zhipu', 'install.sh'), 'utf8');

/** A key with every character a shell or a JSON writer could mangle. */
export const HOSTILE_KEY = `sk-'"$\\;&|<>%\`x`;

/** A machine with Node ≥ 22 and a stand-in `claude` on PATH, as issue 2 assumes. */
export async function readyMachine(opts: MachineOptions = {}): Promise<FakeMachine> {
  const m = createFakeMachine(opts);
  m.addNode(await ensureCurrentNode());
  m.addClaudeStandIn();
  return m;
}

/** Returns a maker of ready machines; every machine it made is disposed of after each test. */
export function readyMachines(opts: MachineOptions = {}): () => Promise<FakeMachine> {
  const made: FakeMachine[] = [];
  afterEach(() => {
    while (made.length) made.pop()?.dispose();
  });
  return async () => {
    const m = await readyMachine(opts);
    made.push(m);
    return m;
  };
}

export function settingsPath(m: FakeMachine, configDir = path.join(m.home, '.claude')): string {
  return path.join(configDir, 'settings.json');
}

export function readJson(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

export function envOf(m: FakeMachine, configDir?: string): Record<string, string> {
  return readJson(settingsPath(m, configDir))['env'] as Record<string, string>;
}

export function writeSettings(m: FakeMachine, text: string, configDir = path.join(m.home, '.claude')): string {
  mkdirSync(configDir, { recursive: true });
  const file = path.join(configDir, 'settings.json');
  writeFileSync(file, text);
  return file;
}

/** Every file under a folder with its bytes and mtime, to prove "nothing changed". */
export function snapshotTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(dir)) return out;
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = `${st.mtimeMs}:${readFileSync(p).toString('base64')}`;
    }
  };
  walk(dir);
  return out;
}

