// The state file's mcpServers, member by member: the chosen servers set, a server of the same name
// that the user defined differently kept unless replacing it was allowed, and servers an earlier
// run wrote but this one does not restored — each only while it still holds what ccenv wrote.

import { MCP_SERVERS_KEY } from '../contract.js';
import type { FileChange } from './merge.js';
import { deepEqual, hasOwn, isPlainObject, type JsonObject, type Op } from './ops.js';
import { findEntry, holdsWritten, type Presence, type Receipt } from './receipt.js';

export interface McpChange extends FileChange {
  /** Servers of the user's own, defined differently, left as they are. */
  kept: string[];
  /** mcpServers is there but not an object: nothing of it is touched. */
  notAnObject: boolean;
}

function opFor(path: string[], target: Presence): Op {
  return target.present ? { kind: 'set', path, value: target.value } : { kind: 'delete', path };
}

function same(a: Presence, b: Presence): boolean {
  if (!a.present || !b.present) return a.present === b.present;
  return deepEqual(a.value, b.value);
}

export interface McpPlanInputs {
  value: JsonObject;
  wanted: ReadonlyArray<[string, JsonObject]>;
  /** Names not to restore though this run does not set them (chosen, but their program is missing). */
  leave: ReadonlySet<string>;
  receipt: Receipt | null;
  mayReplace: (name: string) => boolean;
}

/** Appends the mcpServers ops to `change` (the state file's other ops come first). */
export function planMcp(i: McpPlanInputs): McpChange {
  const change: McpChange = { ops: [], managed: [], kept: [], notAnObject: false };
  const raw = i.value[MCP_SERVERS_KEY];
  if (raw !== undefined && !isPlainObject(raw)) {
    change.notAnObject = i.wanted.length > 0;
    return change;
  }
  const servers = raw;
  const current = (name: string): Presence => (servers && hasOwn(servers, name) ? { present: true, value: servers[name] } : { present: false });
  let exists = servers !== undefined;
  const ensureContainer = (): void => {
    if (exists) return;
    change.ops.push({ kind: 'set', path: [MCP_SERVERS_KEY], value: {}, container: true });
    exists = true;
  };
  const ours = (name: string, now: Presence): boolean => {
    const entry = findEntry(i.receipt, 'state', [MCP_SERVERS_KEY, name]);
    return i.receipt !== null && entry !== undefined && holdsWritten(i.receipt.salt, entry, now);
  };
  const handled = new Set<string>(i.leave);
  for (const [name, entry] of i.wanted) {
    handled.add(name);
    const path = [MCP_SERVERS_KEY, name];
    const target: Presence = { present: true, value: entry };
    const now = current(name);
    if (same(now, target)) {
      change.managed.push({ path, target });
      continue;
    }
    if (now.present && !ours(name, now) && !i.mayReplace(name)) {
      change.kept.push(name);
      continue;
    }
    ensureContainer();
    change.ops.push(opFor(path, target));
    change.managed.push({ path, target });
  }
  for (const entry of i.receipt?.files.state?.entries ?? []) {
    const [first, name, ...rest] = entry.path;
    if (first !== MCP_SERVERS_KEY || name === undefined || rest.length > 0 || handled.has(name)) continue;
    const now = current(name);
    if (!ours(name, now) || same(now, entry.original)) continue;
    if (entry.original.present) ensureContainer();
    change.ops.push(opFor(entry.path, entry.original));
    change.managed.push({ path: entry.path, target: entry.original });
  }
  return change;
}
