// --doctor's MCP section: the servers ccenv wrote into the state file (from the receipt), and
// whether each answers — an http server is sent `initialize` with its own headers, as Claude Code
// does at start; a stdio one is not started (npx -y would download it), only its program looked up.

import * as path from 'node:path';
import { MCP_SERVERS_KEY } from '../contract.js';
import { probeMcp } from './endpoint.js';
import { loadReceipt, load } from './files.js';
import { findProgram } from './find-program.js';
import type { Messages } from './messages.js';
import { getAt, isPlainObject } from './ops.js';
import type { ConfigPaths } from './paths.js';
import { holdsWritten } from './receipt.js';
import { scrub } from './report.js';

export interface McpDoctorIo {
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  out: (line: string) => void;
}

function stringMap(v: unknown): Record<string, string> {
  if (!isPlainObject(v)) return {};
  return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** Reports each MCP server ccenv wrote; returns the problems found (one line each). */
export async function reportMcp(io: McpDoctorIo, t: Messages['t'], paths: ConfigPaths, timeoutMs: number): Promise<string[]> {
  let receipt;
  let state;
  try {
    receipt = loadReceipt(paths.receipt);
    state = load('state', paths.state).doc.value;
  } catch {
    return []; // the files section already says what is wrong with them
  }
  const entries = (receipt?.files.state?.entries ?? []).filter((e) => e.path.length === 2 && e.path[0] === MCP_SERVERS_KEY);
  if (receipt === null || entries.length === 0) return [];
  io.out(t('cfg_doc_mcp', { path: paths.state }));
  const problems: string[] = [];
  for (const entry of entries) {
    const name = entry.path[1] as string;
    const now = getAt(state, entry.path);
    const nowPresence = now.present ? { present: true as const, value: now.value } : { present: false as const };
    if (!now.present) {
      io.out(`  ${t('cfg_doc_mcp_gone', { name })}`);
      continue;
    }
    const changed = !holdsWritten(receipt.salt, entry, nowPresence);
    const server = now.value;
    if (!isPlainObject(server)) continue;
    const status = changed ? ` ${t('cfg_doc_mcp_changed')}` : '';
    if (typeof server['url'] === 'string' && server['type'] !== 'stdio') {
      const headers = stringMap(server['headers']);
      const r = await probeMcp(server['url'], headers, timeoutMs);
      const url = server['url'];
      const secrets = Object.values(headers);
      if (r.kind === 'answers') io.out(`  ${t('cfg_doc_mcp_http_ok', { name, url, status: r.status, ms: r.ms, server: r.server })}${status}`);
      else {
        const line =
          r.kind === 'rejected'
            ? t('cfg_doc_mcp_http_rejected', { name, url, status: r.status })
            : r.kind === 'refused'
              ? t('cfg_doc_mcp_http_refused', { name, url, status: r.status, message: r.message || '-' })
              : t('cfg_doc_mcp_http_down', { name, url, reason: r.reason });
        io.out(`  ${scrub(line, secrets)}`);
        problems.push(scrub(line, secrets));
      }
    } else if (typeof server['command'] === 'string') {
      const args = Array.isArray(server['args']) ? server['args'].filter((a): a is string => typeof a === 'string') : [];
      // On Windows the entry runs `cmd /c <program>`: look up the program itself.
      const program = server['command'] === 'cmd' && args[0]?.toLowerCase() === '/c' && args[1] ? args[1] : server['command'];
      const found = findProgram(program, io.env, io.platform, [path.dirname(process.execPath)]);
      if (found) io.out(`  ${t('cfg_doc_mcp_stdio_ok', { name, command: program, path: found })}${status}`);
      else {
        const line = t('cfg_doc_mcp_stdio_missing', { name, command: program });
        io.out(`  ${line}`);
        problems.push(line);
      }
    }
  }
  return problems;
}
