// dist/zhipu/install.cmd run by Wine's cmd.exe with Windows' node.exe, and its MCP step (issue 23),
// as install.sh's choose_mcp: CCENV_MCP=all with --yes keeps the user's own same-named server (a
// warning naming CCENV_MCP_REPLACE), npx goes through cmd /c, and --uninstall gives .claude.json
// back byte for byte; an unknown name is exit 2 with nothing written; at a console one question,
// then (the configure program's --mcp-conflicts, read by for /f) a second before replacing.
// Wine is slow and has one prefix: few runs, one at a time (the prefix's run lock).
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { lock } from '../../src/harness/cache.js';
import { disposeCmdMachine, ensureCmdMachine, resetCmdMachine, runCmd, type CmdMachine } from '../../src/harness/wine/cmd-machine.js';
import { ensureWinePrefix, missingWine, windowsPath, wineEnv, writeUserFile } from '../../src/harness/wine/prefix.js';
import { runInPty } from '../../src/harness/pty.js';
import { repoPath } from '../../src/paths.js';
import { listTree } from '../support/home-listing.js';
import { WINE_TEST_OPTIONS } from '../support/wine-test-options.js';

const skip = missingWine();
const KEY = 'sk-mcp-cmd-0123456789abcdef';
const BEARER = { Authorization: `Bearer ${KEY}` };
const ZHIPU_MCP = 'https://open.bigmodel.cn/api/mcp';
const OWN_READER = { type: 'http', url: 'https://reader.my-own.dev/mcp' };
// Claude Code's state with a project and the user's own web-reader (another URL than zhipu's).
const USER_STATE = `${JSON.stringify({ numStartups: 4, projects: { 'C:/Users/li/app': { hasTrustDialogAccepted: true, allowedTools: [] } }, mcpServers: { 'web-reader': OWN_READER } }, null, 2)}\n`;

type Server = { type?: string; url?: string; headers?: Record<string, string>; command?: string; args?: string[]; env?: Record<string, string> };

let machine: CmdMachine;
let installer: string;
const stateFile = () => path.join(machine.prefix.userDir, '.claude.json');
const serversIn = () => (JSON.parse(readFileSync(stateFile(), 'utf8')) as { mcpServers?: Record<string, Server> }).mcpServers ?? {};

beforeAll(async () => {
  if (skip) return;
  machine = await ensureCmdMachine(await ensureWinePrefix());
  installer = path.join(machine.work, 'install.cmd');
  copyFileSync(repoPath('dist', 'zhipu', 'install.cmd'), installer);
}, 600_000);

afterAll(() => {
  if (!skip) disposeCmdMachine(machine);
});

let release: (() => void) | undefined;
beforeEach(async () => {
  if (skip) return;
  release = await lock(`${machine.prefix.dir}.run`);
  await resetCmdMachine(machine, undefined);
  writeUserFile(machine.prefix, '.claude.json', USER_STATE);
});
afterEach(() => {
  release?.();
  release = undefined;
});

const install = (args: string[], env: Record<string, string> = {}) => runCmd(machine, [windowsPath(installer), ...args], { env });

