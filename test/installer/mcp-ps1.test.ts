// dist/zhipu/install.ps1 under real pwsh 7 and its MCP step (issue 23), as install.sh's choose_mcp:
// CCENV_MCP=all with -Yes keeps the user's own same-named server (a warning naming
// CCENV_MCP_REPLACE) and -Uninstall gives .claude.json back byte for byte; an unknown name is exit 2
// with nothing written; at a terminal one question, then a second before replacing the user's own.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { repoPath } from '../../src/paths.js';
import { runInPty } from '../../src/harness/pty.js';
import { readyMachines, snapshotTree } from '../support/installer-machine.js';
import { NO_PWSH, PWSH, pwshEnv, runPs1 } from '../support/run-ps1.js';

const machine = readyMachines();
const FILE = repoPath('dist', 'zhipu', 'install.ps1');
const KEY = 'sk-mcp-ps1-0123456789abcdef';
const BEARER = { Authorization: `Bearer ${KEY}` };
const ZHIPU_MCP = 'https://open.bigmodel.cn/api/mcp';

/** The user's own web-reader (another URL than zhipu's) and some Claude Code state. */
const OWN_READER = { type: 'http', url: 'https://reader.my-own.dev/mcp' };
const USER_STATE = `${JSON.stringify({ numStartups: 4, projects: { '/home/li/app': { hasTrustDialogAccepted: true, allowedTools: [] } }, mcpServers: { 'web-reader': OWN_READER } }, null, 2)}\n`;

type Server = { type?: string; url?: string; headers?: Record<string, string>; command?: string; args?: string[]; env?: Record<string, string> };
const stateFile = (home: string) => path.join(home, '.claude.json');
const serversIn = (home: string) => (JSON.parse(readFileSync(stateFile(home), 'utf8')) as { mcpServers?: Record<string, Server> }).mcpServers ?? {};

