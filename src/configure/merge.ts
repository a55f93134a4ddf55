// What to change, computed purely from the current values, the desired entries and the receipt.

import { CLAUDE_ENV } from '../contract.js';
import { deepEqual, getAt, hasOwn, isPlainObject, type JsonObject, type Op } from './ops.js';
import type { BakedProfile } from './baked-profile.js';
import { holdsWritten, presenceAt, type Presence, type Receipt, type ReceiptFile } from './receipt.js';

/** Settings env entries that route Claude Code to a cloud provider, overriding any base URL. */
export const CLOUD_PROVIDER_SWITCHES = ['CLAUDE_CODE_USE_BEDROCK', 'CLAUDE_CODE_USE_VERTEX', 'CLAUDE_CODE_USE_FOUNDRY'];

/** The cloud-provider switches set (non-empty, not "0"/"false") in settings env. */
export function activeCloudSwitches(value: JsonObject): string[] {
  const env = value['env'];
  if (!isPlainObject(env)) return [];
  return CLOUD_PROVIDER_SWITCHES.filter((name) => {
    const v = env[name];
    return v !== undefined && v !== null && v !== '' && v !== false && v !== 0 && !/^(0|false)$/i.test(String(v));
  });
}

/** The entries a configure run wants in settings.json "env". */
export interface Desired {
  /** In the order they are appended when new. */
  set: Array<[string, string]>;
  remove: string[];
}

export function buildDesired(baked: BakedProfile, key: string, models: Array<[string, string]>): Desired {
  const set = new Map<string, string>();
  set.set(CLAUDE_ENV.authToken, key);
  for (const [name, value] of Object.entries(baked.env)) {
    if (name === CLAUDE_ENV.authToken || name === CLAUDE_ENV.apiKey) continue;
    set.set(name, String(value));
  }
  for (const [name, value] of models) set.set(name, value);
  return { set: [...set.entries()], remove: [CLAUDE_ENV.apiKey] };
}

/** A key this run is responsible for, and the value it should hold afterwards. */
export interface Managed {
  path: string[];
  target: Presence;
}

export interface FileChange {
  /** Ops in order; `container` ops only create a parent object and are not receipt keys. */
  ops: Array<Op & { container?: boolean }>;
  managed: Managed[];
}

function opFor(path: string[], target: Presence): Op {
  return target.present ? { kind: 'set', path, value: target.value } : { kind: 'delete', path };
}

function presenceEqual(a: Presence, b: Presence): boolean {
  if (!a.present || !b.present) return a.present === b.present;
  return deepEqual(a.value, b.value);
}

/**
 * settings.json: set the desired env entries, remove the conflicting ones, and restore entries
 * an earlier run (maybe for another profile) wrote but this run does not set — if they still hold
 * what ccenv wrote — so no stale model name or extra variable is left behind.
 */
export function planSettings(value: JsonObject, desired: Desired, receipt: Receipt | null): FileChange {
  const change: FileChange = { ops: [], managed: [] };
  const env = isPlainObject(value['env']) ? value['env'] : undefined;
  const current = (name: string): Presence => (env && hasOwn(env, name) ? { present: true, value: env[name] } : { present: false });
  let envExists = env !== undefined;
  const ensureEnv = (): void => {
    if (envExists) return;
    change.ops.push({ kind: 'set', path: ['env'], value: {}, container: true });
    envExists = true;
  };
  const handled = new Set<string>();
  for (const [name, wanted] of desired.set) {
    handled.add(name);
    const target: Presence = { present: true, value: wanted };
    change.managed.push({ path: ['env', name], target });
    if (!presenceEqual(current(name), target)) {
      ensureEnv();
      change.ops.push(opFor(['env', name], target));
    }
  }
  for (const name of desired.remove) {
    handled.add(name);
    change.managed.push({ path: ['env', name], target: { present: false } });
    if (current(name).present) change.ops.push({ kind: 'delete', path: ['env', name] });
  }
  const record = receipt?.files.settings;
  if (receipt && record) {
    for (const entry of record.entries) {
      const [first, name, ...rest] = entry.path;
      if (first !== 'env' || name === undefined || rest.length > 0 || handled.has(name)) continue;
      const now = current(name);
      if (!holdsWritten(receipt.salt, entry, now) || presenceEqual(now, entry.original)) continue;
      change.managed.push({ path: ['env', name], target: entry.original });
      if (entry.original.present) ensureEnv();
      change.ops.push(opFor(['env', name], entry.original));
    }
  }
  return change;
}

export const ONBOARDING_KEY = 'hasCompletedOnboarding';

/** The state file (~/.claude.json): hasCompletedOnboarding = true. */
export function planState(value: JsonObject): FileChange {
  const target: Presence = { present: true, value: true };
  const change: FileChange = { ops: [], managed: [{ path: [ONBOARDING_KEY], target }] };
  if (!(hasOwn(value, ONBOARDING_KEY) && value[ONBOARDING_KEY] === true)) change.ops.push(opFor([ONBOARDING_KEY], target));
  return change;
}

export interface UninstallChange {
  ops: Op[];
  /** Receipt keys left alone because they no longer hold what ccenv wrote. */
  kept: string[][];
}

/** Restores each receipt key that still holds what ccenv wrote; lists the others. */
export function planUninstall(value: JsonObject, record: ReceiptFile, salt: string): UninstallChange {
  const change: UninstallChange = { ops: [], kept: [] };
  const createdParents = new Set<string>();
  for (const entry of record.entries) {
    const now = presenceAt(value, entry.path);
    if (presenceEqual(now, entry.original)) continue;
    if (!holdsWritten(salt, entry, now)) {
      change.kept.push(entry.path);
      continue;
    }
    if (entry.original.present) {
      // A parent removed since (say "env" deleted by hand) is re-created to hold the original.
      for (let depth = 1; depth < entry.path.length; depth++) {
        const parent = entry.path.slice(0, depth);
        const id = JSON.stringify(parent);
        if (!getAt(value, parent).present && !createdParents.has(id)) {
          createdParents.add(id);
          change.ops.push({ kind: 'set', path: parent, value: {} });
        }
      }
    }
    change.ops.push(opFor(entry.path, entry.original));
  }
  return change;
}

/**
 * After uninstall ops: drop a container ccenv created ("env" in settings, "mcpServers" in the
 * state file) that is now empty and was not there originally.
 */
export function dropEmptyContainer(after: JsonObject, originalValue: JsonObject | null, name: string): Op[] {
  const container = after[name];
  const originallyThere = originalValue !== null && hasOwn(originalValue, name);
  if (isPlainObject(container) && Object.keys(container).length === 0 && !originallyThere) return [{ kind: 'delete', path: [name] }];
  return [];
}
