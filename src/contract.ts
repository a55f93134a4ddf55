// The installer contract shared by all three installers, the templates' context and the tests.

export const EXIT = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  download: 3,
  invalidConfig: 4,
  noKey: 5,
  unsupported: 6,
  installFailed: 7,
  cannotWrite: 8,
  /** Ctrl-C at a prompt (the shell convention, 128 + SIGINT). */
  interrupted: 130,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Environment variables an installer reads. */
export const INPUT_ENV = {
  apiKey: 'CCENV_API_KEY',
  yes: 'CCENV_YES',
  nodeMirror: 'CCENV_NODE_MIRROR',
  npmRegistry: 'CCENV_NPM_REGISTRY',
  allowHttp: 'CCENV_ALLOW_HTTP',
  lang: 'CCENV_LANG',
  modelOpus: 'CCENV_MODEL_OPUS',
  modelSonnet: 'CCENV_MODEL_SONNET',
  modelHaiku: 'CCENV_MODEL_HAIKU',
  installDir: 'CCENV_INSTALL_DIR',
  noModifyPath: 'CCENV_NO_MODIFY_PATH',
  /** Seconds a download (or npm) may go without progress before that attempt is given up (default 30). */
  stallTimeout: 'CCENV_STALL_TIMEOUT',
  /** Milliseconds --doctor/--check wait for the endpoint's whole answer (default 15000). */
  checkTimeout: 'CCENV_CHECK_TIMEOUT_MS',
  /** Which of the profile's MCP servers to set up: all, none, or names separated by commas (unset: ask). */
  mcp: 'CCENV_MCP',
  /** MCP servers of the user's own, of the same name, that may be replaced: all, or names (unset: ask; kept with --yes). */
  mcpReplace: 'CCENV_MCP_REPLACE',
} as const;

/** Set by the installer for the configure program only: apply the profile's suggested model mapping. */
export const USE_MODELS_ENV = 'CCENV_USE_MODELS';

/**
 * Set by the installer for the configure program only: the node running it was found at this path
 * and its version not yet checked (the program checks it first, and says which Node.js it found).
 */
export const NODE_FOUND_ENV = 'CCENV_NODE_FOUND';

/**
 * The configure program's answer to a Node.js older than the profile's minimum, before it reads or
 * writes anything. Private to the installers, which turn it into downloading a newer Node.js.
 */
export const NODE_TOO_OLD_EXIT = 90;

/** Claude Code's user-scope MCP servers: a top-level member of its state file (~/.claude.json). */
export const MCP_SERVERS_KEY = 'mcpServers';

/** Claude Code's own names. */
export const CLAUDE_ENV = {
  authToken: 'ANTHROPIC_AUTH_TOKEN',
  apiKey: 'ANTHROPIC_API_KEY',
  baseUrl: 'ANTHROPIC_BASE_URL',
  timeout: 'API_TIMEOUT_MS',
  nonessential: 'CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC',
  opus: 'ANTHROPIC_DEFAULT_OPUS_MODEL',
  sonnet: 'ANTHROPIC_DEFAULT_SONNET_MODEL',
  haiku: 'ANTHROPIC_DEFAULT_HAIKU_MODEL',
  configDir: 'CLAUDE_CONFIG_DIR',
} as const;

/**
 * The largest timer delay JavaScript takes (2^31 − 1 ms): a larger API_TIMEOUT_MS overflows in
 * Claude Code and every request fails at once; the profile schema and --doctor both hold it.
 */
export const MAX_TIMEOUT_MS = 2147483647;
