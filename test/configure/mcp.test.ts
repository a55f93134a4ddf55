// MCP servers in ~/.claude.json, through the configure artifact as the installers run it: set up
// member by member beside the user's own servers and projects, the user's same-named server kept
// unless replacing it was allowed, the key only in headers and env, a missing program skipped,
// and --uninstall giving back the file byte for byte.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { serverEntry } from '../../src/configure/mcp-choice.js';
import { KEY, readJson, run, sandbox, type Sandbox } from '../support/run-configure.js';

type Json = Record<string, unknown>;

/** A real user's ~/.claude.json: history, projects, their own MCP servers, a CRLF-free 2-space layout. */
const USER_STATE = `{
  "numStartups": 41,
  "installMethod": "npm-global",
  "autoUpdates": true,
  "userID": "4f1c9a0d3b7e42c6a1d8e5f0b2c3d4e5f60718293a4b5c6d7e8f901a2b3c4d5e",
  "mcpServers": {
    "github": {
      "type": "stdio",
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-github"],
      "env": { "GITHUB_PERSONAL_ACCESS_TOKEN": "ghp_notarealtoken000000000000000000000" }
    },
    "search": {
      "type": "http",
      "url": "https://mcp.my-own-search.dev/mcp"
    }
  },
  "projects": {
    "/home/dev/app": {
      "allowedTools": [],
      "mcpServers": {},
      "hasTrustDialogAccepted": true,
      "lastCost": 0.4215
    }
  },
  "hasCompletedOnboarding": true
}
`;

/** PATH with node's folder (npx beside it) and the basic tools, but no uvx. */
const NO_UVX_PATH = `${path.dirname(process.execPath)}:/usr/bin:/bin`;

function seeded(): Sandbox {
  const sb = sandbox();
  fs.writeFileSync(sb.state, USER_STATE);
  return sb;
}

const servers = (sb: Sandbox): Json => readJson(sb.state)['mcpServers'] as Json;

