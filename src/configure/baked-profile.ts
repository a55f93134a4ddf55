// The baked profile: what the build fixes into the configure program from the profile (ids,
// endpoint env, models, messages). Runtime inputs (the key, the language, model overrides) come
// from the program's environment. ("Plan" is kept for the change lists a run computes.)

export type Lang = 'en' | 'zh';

/** Messages for the configure program, already resolved for profile placeholders. */
export type MessageTable = Record<Lang, Record<string, string>>;

export interface ModelMapping {
  opus?: string;
  sonnet?: string;
  haiku?: string;
}

/** An MCP server as the profile defines it; {key} in a header or env value stands for the key. */
export type McpSpec =
  | { type: 'http'; url: string; headers: Record<string, string> }
  | { type: 'stdio'; command: string; args: string[]; env: Record<string, string> };

export interface BakedMcp {
  /** Set up unless the user declines (the installer asks; CCENV_MCP decides unasked). */
  enabledByDefault: boolean;
  /** In the profile's order. */
  servers: Array<{ name: string; spec: McpSpec }>;
}

export interface BakedProfile {
  /** Profile id, recorded in the receipt. */
  profileId: string;
  /** ccenv version that generated the installer. */
  ccenvVersion: string;
  /** Display name of the provider (already localized per language). */
  providerName: Record<Lang, string>;
  /**
   * env entries written into settings.json, values as strings:
   * ANTHROPIC_BASE_URL, API_TIMEOUT_MS, CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC and the profile's extra env.
   * ANTHROPIC_AUTH_TOKEN is not here: it comes from CCENV_API_KEY at run time.
   */
  env: Record<string, string>;
  /** The profile's suggested model mapping; applied only when CCENV_USE_MODELS=1. */
  models: ModelMapping;
  messages: MessageTable;
  /** The oldest Node.js major version a configure run accepts (the profile's node.minimum). */
  nodeMin?: number;
  /** MCP servers the profile offers, written into the state file's mcpServers when chosen. */
  mcp?: BakedMcp;
}
