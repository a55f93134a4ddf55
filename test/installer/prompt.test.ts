// The key typed at a real pseudo-terminal under `cat install.sh | sh`: hidden, never in the
// transcript, echo restored even after Ctrl-C.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { runInPty } from '../../src/harness/pty.js';
import { installerEnv } from '../support/run-installer.js';
import { repoPath } from '../../src/paths.js';
import { envOf, HOSTILE_KEY, readyMachines, snapshotTree } from '../support/installer-machine.js';

const SCRIPT = repoPath('dist', 'zhipu', 'install.sh');
const KEY_PROMPT = 'Enter your Zhipu GLM Coding Plan API key';
const MODELS_PROMPT = /Map Claude Code's models .*\[y\/N\] /;
const MCP_PROMPT = /Also set up Zhipu GLM Coding Plan's MCP servers .*\[y\/N\] /;

const machine = readyMachines();

/** The terminal's echo flag after the installer is done, printed by stty into the transcript. */
const ECHO_STATE = 'stty -a </dev/tty | tr " " "\\n" | grep -x -e echo -e -echo | sed "s/^/ECHO_STATE=/"';

describe('key typed at the terminal prompt', () => {
  for (const shell of ['dash', 'bash']) {
    test(`${shell}: cat install.sh | ${shell} — the key is read hidden and lands exactly`, async () => {
      const m = await machine();
      const r = await runInPty(`cat "$SCRIPT" | /usr/bin/${shell}; rc=$?; ${ECHO_STATE}; exit $rc`, {
        env: { ...installerEnv(m), SCRIPT },
        answers: [
          { when: KEY_PROMPT, send: `${HOSTILE_KEY}\r` },
          { when: MODELS_PROMPT, send: '\r' },
          { when: MCP_PROMPT, send: '\r' },
        ],
      });
      expect(r.exitCode).toBe(0);
      expect(r.transcript).not.toContain(HOSTILE_KEY);
      expect(r.transcript).not.toContain('sk-');
      expect(r.transcript).toContain('ECHO_STATE=echo');
      expect(envOf(m)['ANTHROPIC_AUTH_TOKEN']).toBe(HOSTILE_KEY);
      expect(Object.keys(envOf(m)).filter((k) => k.includes('MODEL'))).toEqual([]);
    });
  }

  test('answering yes at the model question writes the suggested mapping', async () => {
    const m = await machine();
    const r = await runInPty('cat "$SCRIPT" | /usr/bin/dash', {
      env: { ...installerEnv(m), SCRIPT },
      answers: [
        { when: KEY_PROMPT, send: 'sk-typed-123456789\r' },
        { when: MODELS_PROMPT, send: 'y\r' },
        { when: MCP_PROMPT, send: 'n\r' },
      ],
    });
    expect(r.exitCode).toBe(0);
    expect(envOf(m)).toMatchObject({
      ANTHROPIC_DEFAULT_OPUS_MODEL: 'glm-4.7',
      ANTHROPIC_DEFAULT_SONNET_MODEL: 'glm-4.7',
      ANTHROPIC_DEFAULT_HAIKU_MODEL: 'glm-4.5-air',
    });
  });

  test('yes at the MCP question sets up the servers; a same-named server of the user\'s is replaced only after a second yes', async () => {
    const m = await machine();
    const state = path.join(m.home, '.claude.json');
    const own = { type: 'http', url: 'https://reader.my-own.dev/mcp' };
    fs.writeFileSync(state, JSON.stringify({ mcpServers: { 'web-reader': own, zread: own } }, null, 2) + '\n');
    const r = await runInPty('cat "$SCRIPT" | /usr/bin/dash', {
      env: { ...installerEnv(m), SCRIPT },
      answers: [
        { when: KEY_PROMPT, send: 'sk-typed-123456789\r' },
        { when: MODELS_PROMPT, send: '\r' },
        { when: MCP_PROMPT, send: 'y\r' },
        { when: /MCP servers of your own named web-reader,zread\. Replace them .*\[y\/N\] /, send: 'y\r' },
      ],
    });
    expect(r.exitCode, r.transcript).toBe(0);
    const servers = (JSON.parse(fs.readFileSync(state, 'utf8')) as { mcpServers: Record<string, { url?: string; headers?: Record<string, string> }> }).mcpServers;
    expect(servers['web-search-prime']?.headers).toEqual({ Authorization: 'Bearer sk-typed-123456789' });
    expect(servers['web-reader']?.url).toBe('https://open.bigmodel.cn/api/mcp/web_reader/mcp');
    expect(servers['zread']?.url).toBe('https://open.bigmodel.cn/api/mcp/zread/mcp');
    expect(r.transcript).toContain('MCP servers for Claude Code: web-search-prime, web-reader, zread');
  });

  test('a full-width character is refused at the prompt and the key asked again', async () => {
    const m = await machine();
    const r = await runInPty('cat "$SCRIPT" | /usr/bin/dash', {
      env: { ...installerEnv(m), SCRIPT },
      answers: [
        { when: KEY_PROMPT, send: 'sk-ａbc123456\r' },
        { when: 'Enter it again', send: '' },
        { when: KEY_PROMPT, send: 'sk-abc123456\r' },
        { when: MODELS_PROMPT, send: 'n\r' },
        { when: MCP_PROMPT, send: '\r' },
      ],
    });
    expect(r.exitCode).toBe(0);
    expect(r.transcript).toContain('U+FF41');
    expect(envOf(m)['ANTHROPIC_AUTH_TOKEN']).toBe('sk-abc123456');
  });

  for (const shell of ['dash', 'bash']) {
    test(`${shell}: Ctrl-C at the prompt exits 130, restores echo, changes nothing`, async () => {
      const m = await machine();
      const r = await runInPty(`trap 'echo' INT; cat "$SCRIPT" | /usr/bin/${shell}; rc=$?; ${ECHO_STATE}; echo "RC=$rc"`, {
        env: { ...installerEnv(m), SCRIPT },
        answers: [
          { when: KEY_PROMPT, send: 'sk-half' },
          { when: '', send: '\x03', resendIfSilentMs: 2000 },
        ],
      });
      expect(r.transcript).toContain('RC=130');
      expect(r.transcript).toContain('ECHO_STATE=echo');
      expect(r.transcript).not.toContain('sk-half');
      expect(snapshotTree(m.home)).toEqual({});
    });
  }
});