function withUvx(sb: Sandbox): string {
  const bin = path.join(sb.root, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'uvx'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  return `${bin}:${NO_UVX_PATH}`;
}

describe('MCP servers in ~/.claude.json', () => {
  test('CCENV_MCP=all beside the user\'s servers: theirs kept (with a warning), ours added, key only in headers/env; --uninstall is byte-identical', async () => {
    const sb = seeded();
    const r = await run({ home: sb.home, profile: 'mcp-uvx', env: { CCENV_MCP: 'all', PATH: withUvx(sb) } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('search');
    expect(r.stderr).toContain('CCENV_MCP_REPLACE=search');
    expect(r.stdout).toContain('MCP servers for Claude Code: vision, coding-plan');
    const s = servers(sb);
    expect(Object.keys(s)).toEqual(['github', 'search', 'vision', 'coding-plan']);
    expect(s['search']).toEqual({ type: 'http', url: 'https://mcp.my-own-search.dev/mcp' });
    expect(s['vision']).toEqual({
      type: 'stdio',
      command: 'npx',
      args: ['-y', '@example/vision-mcp'],
      env: { EXAMPLE_API_KEY: KEY, EXAMPLE_HOST: 'https://api.example-provider.com' },
    });
    expect(JSON.stringify((s['vision'] as Json)['args'])).not.toContain(KEY);
    const state = readJson(sb.state);
    expect(state['projects']).toEqual(JSON.parse(USER_STATE).projects);
    expect(state['numStartups']).toBe(41);
    // The receipt holds hashes of what ccenv wrote, never the key.
    expect(fs.readFileSync(sb.receipt, 'utf8')).not.toContain(KEY);

    const u = await run({ home: sb.home, profile: 'mcp-uvx', args: ['--uninstall'], key: null });
    expect(u.status, u.stderr).toBe(0);
    expect(fs.readFileSync(sb.state, 'utf8')).toBe(USER_STATE);
  });

  test('CCENV_MCP_REPLACE=search replaces the user\'s server; --uninstall puts theirs back exactly', async () => {
    const sb = seeded();
    const r = await run({ home: sb.home, profile: 'mcp-uvx', env: { CCENV_MCP: 'search', CCENV_MCP_REPLACE: 'search', PATH: NO_UVX_PATH } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(servers(sb)['search']).toEqual({ type: 'http', url: 'https://api.example-provider.com/mcp', headers: { Authorization: `Bearer ${KEY}`, 'X-Client': 'ccenv' } });
    expect(Object.keys(servers(sb))).toEqual(['github', 'search']);
    const u = await run({ home: sb.home, profile: 'mcp-uvx', args: ['--uninstall'], key: null });
    expect(u.status, u.stderr).toBe(0);
    expect(fs.readFileSync(sb.state, 'utf8')).toBe(USER_STATE);
  });

  test('no ~/.claude.json: mcpServers is created, and --uninstall --purge removes the file again', async () => {
    const sb = sandbox();
    const r = await run({ home: sb.home, profile: 'mcp-uvx', env: { CCENV_MCP: 'search,vision', PATH: NO_UVX_PATH } });
    expect(r.status, r.stderr).toBe(0);
    expect(Object.keys(servers(sb))).toEqual(['search', 'vision']);
    const u = await run({ home: sb.home, profile: 'mcp-uvx', args: ['--uninstall', '--purge'], key: null });
    expect(u.status, u.stderr).toBe(0);
    expect(fs.readdirSync(sb.home)).toEqual([]);
  });

  test('a server whose program is missing (uvx) is skipped with what to install; the others are set up', async () => {
    const sb = seeded();
    const r = await run({ home: sb.home, profile: 'mcp-uvx', env: { CCENV_MCP: 'vision,coding-plan', PATH: NO_UVX_PATH } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('Skipped the MCP server coding-plan: it runs uvx, which is not installed here');
    expect(r.stderr).toContain('https://docs.astral.sh/uv/');
    expect(Object.keys(servers(sb))).toEqual(['github', 'search', 'vision']);
  });

  test('a later run with CCENV_MCP=none takes back what an earlier one set up, and nothing of the user\'s', async () => {
    const sb = seeded();
    expect((await run({ home: sb.home, profile: 'mcp-uvx', env: { CCENV_MCP: 'vision', PATH: NO_UVX_PATH } })).status).toBe(0);
    expect(Object.keys(servers(sb))).toContain('vision');
    const r = await run({ home: sb.home, profile: 'mcp-uvx', env: { CCENV_MCP: 'none', PATH: NO_UVX_PATH } });
    expect(r.status, r.stderr).toBe(0);
    expect(Object.keys(servers(sb))).toEqual(['github', 'search']);
  });

  test('a server the user edited after ccenv wrote it is theirs: not updated, not removed by --uninstall', async () => {
    const sb = seeded();
    expect((await run({ home: sb.home, profile: 'mcp-uvx', env: { CCENV_MCP: 'vision', PATH: NO_UVX_PATH } })).status).toBe(0);
    const state = readJson(sb.state);
    ((state['mcpServers'] as Json)['vision'] as Json)['args'] = ['-y', '@example/vision-mcp@2'];
    fs.writeFileSync(sb.state, JSON.stringify(state, null, 2));
    const again = await run({ home: sb.home, profile: 'mcp-uvx', env: { CCENV_MCP: 'vision', PATH: NO_UVX_PATH } });
    expect(again.status).toBe(0);
    expect(again.stderr).toContain('MCP server named vision');
    const u = await run({ home: sb.home, profile: 'mcp-uvx', args: ['--uninstall'], key: null });
    expect(u.status).toBe(0);
    expect(u.stderr).toContain('mcpServers.vision');
    expect(((servers(sb)['vision'] as Json)['args'] as string[])[1]).toBe('@example/vision-mcp@2');
  });

  test('an unknown name in CCENV_MCP is a usage error (exit 2) naming the known ones; nothing is written', async () => {
    const sb = seeded();
    const r = await run({ home: sb.home, profile: 'mcp-uvx', env: { CCENV_MCP: 'vision,web-search' } });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('web-search');
    expect(r.stderr).toContain('search, vision, coding-plan');
    expect(fs.readFileSync(sb.state, 'utf8')).toBe(USER_STATE);
    expect(fs.existsSync(sb.claudeDir)).toBe(false);
  });

  test('--dry-run shows the servers with the key masked, and writes nothing', async () => {
    const sb = seeded();
    const r = await run({ home: sb.home, profile: 'mcp-uvx', args: ['--dry-run'], env: { CCENV_MCP: 'vision', PATH: NO_UVX_PATH } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('mcpServers.vision: (not set) -> {"type":"stdio","command":"npx"');
    expect(r.stdout).toContain(`"EXAMPLE_API_KEY":"${KEY.slice(0, 4)}...`);
    expect(fs.readFileSync(sb.state, 'utf8')).toBe(USER_STATE);
    // Without a key, the placeholder is named as such.
    const noKey = await run({ home: sb.home, profile: 'mcp-uvx', args: ['--dry-run'], key: null, env: { CCENV_MCP: 'search', CCENV_MCP_REPLACE: 'all', PATH: NO_UVX_PATH } });
    expect(noKey.status).toBe(0);
    expect(noKey.stdout).toContain('"Authorization":"Bearer (your API key)"');
  });

  test('--mcp-conflicts names the user\'s own servers a run would keep, and changes nothing', async () => {
    const sb = seeded();
    const r = await run({ home: sb.home, profile: 'mcp-uvx', args: ['--mcp-conflicts'], env: { CCENV_MCP: 'all', PATH: NO_UVX_PATH } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(['conflict search']);
    expect(fs.readFileSync(sb.state, 'utf8')).toBe(USER_STATE);
  });

  test('mcpServers that is not an object: a warning, no server, the rest of the setup done', async () => {
    const sb = sandbox();
    const text = '{\n  "mcpServers": [],\n  "projects": {}\n}\n';
    fs.writeFileSync(sb.state, text);
    const r = await run({ home: sb.home, profile: 'mcp-uvx', env: { CCENV_MCP: 'search', PATH: NO_UVX_PATH } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('mcpServers in');
    expect(readJson(sb.state)['mcpServers']).toEqual([]);
    expect(readJson(sb.state)['hasCompletedOnboarding']).toBe(true);
  });

  test('no CCENV_MCP (the installers always say): no server is set up', async () => {
    const sb = seeded();
    const r = await run({ home: sb.home, profile: 'zhipu' });
    expect(r.status, r.stderr).toBe(0);
    expect(Object.keys(servers(sb))).toEqual(['github', 'search']);
  });
});

describe('the entry Claude Code reads', () => {
  const spec = { type: 'stdio' as const, command: 'npx', args: ['-y', '@z_ai/mcp-server'], env: { Z_AI_API_KEY: '{key}', Z_AI_MODE: 'ZAI' } };

  test('on Windows, npx (a batch file) goes through cmd /c, as Claude Code needs', () => {
    expect(serverEntry(spec, 'k-123', 'win32', 'C:\\node\\npx.cmd')).toEqual({
      type: 'stdio',
      command: 'cmd',
      args: ['/c', 'npx', '-y', '@z_ai/mcp-server'],
      env: { Z_AI_API_KEY: 'k-123', Z_AI_MODE: 'ZAI' },
    });
    expect(serverEntry({ ...spec, command: 'uvx' }, 'k', 'win32', 'C:\\uv\\uvx.exe')['command']).toBe('uvx');
  });

  test('elsewhere the command stays; an http server without headers has none', () => {
    expect(serverEntry(spec, 'k', 'darwin', '/usr/local/bin/npx')['command']).toBe('npx');
    expect(serverEntry({ type: 'http', url: 'https://x.example/mcp', headers: {} }, 'k', 'linux', null)).toEqual({ type: 'http', url: 'https://x.example/mcp' });
  });
});