describe.skipIf(skip)('install.cmd under Wine: the MCP servers', WINE_TEST_OPTIONS, () => {
  test('CCENV_MCP=all with CCENV_YES=1: zhipu\'s servers with the key (npx through cmd /c), the user\'s own web-reader kept with a warning; --uninstall restores .claude.json byte for byte', async () => {
    const r = await install([], { CCENV_API_KEY: KEY, CCENV_YES: '1', CCENV_MCP: 'all' });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const servers = serversIn();
    expect(servers['web-search-prime']).toEqual({ type: 'http', url: `${ZHIPU_MCP}/web_search_prime/mcp`, headers: BEARER });
    expect(servers['zread']).toEqual({ type: 'http', url: `${ZHIPU_MCP}/zread/mcp`, headers: BEARER });
    expect(servers['web-reader']).toEqual(OWN_READER);
    expect(servers['zai-mcp-server']).toEqual({ type: 'stdio', command: 'cmd', args: ['/c', 'npx', '-y', '@z_ai/mcp-server'], env: { Z_AI_API_KEY: KEY, Z_AI_MODE: 'ZHIPU' } });
    expect((JSON.parse(readFileSync(stateFile(), 'utf8')) as Record<string, unknown>)['projects']).toEqual(JSON.parse(USER_STATE).projects);
    expect(r.stderr).toMatch(/web-reader[^\n]*CCENV_MCP_REPLACE=web-reader/);
    expect(r.stdout + r.stderr).not.toContain(KEY);

    const u = await install(['--uninstall']);
    expect(u.code, u.stdout + u.stderr).toBe(0);
    expect(readFileSync(stateFile(), 'utf8')).toBe(USER_STATE);
  }, 180_000);

  test('CCENV_MCP=bogus is exit 2 naming it, nothing written', async () => {
    // Wine's cmd leaves its own files in Temp (reg and chcp output): not the installer's
    const userFiles = () => Object.fromEntries(Object.entries(listTree(machine.prefix.userDir)).filter(([rel]) => !rel.startsWith('Temp/')));
    const before = userFiles();
    const r = await install(['--yes'], { CCENV_API_KEY: KEY, CCENV_MCP: 'bogus' });
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toContain('bogus');
    expect(readFileSync(stateFile(), 'utf8')).toBe(USER_STATE);
    expect(existsSync(path.join(machine.prefix.userDir, '.claude', 'settings.json'))).toBe(false);
    expect(userFiles()).toEqual(before);
  }, 120_000);

  /**
   * install.cmd at a console: the default (no) at the models question, yes to the MCP question and
   * yes to replacing the user's own servers. A pseudo-terminal gives Wine's cmd a console (set /p
   * reads each typed line from it); the console wraps at 80 columns, so each prompt is waited for by
   * its first words. `shown`: the transcript without escapes or line breaks.
   */
  async function atConsoleSayingYes(args: string): Promise<{ exitCode: number | null; shown: string }> {
    const env = wineEnv(machine.prefix, { env: { CCENV_API_KEY: KEY }, path: [machine.dirs.shims, machine.dirs.node, machine.dirs.claude] });
    const r = await runInPty(`stty -icrnl; wine cmd /c '${windowsPath(installer)}'${args}`, {
      env,
      cwd: machine.work,
      answers: [
        { when: "Map Claude Code's models", send: '\r' },
        { when: 'Also set up Zhipu GLM Coding Plan', send: 'y\r' },
        { when: 'You already have MCP servers of your own', send: 'y\r' },
      ],
      timeoutMs: 150_000,
    });
    return { exitCode: r.exitCode, shown: r.transcript.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r?\n/g, '') };
  }

  test('at a console: yes at the MCP question, then yes to replacing the user\'s own web-reader: zhipu\'s replaces it', async () => {
    const { exitCode, shown } = await atConsoleSayingYes('');
    expect(exitCode, shown).toBe(0);
    expect(shown).toContain('named web-reader. Replace them');
    expect(shown).not.toContain(KEY);
    const servers = serversIn();
    expect(servers['web-reader']).toEqual({ type: 'http', url: `${ZHIPU_MCP}/web_reader/mcp`, headers: BEARER });
    expect(Object.keys(servers).sort()).toEqual(['web-reader', 'web-search-prime', 'zai-mcp-server', 'zread']);
  }, 180_000);
  test('--dry-run at a console asks the same questions and shows the servers it would set up, the key masked; .claude.json is left byte for byte', async () => {
    const { exitCode, shown } = await atConsoleSayingYes(' --dry-run');
    expect(exitCode, shown).toBe(0);
    expect(shown).toContain('named web-reader. Replace them');
    expect(shown).toMatch(/mcpServers\.web-search-prime/);
    expect(shown).toMatch(/mcpServers\.web-reader/);
    expect(shown).not.toContain(KEY);
    expect(readFileSync(stateFile(), 'utf8')).toBe(USER_STATE);
    expect(existsSync(path.join(machine.prefix.userDir, '.claude', 'settings.json'))).toBe(false);
  }, 180_000);
});
