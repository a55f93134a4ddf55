// The bundled program: deterministic, pure ASCII, no absolute path of this machine, Node
// built-ins only, the plan carried as an exact literal; and it runs on every Node at hand.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import type { BakedProfile } from '../../src/configure/baked-profile.js';
import { loadConfigureArtifact } from '../support/configure-artifact.js';
import { bakeProfile } from '../../src/render/context.js';
import { resolveProfile } from '../../src/profile/load.js';
import { loadCatalog as loadFullCatalog } from '../../src/messages/catalog.js';
import { CCENV_VERSION } from '../../src/version.js';
import { KEY, readJson, run, sandbox } from '../support/run-configure.js';
import { NODE_TOO_OLD_EXIT } from '../../src/contract.js';
import { ensureCurrentNode } from '../../src/harness/node-fixture.js';
import { REPO_ROOT, testBakedProfile } from '../support/baked-profile.js';

async function freshBuild(plan: BakedProfile): Promise<string> {
  vi.resetModules(); // a new module instance: no cached bundle
  const mod = await import('../../src/configure/bundle.js');
  // and no cache file either: esbuild runs each time
  return mod.buildConfigureProgram(plan, { ...mod.defaultBundleSource(), cacheFile: null });
}

const hostilePlan = testBakedProfile({
  profileId: 'hostile',
  env: {
    ANTHROPIC_BASE_URL: 'https://example.com/a\u2028b\u2029c',
    EXTRA: '</script>\'"`${x}\\n%PATH%!x!^&|<>\u4f60\u597d\ud83d\ude00',
  },
});

describe('buildConfigureProgram', () => {
  test('is byte-identical across builds', async () => {
    const a = await freshBuild(testBakedProfile());
    const b = await freshBuild(testBakedProfile());
    expect(a).toBe(b);
    // and the copy inlined in the committed installer is what the build produces today
    const zhipu = bakeProfile(resolveProfile('zhipu'), loadFullCatalog(), CCENV_VERSION);
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

// The program's first lines (node-guard.ts) parse and run on any Node.js: asked by an installer that
// skipped `node --version` (CCENV_NODE_FOUND), a node below the profile's minimum (22) is refused
// before anything is read or written; run directly, only one below the bundle's own Node 18.
describe('the Node.js version guard', () => {
  test('asked by an installer: Node 18 and Node 14 exit 90 silently and touch nothing; Node 22 names itself and configures', async () => {
    for (const node of [await ensureCurrentNode('18.20.4'), await ensureCurrentNode('14.21.3')]) {
      const sb = sandbox();
      const r = await run({ home: sb.home, node, env: { CCENV_NODE_FOUND: node } });
      expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ status: NODE_TOO_OLD_EXIT, stdout: '', stderr: '' });
      expect(fs.readdirSync(sb.home)).toEqual([]);
    }
    const current = await ensureCurrentNode();
    const sb = sandbox();
    const r = await run({ home: sb.home, node: current, env: { CCENV_NODE_FOUND: '/opt/node/bin/node' } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^Node\.js v22\.\d+\.\d+ found: \/opt\/node\/bin\/node$/);
    expect((readJson(sb.settings)['env'] as Record<string, unknown>)['ANTHROPIC_AUTH_TOKEN']).toBe(KEY);
  });

  test('run directly: Node 14 is refused with one line naming it (exit 90, nothing written); Node 18 configures; --uninstall takes any Node', async () => {
    const node14 = await ensureCurrentNode('14.21.3');
    const sb = sandbox();
    const r = await run({ home: sb.home, node: node14, env: { CCENV_LANG: 'en' } });
    expect(r.status).toBe(NODE_TOO_OLD_EXIT);
    expect(r.stderr).toBe(`Node.js v14.21.3 (${node14}) is older than 18, the oldest this program runs on: run the installer, which installs Node.js 22.\n`);
    expect(fs.readdirSync(sb.home)).toEqual([]);
    const zh = await run({ home: sb.home, node: node14, env: { CCENV_LANG: 'zh_CN.UTF-8' } });
    expect(zh.stderr).toContain('低于本程序所需的最低版本 18');
    expect((await run({ home: sb.home, node: await ensureCurrentNode('18.20.4') })).status).toBe(0);
    // the guard lets --uninstall through on any Node (what it does there is that Node's business)
    const un = await run({ home: sb.home, node: node14, args: ['--uninstall'] });
    expect(un.status).not.toBe(NODE_TOO_OLD_EXIT);
  });
});
