// The scenarios every installer runs alike: what the account holds first, the runs in order, and
// the contract each target's own result must meet (so "all three identical" cannot hide "all wrong").
import { expect } from 'vitest';
import { resolveProfile } from '../../src/profile/load.js';
import type { Step } from './targets.js';
import type { Tree } from './outcome.js';

export const KEY = 'sk-diff-0123456789abcdef.ABCDEF_xyz';
const install = (profile: string, env: Record<string, string> = {}): Step => ({ profile, env: { CCENV_API_KEY: KEY, ...env } });
const uninstall = (profile: string): Step => ({ profile, uninstall: true });

/** A settings file as people keep it: permissions, hooks, model, statusLine, env; 2-space indent, final newline. */
export const USER_SETTINGS = `{
  "$schema": "https://json.schemastore.org/claude-code-settings.json",
  "model": "opus",
  "permissions": {
    "allow": [
      "Bash(npm run lint)",
      "Bash(git diff:*)",
      "Read(~/文档/**)"
    ],
    "deny": [
      "Read(./.env)",
      "Bash(curl:*)"
    ]
  },
  "hooks": {
    "PostToolUse": [
      {
        "matcher": "Edit|Write",
        "hooks": [
          {
            "type": "command",
            "command": "npx prettier --write \\"$CLAUDE_FILE_PATHS\\""
          }
        ]
      }
    ]
  },
  "statusLine": {
    "type": "command",
    "command": "~/.claude/statusline.sh",
    "padding": 0
  },
  "env": {
    "DISABLE_TELEMETRY": "1",
    "BASH_DEFAULT_TIMEOUT_MS": "120000",
    "HTTPS_PROXY": "http://127.0.0.1:7890"
  },
  "includeCoAuthoredBy": false
}
`;

/** Claude Code's own state file after some use (compact, as Claude Code writes it). */
export const USER_STATE = `{
  "numStartups": 12,
  "installMethod": "global",
  "autoUpdates": true,
  "userID": "5f0c6e8a2b1d4c3e9a7b6d5c4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f",
  "firstStartTime": "2025-06-02T08:14:55.120Z",
  "projects": {
    "/home/li/src/app": {
      "allowedTools": [],
      "history": [],
      "hasTrustDialogAccepted": true
    }
  }
}`;

export const STALE_SETTINGS = `{
  "env": {
    "ANTHROPIC_API_KEY": "sk-ant-api03-stale-0000000000",
    "NODE_OPTIONS": "--max-old-space-size=4096"
  },
  "model": "sonnet"
}
`;

/** (2)'s state file with an MCP server of the user's own named as one of zhipu's (another URL). */
export const USER_STATE_MCP = JSON.stringify({ ...(JSON.parse(USER_STATE) as object), mcpServers: { 'web-reader': { type: 'http', url: 'https://reader.my-own.dev/mcp' } } }, null, 2);

export const MAPPING = { CCENV_MODEL_OPUS: 'glm-4.6', CCENV_MODEL_SONNET: 'glm-4.5', CCENV_MODEL_HAIKU: 'glm-4.5-air' };

export interface Scenario {
  id: string;
  title: string;
  /** Files in the home before the first run (relative path → text). */
  before: Record<string, string>;
  steps: Step[];
  /** The contract, on one target's raw files after each step and its exit codes. */
  check(trees: Tree[], exits: number[]): void;
}

const json = (tree: Tree, rel: string): Record<string, unknown> => JSON.parse(tree[rel]?.text ?? 'null') as Record<string, unknown>;
const envOf = (tree: Tree) => json(tree, '.claude/settings.json')['env'] as Record<string, string>;
const backups = (tree: Tree) => Object.keys(tree).filter((k) => k.startsWith('.claude/ccenv/backups/'));
const zhipu = resolveProfile('zhipu');
const mcpServers = (tree: Tree) => json(tree, '.claude.json')['mcpServers'] as Record<string, { url?: string; headers?: Record<string, string>; command?: string; args?: string[] }>;
const moonshot = resolveProfile('moonshot');

function configuredFor(tree: Tree, base: string): void {
  expect(envOf(tree)['ANTHROPIC_AUTH_TOKEN']).toBe(KEY);
  expect(envOf(tree)['ANTHROPIC_BASE_URL']).toBe(base);
  expect(json(tree, '.claude.json')['hasCompletedOnboarding']).toBe(true);
  expect(tree['.claude/ccenv/receipt.json']).toBeDefined();
}

export const SWITCH_TO = 'moonshot';

