// Every built-in profile on the golden path, in one sandbox whose only network is the loopback
// fixture server answering for the real host names: the first installer (DeepSeek, region global)
// installs Node from nodejs.org and the real Claude Code from registry.npmjs.org; then each
// profile's own install.sh, piped from the CDN, configures it with its own key, and `claude -p`
// calls that profile's own host (resolved to an API stub that accepts only that key) with the
// mapped model where the profile applies one. Last, CCENV_MODEL_OPUS overrides at install time.
import { beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_REPLY } from '../../src/harness/api-stub.js';
import { ensureNodeMirror, type NodeMirror } from '../../src/harness/node-mirror.js';
import { CLAUDE_CODE_VERSION, ensureClaudeCodeSnapshot, type RegistrySnapshot } from '../../src/harness/npm-registry.js';
import { hostNodeBinary } from '../../src/harness/node-fixture.js';
import { PROXY_USER_ENV, runScenario, type ScenarioStep } from '../../src/harness/sandbox.js';
import { HOSTS, standardSites, type SiteSpec } from '../../src/harness/sites.js';
import { repoPath } from '../../src/paths.js';
import { builtinProfileIds, resolveProfile } from '../../src/profile/load.js';
import type { Profile } from '../../src/profile/schema.js';

const FIRST = 'deepseek';
const profiles: Profile[] = [FIRST, ...builtinProfileIds().filter((id) => id !== FIRST)].map(resolveProfile);
const keyOf = (id: string) => `sk-${id}-e2e-${id.length}7f3`;
const hostOf = (p: Profile) => new URL(p.baseUrl).hostname;
const pathOf = (p: Profile) => new URL(p.baseUrl).pathname;
/**
 * The model the main request carries. Claude Code 2.1.330 with a token and no subscription starts on
 * its Opus alias, so that is the mapping's Opus name when the mapping applies by default.
 */
const expectedModel = (p: Profile) => (p.models?.enabledByDefault ? p.models.opus : undefined);
const OVERRIDE = { profile: 'minimax', model: 'MiniMax-M2.1-override', variable: 'CCENV_MODEL_OPUS' };

let mirror: NodeMirror;
let snapshot: RegistrySnapshot;

beforeAll(async () => {
  [mirror, snapshot] = await Promise.all([ensureNodeMirror(), ensureClaudeCodeSnapshot()]);
}, 1_800_000);

function installStep(p: Profile, env: Record<string, string> = {}): ScenarioStep {
  return {
    name: `install ${p.id}`,
    command: `curl -fsSL https://${HOSTS.cdn}/${p.id}/install.sh | sh`,
    env: { ...PROXY_USER_ENV, CCENV_API_KEY: keyOf(p.id), CCENV_YES: '1', ...env },
    timeoutMs: 600_000,
  };
}

function promptStep(p: Profile, tag = p.id): ScenarioStep {
  return {
    name: `claude ${tag}`,
    // a new login shell: ~/.profile puts the installed node and claude on PATH
    command: `. "$HOME/.profile" && claude -p "hello ${tag}"`,
    env: { CLAUDE_CODE_MAX_RETRIES: '0' },
    timeoutMs: 120_000,
  };
}

describe('every built-in profile, end to end', () => {
  test(`${profiles.length} profiles: installed and configured by their own install.sh, claude -p calls their own host with their key and model`, async () => {
    const apiSites: SiteSpec[] = profiles.map((p) => ({ kind: 'api-stub', host: hostOf(p), options: { expectKey: keyOf(p.id) } }));
    const override = resolveProfile(OVERRIDE.profile);
    const r = await runScenario({
      sites: [...standardSites({ dist: repoPath('dist'), nodeMirror: mirror.root, registry: snapshot, api: false }), ...apiSites],
      toolbox: { node: hostNodeBinary() },
      collect: ['.claude/settings.json'],
      steps: [
        ...profiles.flatMap((p) => [installStep(p), promptStep(p)]),
        installStep(override, { [OVERRIDE.variable]: OVERRIDE.model }),
        promptStep(override, `${override.id}-override`),
      ],
    });
    const step = (name: string) => r.steps.find((s) => s.name === name)!;

    // the first installer fetched Node and Claude Code from the official servers (region global)
    const first = step(`install ${FIRST}`);
    expect(first.exitCode, first.transcript).toBe(0);
    expect(first.transcript).toContain(`Claude Code ${CLAUDE_CODE_VERSION} installed`);
    expect(first.requests.some((q) => q.host === HOSTS.node && q.url.endsWith('/SHASUMS256.txt'))).toBe(true);
    expect(first.requests.some((q) => q.host === HOSTS.registry && q.url.endsWith('.tgz') && q.status === 200)).toBe(true);

    for (const p of profiles) {
      const install = step(`install ${p.id}`);
      expect(install.exitCode, `${p.id}:\n${install.transcript}`).toBe(0);
      expect(install.transcript, p.id).not.toContain(keyOf(p.id));
      const use = step(`claude ${p.id}`);
      expect(use.exitCode, `${p.id}:\n${use.transcript}`).toBe(0);
      expect(use.stdout).toContain(DEFAULT_REPLY);
      const call = r.apiCalls.find((c) => c.lastUserText === `hello ${p.id}` && c.status === 200);
      expect(call, `${p.id}: no successful call`).toBeDefined();
      expect(call).toMatchObject({ host: hostOf(p), authorization: `Bearer ${keyOf(p.id)}` });
      expect(call!.url.startsWith(`${pathOf(p)}/v1/messages`), call!.url).toBe(true);
      const model = expectedModel(p);
      if (model) expect(call!.model, p.id).toBe(model);
      else expect(call!.model, p.id).toMatch(/^claude-opus-/);
    }

    // CCENV_MODEL_OPUS at install time wins over the profile's mapping; the others stay
    const o = r.apiCalls.find((c) => c.lastUserText === `hello ${override.id}-override` && c.status === 200);
    expect(o).toMatchObject({ host: hostOf(override), model: OVERRIDE.model });
    const settings = JSON.parse(r.files['.claude/settings.json'] ?? '{}') as { env: Record<string, string> };
    expect(settings.env).toMatchObject({
      ANTHROPIC_BASE_URL: override.baseUrl,
      ANTHROPIC_DEFAULT_OPUS_MODEL: OVERRIDE.model,
      ANTHROPIC_DEFAULT_SONNET_MODEL: override.models!.sonnet,
      ANTHROPIC_DEFAULT_HAIKU_MODEL: override.models!.haiku,
    });
    // nothing but the fixture hosts was asked for, and no request carried another profile's key
    for (const c of r.apiCalls) if (c.status === 200) expect(c.key).toBe(keyOf(profiles.find((p) => hostOf(p) === c.host)!.id));
  }, 1_500_000);
});
