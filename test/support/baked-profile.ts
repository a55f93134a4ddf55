// The baked profile the configure tests run with: zhipu-like values plus the real message catalog.

import { REPO_ROOT } from '../../src/paths.js';
import { loadCatalog } from '../../src/messages/catalog.js';
import { resolveProfile } from '../../src/profile/load.js';
import { bakeProfile } from '../../src/render/context.js';
import { CCENV_VERSION } from '../../src/version.js';
import type { BakedProfile, MessageTable } from '../../src/configure/baked-profile.js';

export { REPO_ROOT };

/** The configure program's messages exactly as the build puts them into the baked profile. */
export function loadMessages(): MessageTable {
  return bakeProfile(resolveProfile('zhipu'), loadCatalog(), CCENV_VERSION).messages;
}

export const ZHIPU_ENV = {
  ANTHROPIC_BASE_URL: 'https://open.bigmodel.cn/api/anthropic',
  API_TIMEOUT_MS: '3000000',
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
} as const;

export const ZHIPU_MODELS = { opus: 'glm-4.7', sonnet: 'glm-4.7', haiku: 'glm-4.5-air' } as const;

export function testBakedProfile(overrides: Partial<BakedProfile> = {}): BakedProfile {
  return {
    profileId: 'zhipu',
    ccenvVersion: '0.1.0-test',
    providerName: { en: 'Zhipu GLM Coding Plan', zh: '智谱 GLM 编码套餐' },
    env: { ...ZHIPU_ENV },
    models: { ...ZHIPU_MODELS },
    messages: loadMessages(),
    ...overrides,
  };
}

export const DEEPSEEK_ENV = {
  ANTHROPIC_BASE_URL: 'https://api.deepseek.com/anthropic',
  API_TIMEOUT_MS: '600000',
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
} as const;

/** Baked-profile overrides per test profile: zhipu (with a suggested mapping) and deepseek (none). */
export const PROFILES: Record<string, Partial<BakedProfile>> = {
  zhipu: {},
  deepseek: {
    profileId: 'deepseek',
    providerName: { en: 'DeepSeek', zh: '深度求索' },
    env: { ...DEEPSEEK_ENV },
    models: {},
  },
};
