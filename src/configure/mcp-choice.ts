// Which of the profile's MCP servers a run sets up (CCENV_MCP), which of the user's own it may
// replace (CCENV_MCP_REPLACE), whether each server's program is installed, and the entry Claude
// Code reads for it, the key filled in.

import { EXIT, INPUT_ENV } from '../contract.js';
import type { BakedMcp, McpSpec } from './baked-profile.js';
import { CcenvError } from './errors.js';
import { findProgram } from './find-program.js';
import type { JsonObject } from './ops.js';

type Env = Record<string, string | undefined>;

const KEY_PLACEHOLDER = '{key}';

/** Splits "a, b,c" into names; "all" and "none" are words of their own. */
function namesIn(raw: string): string[] {
  return raw
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
}

/**
 * The servers to set up, in the profile's order: CCENV_MCP=all|none|name,name. The installer
 * always says (it asks, or takes the profile's default); unset or empty sets up none. An unknown
 * name is a usage error that lists the known ones.
 */
export function chosenServers(mcp: BakedMcp | undefined, env: Env): string[] {
  const all = (mcp?.servers ?? []).map((s) => s.name);
  const raw = (env[INPUT_ENV.mcp] ?? '').trim();
  if (raw === '') return [];
  if (/^all$/i.test(raw)) return all;
  if (/^none$/i.test(raw)) return [];
  const wanted = namesIn(raw);
  const unknown = wanted.filter((n) => !all.includes(n));
  if (unknown.length > 0) {
    throw new CcenvError(EXIT.usage, 'cfg_err_mcp_unknown', { name: INPUT_ENV.mcp, unknown: unknown.join(', '), known: all.length > 0 ? all.join(', ') : '-' });
  }
  return all.filter((n) => wanted.includes(n));
}

/** Whether the user's own server of this name may be replaced (CCENV_MCP_REPLACE=all|name,name). */
export function replaceAllowed(env: Env): (name: string) => boolean {
  const raw = (env[INPUT_ENV.mcpReplace] ?? '').trim();
  if (/^all$/i.test(raw)) return () => true;
  const names = new Set(namesIn(raw));
  return (name) => names.has(name);
}

/** What to tell a user who lacks a server's program (uvx comes with uv). */
const INSTALL_HINTS: Record<string, string> = {
  npx: 'npx comes with Node.js, https://nodejs.org/',
  uvx: 'https://docs.astral.sh/uv/getting-started/installation/',
  uv: 'https://docs.astral.sh/uv/getting-started/installation/',
};

export function installHint(command: string): string | undefined {
  return INSTALL_HINTS[command];
}

export interface CommandLookup {
  env: Env;
  platform: NodeJS.Platform;
  /** The folder of the node running this program: npx sits beside it, even before it is on PATH. */
  nodeDir: string;
}

function fill(value: string, key: string): string {
  return value.split(KEY_PLACEHOLDER).join(key);
}

function fillAll(map: Record<string, string>, key: string): Record<string, string> {
  return Object.fromEntries(Object.entries(map).map(([n, v]) => [n, fill(v, key)]));
}

/**
 * The mcpServers entry Claude Code reads, as `claude mcp add -s user` writes it. On Windows a
 * batch-file command (npx is npx.cmd) goes through `cmd /c`, which Claude Code needs to start it.
 */
export function serverEntry(spec: McpSpec, key: string, platform: NodeJS.Platform, resolved: string | null): JsonObject {
  if (spec.type === 'http') {
    const entry: JsonObject = { type: 'http', url: spec.url };
    if (Object.keys(spec.headers).length > 0) entry['headers'] = fillAll(spec.headers, key);
    return entry;
  }
  const viaCmd = platform === 'win32' && (spec.command === 'npx' || /\.(cmd|bat)$/i.test(resolved ?? ''));
  const entry: JsonObject = viaCmd ? { type: 'stdio', command: 'cmd', args: ['/c', spec.command, ...spec.args] } : { type: 'stdio', command: spec.command, args: [...spec.args] };
  if (Object.keys(spec.env).length > 0) entry['env'] = fillAll(spec.env, key);
  return entry;
}

export interface McpWanted {
  /** Servers to write, in the profile's order, with their entries. */
  servers: Array<[string, JsonObject]>;
  /** Chosen servers whose program is missing: left as they are, with a message. */
  skipped: Array<{ name: string; command: string }>;
}

/** The chosen servers' entries; a stdio server whose program is not installed is skipped. */
export function wantedServers(mcp: BakedMcp | undefined, chosen: readonly string[], key: string, lookup: CommandLookup): McpWanted {
  const wanted: McpWanted = { servers: [], skipped: [] };
  for (const { name, spec } of mcp?.servers ?? []) {
    if (!chosen.includes(name)) continue;
    const resolved = spec.type === 'stdio' ? findProgram(spec.command, lookup.env, lookup.platform, [lookup.nodeDir]) : null;
    if (spec.type === 'stdio' && resolved === null) {
      wanted.skipped.push({ name, command: spec.command });
      continue;
    }
    wanted.servers.push([name, serverEntry(spec, key, lookup.platform, resolved)]);
  }
  return wanted;
}
