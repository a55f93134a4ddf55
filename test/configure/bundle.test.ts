// The bundled program: deterministic, pure ASCII, no absolute path of this machine, Node
// built-ins only, the plan carried as an exact literal; and it runs on every Node at hand.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import type { ConfigurePlan } from '../../src/configure/plan.js';
import { loadConfigureArtifact } from './artifact.js';
import { configurePlan } from '../../src/render/context.js';
import { resolveProfile } from '../../src/profile/load.js';
import { loadCatalog as loadFullCatalog } from '../../src/messages/catalog.js';
import { CCENV_VERSION } from '../../src/version.js';
import { KEY, readJson, run, sandbox } from './harness.js';
import { REPO_ROOT, testPlan } from './plan.js';

async function freshBuild(plan: ConfigurePlan): Promise<string> {
  vi.resetModules(); // a new module instance: no cached bundle
  const mod = await import('../../src/configure/bundle.js');
  // and no cache file either: esbuild runs each time
  return mod.buildConfigureProgram(plan, { ...mod.defaultBundleSource(), cacheFile: null });
}

const hostilePlan = testPlan({
  profileId: 'hostile',
  env: {
    ANTHROPIC_BASE_URL: 'https://example.com/a\u2028b\u2029c',
    EXTRA: '</script>\'"`${x}\\n%PATH%!x!^&|<>\u4f60\u597d\ud83d\ude00',
  },
});

describe('buildConfigureProgram', () => {
  test('is byte-identical across builds', async () => {
    const a = await freshBuild(testPlan());
    const b = await freshBuild(testPlan());
    expect(a).toBe(b);
    // and the copy inlined in the committed installer is what the build produces today
    const zhipu = configurePlan(resolveProfile('zhipu'), loadFullCatalog(), CCENV_VERSION);
    expect(await loadConfigureArtifact()).toBe(await freshBuild(zhipu));
  });

  test('is pure ASCII and holds no absolute path of this machine', async () => {
    const text = await freshBuild(hostilePlan);
    expect(text).toMatch(/^[\x09\x0a\x20-\x7e]*$/);
    for (const p of [REPO_ROOT, os.homedir(), os.tmpdir() + '/', '/work/']) expect(text).not.toContain(p);
    expect(text).toContain('// src/configure/main.ts');
  });

  test('requires Node built-ins only', async () => {
    const text = await loadConfigureArtifact();
    const required = [...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    expect(required.length).toBeGreaterThan(0);
    // files, the key check, and for --doctor/--check: http(s) to the endpoint, reg.exe / claude --version
    for (const name of required) expect(name).toMatch(/^node:(fs|path|os|crypto|http|https|child_process)$/);
    expect(text).not.toMatch(/\bimport\s*\(|import\.meta/);
  });

  test('ends with the call carrying the plan as an exact literal', async () => {
    const text = await freshBuild(hostilePlan);
    const lines = text.trimEnd().split('\n');
    const last = lines[lines.length - 1] as string;
    const m = /^ccenvConfigure\.main\((.*)\);$/.exec(last);
    expect(m).not.toBeNull();
    expect(JSON.parse(m?.[1] as string)).toEqual(hostilePlan);
    // and the literal is also what a JavaScript engine reads
    expect(new Function(`return ${m?.[1] as string};`)()).toEqual(hostilePlan);
  });
});

// Node 18 is the floor the bundle targets; check with every Node binary available here.
const nodes = [...new Set([process.execPath, '/usr/bin/node', '/usr/local/bin/node', process.env['CCENV_TEST_NODE18'] ?? ''])]
  .filter((p) => p !== '' && fs.existsSync(p))
  .map((p) => [p, spawnSync(p, ['--version'], { encoding: 'utf8' }).stdout.trim()] as const);

describe.each(nodes)('under %s (%s)', (node) => {
  test('configure, re-run, uninstall', async () => {
    const sb = sandbox();
    expect((await run({ home: sb.home, node })).status).toBe(0);
    expect((readJson(sb.settings)['env'] as Record<string, unknown>)['ANTHROPIC_AUTH_TOKEN']).toBe(KEY);
    const again = await run({ home: sb.home, node });
    expect(again.stdout).toContain('already up to date');
    expect((await run({ home: sb.home, node, args: ['--uninstall'] })).status).toBe(0);
    expect(fs.readdirSync(path.join(sb.home))).toEqual(['.claude']);
  });
});
