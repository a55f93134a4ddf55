// Every settings file Claude Code reads, and which one decides each variable: managed settings, then
// the project's .claude/settings.local.json, then its .claude/settings.json, then the user's file;
// a value in any of them wins over the same variable exported in the shell.

import * as path from 'node:path';
import { readBytes, resolveTarget } from './atomic-write.js';
import { decodeDocument } from './document.js';
import type { ConfigPaths } from './paths.js';

export type SourceKind = 'managed' | 'local' | 'project' | 'user';

export interface SettingsSource {
  kind: SourceKind;
  path: string;
  exists: boolean;
  /** String values of its `env` object. */
  env: Record<string, string>;
  /** Why it could not be read (Claude Code cannot use it either). */
  problem?: string;
}

/** Where administrators put managed settings, per platform (Claude Code's documented places). */
export function managedSettingsPath(platform: NodeJS.Platform): string {
  if (platform === 'win32') return 'C:\\ProgramData\\ClaudeCode\\managed-settings.json';
  if (platform === 'darwin') return '/Library/Application Support/ClaudeCode/managed-settings.json';
  return '/etc/claude-code/managed-settings.json';
}

/** The files in precedence order, highest first; a project folder that is the home folder adds nothing. */
export function settingsFiles(paths: ConfigPaths, cwd: string, managed: string): { kind: SourceKind; path: string }[] {
  const files: { kind: SourceKind; path: string }[] = [
    { kind: 'managed', path: managed },
    { kind: 'local', path: path.join(cwd, '.claude', 'settings.local.json') },
    { kind: 'project', path: path.join(cwd, '.claude', 'settings.json') },
    { kind: 'user', path: paths.settings },
  ];
  return files.filter((f) => f.kind === 'user' || path.resolve(f.path) !== path.resolve(paths.settings));
}

export function readSource(kind: SourceKind, file: string): SettingsSource {
  try {
    const bytes = readBytes(resolveTarget(file));
    if (bytes === null) return { kind, path: file, exists: false, env: {} };
    const doc = decodeDocument(file, bytes);
    const envValue = doc.value['env'];
    const env: Record<string, string> = {};
    if (envValue && typeof envValue === 'object' && !Array.isArray(envValue)) {
      for (const [name, value] of Object.entries(envValue)) {
        if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') env[name] = String(value);
      }
    }
    return { kind, path: file, exists: true, env };
  } catch (e) {
    return { kind, path: file, exists: true, env: {}, problem: e instanceof Error ? e.message : String(e) };
  }
}

/** Names the diagnosis is about: the provider connection and its timeout. */
export function isConnectionName(name: string): boolean {
  return /^ANTHROPIC_[A-Z0-9_]+$/.test(name) || name === 'API_TIMEOUT_MS' || name === 'CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC';
}

export interface Setter {
  /** A settings file, or the environment this program runs in. */
  kind: SourceKind | 'environment';
  path?: string;
  value: string;
}

export interface EffectiveValue {
  name: string;
  /** The one Claude Code uses. */
  winner: Setter;
  /** Lower-precedence places that set it too (their values are ignored). */
  shadowed: Setter[];
}

/** For each connection variable set anywhere: who wins and who is ignored. */
export function effectiveValues(sources: SettingsSource[], environment: Record<string, string | undefined>): EffectiveValue[] {
  const names = new Set<string>();
  for (const s of sources) for (const n of Object.keys(s.env)) if (isConnectionName(n)) names.add(n);
  for (const [n, v] of Object.entries(environment)) if (isConnectionName(n) && v !== undefined && v !== '') names.add(n);
  const result: EffectiveValue[] = [];
  for (const name of [...names].sort()) {
    const setters: Setter[] = sources.filter((s) => name in s.env).map((s) => ({ kind: s.kind, path: s.path, value: s.env[name] as string }));
    const fromEnv = environment[name];
    if (fromEnv !== undefined && fromEnv !== '') setters.push({ kind: 'environment', value: fromEnv });
    const [winner, ...shadowed] = setters;
    if (winner) result.push({ name, winner, shadowed });
  }
  return result;
}