describe.skipIf(!PWSH)(`install.ps1: the MCP servers${PWSH ? '' : ` — ${NO_PWSH}`}`, () => {
  test('CCENV_MCP=all with CCENV_YES=1: zhipu\'s servers with the key, the user\'s own web-reader kept with a warning; -Uninstall restores .claude.json byte for byte', async () => {
    const m = await machine();
    writeFileSync(stateFile(m.home), USER_STATE);
    const r = await runPs1(m, { file: FILE, env: { CCENV_API_KEY: KEY, CCENV_YES: '1', CCENV_MCP: 'all' } });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    const servers = serversIn(m.home);
    expect(servers['web-search-prime']).toEqual({ type: 'http', url: `${ZHIPU_MCP}/web_search_prime/mcp`, headers: BEARER });
    expect(servers['zread']).toEqual({ type: 'http', url: `${ZHIPU_MCP}/zread/mcp`, headers: BEARER });
    expect(servers['web-reader']).toEqual(OWN_READER);
    // this machine's node has no npx beside it: the stdio server is skipped, and the run says why
    expect(servers['zai-mcp-server']).toBeUndefined();
    expect(r.stdout + r.stderr).toContain('Skipped the MCP server zai-mcp-server: it runs npx');
    const state = JSON.parse(readFileSync(stateFile(m.home), 'utf8')) as Record<string, unknown>;
    expect(state['projects']).toEqual(JSON.parse(USER_STATE).projects);
    expect(r.stderr).toMatch(/web-reader[^\n]*CCENV_MCP_REPLACE=web-reader/);
    expect(r.stdout + r.stderr).not.toContain(KEY);

    const u = await runPs1(m, { file: FILE, args: ['-Uninstall'] });
    expect(u.exitCode, u.stdout + u.stderr).toBe(0);
    expect(readFileSync(stateFile(m.home), 'utf8')).toBe(USER_STATE);
  });

  test('CCENV_MCP=bogus is exit 2 naming it, nothing written', async () => {
    const m = await machine();
    writeFileSync(stateFile(m.home), USER_STATE);
    const before = snapshotTree(m.home);
    const r = await runPs1(m, { file: FILE, env: { CCENV_API_KEY: KEY, CCENV_YES: '1', CCENV_MCP: 'bogus' } });
    expect(r.exitCode, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toContain('bogus');
    expect(snapshotTree(m.home)).toEqual(before);
  });

  test('in a pwsh session: CCENV_MCP and CCENV_MCP_REPLACE are as the caller left them (given, or unset after the installer chose)', async () => {
    const m = await machine();
    const show = "'MCP=' + [string]$env:CCENV_MCP + ' REPLACE=' + [string](Test-Path Env:\\CCENV_MCP_REPLACE)";
    const given = await runPs1(m, { file: FILE, session: `$env:CCENV_API_KEY = '${KEY}'; $env:CCENV_MCP = 'zread'\n& ([scriptblock]::Create((Get-Content -Raw -LiteralPath $Installer))) -Yes\n${show}` });
    expect(given.stdout, given.stderr).toContain('MCP=zread REPLACE=False');
    expect(Object.keys(serversIn(m.home))).toEqual(['zread']);
    const unset = await runPs1(m, { file: FILE, session: `$env:CCENV_API_KEY = '${KEY}'\n& ([scriptblock]::Create((Get-Content -Raw -LiteralPath $Installer))) -Yes\n${show}` });
    expect(unset.stdout, unset.stderr).toContain('MCP= REPLACE=False');
  });

  test('at a terminal: Enter at the MCP question is the profile\'s default (none: no question about the user\'s own)', async () => {
    const m = await machine();
    writeFileSync(stateFile(m.home), USER_STATE);
    const r = await runInPty(`pwsh -NoProfile -File '${FILE}'`, {
      env: pwshEnv(m, { CCENV_API_KEY: KEY }),
      cwd: m.home,
      answers: [
        { when: /Map Claude Code's models[\s\S]*?\[y\/N\]/, send: '\r' },
        { when: /MCP servers for Claude Code[\s\S]*?\[y\/N\]/, send: '\r' },
      ],
      timeoutMs: 60_000,
    });
    expect(r.exitCode, r.transcript).toBe(0);
    expect(r.transcript).not.toContain('MCP servers of your own');
    expect(serversIn(m.home)).toEqual({ 'web-reader': OWN_READER });
  });

  test('at a terminal: yes at the MCP question, then yes to replacing the user\'s own web-reader: zhipu\'s replaces it, and -Uninstall brings it back', async () => {
    const m = await machine();
    writeFileSync(stateFile(m.home), USER_STATE);
    const r = await runInPty(`pwsh -NoProfile -File '${FILE}'`, {
      env: pwshEnv(m, { CCENV_API_KEY: KEY }),
      cwd: m.home,
      answers: [
        { when: /Map Claude Code's models[\s\S]*?\[y\/N\]/, send: '\r' },
        { when: /Also set up Zhipu GLM Coding Plan's MCP servers for Claude Code \(web search, web reader, zread[\s\S]*?\[y\/N\]/, send: 'y\r' },
        { when: /You already have MCP servers of your own named web-reader\. Replace them with Zhipu GLM Coding Plan's\? \[y\/N\]/, send: 'y\r' },
      ],
      timeoutMs: 60_000,
    });
    expect(r.exitCode, r.transcript).toBe(0);
    expect(r.transcript).not.toContain(KEY);
    const servers = serversIn(m.home);
    expect(servers['web-reader']).toEqual({ type: 'http', url: `${ZHIPU_MCP}/web_reader/mcp`, headers: BEARER });
    expect(Object.keys(servers).sort()).toEqual(['web-reader', 'web-search-prime', 'zread']);
    const u = await runPs1(m, { file: FILE, args: ['-Uninstall'] });
    expect(u.exitCode, u.stdout + u.stderr).toBe(0);
    expect(readFileSync(stateFile(m.home), 'utf8')).toBe(USER_STATE);
  });
});
