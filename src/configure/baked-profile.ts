// The data an installer hands to the configure program, fixed at build time from the profile.
// Runtime inputs (the key, the language, model overrides) come from the program's environment.

export type Lang = 'en' | 'zh';

/** Messages for the configure program, already resolved for profile placeholders. */
export type MessageTable = Record<Lang, Record<string, string>>;

export interface ModelMapping {
  opus?: string;
  sonnet?: string;
  haiku?: string;
}

export interface ConfigurePlan {
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
}
