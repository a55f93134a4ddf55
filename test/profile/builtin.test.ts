// The built-in catalog: one profile per row of PROVIDERS.md, with the facts and caveats it states.
import { describe, expect, test } from 'vitest';
import { builtinProfileIds, resolveProfile } from '../../src/profile/load.js';
import { REGION_DEFAULTS } from '../../src/profile/regions.js';

// id → base URL, key page, region, the facts PROVIDERS.md marks secondary / unverified
const CATALOG: Record<string, { baseUrl: string; keyUrl: string; region: 'cn' | 'global'; secondary: string[]; unverified: string[] }> = {
  zhipu: { baseUrl: 'https://open.bigmodel.cn/api/anthropic', keyUrl: 'https://open.bigmodel.cn/usercenter/proj-mgmt/apikeys', region: 'cn', secondary: [], unverified: [] },
  zai: { baseUrl: 'https://api.z.ai/api/anthropic', keyUrl: 'https://z.ai/manage-apikey/apikey-list', region: 'global', secondary: [], unverified: [] },
  deepseek: { baseUrl: 'https://api.deepseek.com/anthropic', keyUrl: 'https://platform.deepseek.com/api_keys', region: 'global', secondary: [], unverified: ['keyUrl'] },
  moonshot: { baseUrl: 'https://api.moonshot.cn/anthropic', keyUrl: 'https://platform.moonshot.cn/console/api-keys', region: 'cn', secondary: ['baseUrl', 'models'], unverified: ['keyUrl', 'env'] },
  'moonshot-intl': { baseUrl: 'https://api.moonshot.ai/anthropic', keyUrl: 'https://platform.moonshot.ai/console/api-keys', region: 'global', secondary: ['baseUrl', 'models'], unverified: ['keyUrl', 'env'] },
  minimax: { baseUrl: 'https://api.minimax.io/anthropic', keyUrl: 'https://platform.minimax.io', region: 'global', secondary: [], unverified: ['keyUrl'] },
  'minimax-cn': { baseUrl: 'https://api.minimaxi.com/anthropic', keyUrl: 'https://platform.minimaxi.com', region: 'cn', secondary: [], unverified: ['keyUrl'] },
  dashscope: { baseUrl: 'https://dashscope.aliyuncs.com/apps/anthropic', keyUrl: 'https://bailian.console.aliyun.com', region: 'cn', secondary: [], unverified: ['keyUrl', 'env'] },
  'dashscope-intl': { baseUrl: 'https://dashscope-intl.aliyuncs.com/apps/anthropic', keyUrl: 'https://modelstudio.console.alibabacloud.com', region: 'global', secondary: [], unverified: ['keyUrl', 'env'] },
  // coding plans with their own endpoint and keys (MiniMax's plan uses the minimax/minimax-cn endpoints)
  'kimi-coding': { baseUrl: 'https://api.kimi.com/coding', keyUrl: 'https://www.kimi.com/code/console', region: 'cn', secondary: ['baseUrl', 'keyUrl'], unverified: ['env'] },
  'dashscope-coding': { baseUrl: 'https://coding.dashscope.aliyuncs.com/apps/anthropic', keyUrl: 'https://bailian.console.aliyun.com', region: 'cn', secondary: [], unverified: ['keyUrl', 'env'] },
};

describe('built-in profiles', () => {
  test('exactly the providers of PROVIDERS.md', () => {
    expect(builtinProfileIds()).toEqual(Object.keys(CATALOG).sort());
  });

  for (const [id, want] of Object.entries(CATALOG)) {
    test(`${id}: endpoint, key page, region mirrors, provenance`, () => {
      const p = resolveProfile(id);
      expect([p.baseUrl, p.keyUrl, p.region]).toEqual([want.baseUrl, want.keyUrl, want.region]);
      expect(p.node.mirror).toBe(REGION_DEFAULTS[want.region].nodeMirror);
      expect(p.npmRegistry).toBe(REGION_DEFAULTS[want.region].npmRegistry);
      expect(p.name.en.length).toBeGreaterThan(0);
      expect(p.name.zh).toMatch(/[\u4e00-\u9fff]|GLM/);
      expect(p.env.CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC).toBe('1');
      expect(Number(p.env.API_TIMEOUT_MS)).toBeGreaterThan(0);
      // every fact carries a source; the flags are exactly those PROVIDERS.md gives
      for (const fact of ['baseUrl', 'keyUrl', 'env'] as const) expect(p.provenance[fact]?.source, `${id} ${fact}`).toBeTruthy();
      if (p.models) expect(p.provenance.models?.source).toBeTruthy();
      const flagged = (flag: 'secondary' | 'unverified') => Object.entries(p.provenance).filter(([, f]) => f?.[flag]).map(([k]) => k).sort();
      expect(flagged('secondary')).toEqual([...want.secondary].sort());
      expect(flagged('unverified')).toEqual([...want.unverified].sort());
      // a built-in fact always says when it was last checked (a provider's own may leave it out, and is warned)
      for (const [fact, f] of Object.entries(p.provenance)) expect(f?.checked, `${id} ${fact}.checked`).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    });
  }

  test('a mapping only where the provider needs one: none applied by default for Zhipu, Z.ai, DeepSeek, Kimi For Coding', () => {
    for (const id of ['zhipu', 'zai']) expect(resolveProfile(id).models?.enabledByDefault).toBe(false);
    for (const id of ['deepseek', 'kimi-coding']) expect(resolveProfile(id).models, id).toBeUndefined();
    for (const id of ['moonshot', 'moonshot-intl', 'minimax', 'minimax-cn', 'dashscope', 'dashscope-intl', 'dashscope-coding']) {
      expect(resolveProfile(id).models?.enabledByDefault, id).toBe(true);
    }
  });
});