export const SCENARIOS: Scenario[] = [
  {
    id: 'fresh',
    title: '1. fresh account',
    before: {},
    steps: [install('zhipu')],
    check: ([t], exits) => {
      expect(exits).toEqual([0]);
      configuredFor(t!, zhipu.baseUrl);
      expect(envOf(t!)).toEqual({ ANTHROPIC_AUTH_TOKEN: KEY, ANTHROPIC_BASE_URL: zhipu.baseUrl, ...zhipu.env });
      expect(backups(t!)).toEqual([]);
    },
  },
  {
    id: 'existing',
    title: '2. existing settings (user keys, env) and ~/.claude.json',
    before: { '.claude/settings.json': USER_SETTINGS, '.claude.json': USER_STATE },
    steps: [install('zhipu')],
    check: ([t], exits) => {
      expect(exits).toEqual([0]);
      configuredFor(t!, zhipu.baseUrl);
      const mine = JSON.parse(USER_SETTINGS) as Record<string, unknown>;
      const s = json(t!, '.claude/settings.json');
      expect(Object.keys(s)).toEqual(Object.keys(mine));
      expect({ ...s, env: undefined }).toEqual({ ...mine, env: undefined });
      expect(envOf(t!)).toMatchObject(mine['env'] as Record<string, string>);
      expect({ ...json(t!, '.claude.json'), hasCompletedOnboarding: undefined }).toEqual({ ...JSON.parse(USER_STATE), hasCompletedOnboarding: undefined });
      expect(backups(t!).length).toBe(2); // settings.json and .claude.json, each before its change
    },
  },
  {
    id: 'stale',
    title: '3. stale ANTHROPIC_API_KEY in settings env',
    before: { '.claude/settings.json': STALE_SETTINGS },
    steps: [install('zhipu')],
    check: ([t], exits) => {
      expect(exits).toEqual([0]);
      configuredFor(t!, zhipu.baseUrl);
      expect(envOf(t!)).not.toHaveProperty('ANTHROPIC_API_KEY');
      expect(envOf(t!)['NODE_OPTIONS']).toBe('--max-old-space-size=4096');
    },
  },
  {
    id: 'mapping',
    title: '4. model mapping on (CCENV_MODEL_OPUS/_SONNET/_HAIKU)',
    before: {},
    steps: [install('zhipu', MAPPING)],
    check: ([t], exits) => {
      expect(exits).toEqual([0]);
      configuredFor(t!, zhipu.baseUrl);
      expect(envOf(t!)).toMatchObject({
        ANTHROPIC_DEFAULT_OPUS_MODEL: MAPPING.CCENV_MODEL_OPUS,
        ANTHROPIC_DEFAULT_SONNET_MODEL: MAPPING.CCENV_MODEL_SONNET,
        ANTHROPIC_DEFAULT_HAIKU_MODEL: MAPPING.CCENV_MODEL_HAIKU,
      });
    },
  },
  {
    id: 'switch',
    title: `5. provider switch (zhipu, then ${SWITCH_TO}) over existing settings`,
    before: { '.claude/settings.json': USER_SETTINGS, '.claude.json': USER_STATE },
    steps: [install('zhipu'), install(SWITCH_TO)],
    check: ([, t], exits) => {
      expect(exits).toEqual([0, 0]);
      configuredFor(t!, moonshot.baseUrl);
      expect(envOf(t!)).toMatchObject({ ...moonshot.env, DISABLE_TELEMETRY: '1' });
      expect(json(t!, '.claude/ccenv/receipt.json')['profiles']).toEqual(['zhipu', SWITCH_TO]);
    },
  },
  {
    id: 'rerun',
    title: '6. re-run over existing settings',
    before: { '.claude/settings.json': USER_SETTINGS, '.claude.json': USER_STATE },
    steps: [install('zhipu'), install('zhipu')],
    check: ([first, second], exits) => {
      expect(exits).toEqual([0, 0]);
      // byte for byte, the receipt included, and no new backup
      expect(second).toEqual(first);
    },
  },
  {
    id: 'uninstall',
    title: '7. --uninstall after (2)',
    before: { '.claude/settings.json': USER_SETTINGS, '.claude.json': USER_STATE },
    steps: [install('zhipu'), uninstall('zhipu')],
    check: ([, t], exits) => {
      expect(exits).toEqual([0, 0]);
      expect(t!['.claude/settings.json']?.text).toBe(USER_SETTINGS);
      expect(t!['.claude.json']?.text).toBe(USER_STATE);
      expect(t!['.claude/ccenv/receipt.json']).toBeUndefined();
    },
  },
  {
    id: 'mcp',
    title: "8. CCENV_MCP=all over the user's own web-reader MCP server, then --uninstall",
    before: { '.claude.json': USER_STATE_MCP },
    steps: [install('zhipu', { CCENV_MCP: 'all' }), uninstall('zhipu')],
    check: ([t, after], exits) => {
      expect(exits).toEqual([0, 0]);
      configuredFor(t!, zhipu.baseUrl);
      const servers = mcpServers(t!);
      const bearer = { Authorization: `Bearer ${KEY}` };
      expect(servers['web-search-prime']).toMatchObject({ type: 'http', url: 'https://open.bigmodel.cn/api/mcp/web_search_prime/mcp', headers: bearer });
      expect(servers['zread']).toMatchObject({ type: 'http', headers: bearer });
      // the user's own, kept (CCENV_MCP_REPLACE not given)
      expect(servers['web-reader']).toEqual({ type: 'http', url: 'https://reader.my-own.dev/mcp' });
      // npx, or on Windows cmd /c npx
      const vision = servers['zai-mcp-server']!;
      expect([vision.command, ...(vision.args ?? [])].join(' ')).toMatch(/^(cmd \/c )?npx -y @z_ai\/mcp-server$/);
      expect(json(t!, '.claude.json')['projects']).toEqual(JSON.parse(USER_STATE).projects);
      expect(after!['.claude.json']?.text).toBe(USER_STATE_MCP);
      expect(after!['.claude/ccenv/receipt.json']).toBeUndefined();
    },
  },
];
