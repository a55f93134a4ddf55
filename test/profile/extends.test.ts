// `extends`: a company profile on top of a built-in one states only what differs.
import { describe, expect, test } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UserError } from '../../src/errors.js';
import { loadProfileFile, resolveProfile } from '../../src/profile/load.js';
import { mergeProfileData } from '../../src/profile/extends.js';
import { repoPath } from '../../src/paths.js';

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ccenv-extends-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

describe('extends', () => {
  test('the company fixture: zhipu\'s endpoint and key page, its own names, mirror, registry and timeout', () => {
    const zhipu = resolveProfile('zhipu');
    const p = loadProfileFile(repoPath('test', 'fixtures', 'profiles', 'company.yaml'));
    expect(p.id).toBe('company');
    expect(p.name).toEqual({ en: 'Example Corp GLM', zh: '示例公司 GLM' });
    expect(p.baseUrl).toBe(zhipu.baseUrl);
    expect(p.keyUrl).toBe(zhipu.keyUrl);
    expect(p.models).toEqual(zhipu.models);
    expect(p.node).toEqual({ minimum: 22, mirror: 'https://mirror.corp.example/nodejs/dist' });
    expect(p.npmRegistry).toBe('https://npm.corp.example');
    // env merges key by key: the timeout changed, the traffic switch inherited
    expect(p.env).toEqual({ API_TIMEOUT_MS: '3600000', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' });
    // the base's source for env no longer vouches for a value the company changed
    expect(Object.keys(p.provenance).sort()).toEqual(['baseUrl', 'keyUrl', 'models']);
  });

  test('null removes what the base set; lists replace', () => {
    const merged = mergeProfileData(
      { id: 'a', models: { opus: 'x', sonnet: 'x', haiku: 'x' }, env: { A: '1', B: '2' }, list: [1, 2] },
      { id: 'b', models: null, env: { B: null, C: '3' }, list: [3] },
    );
    expect(merged).toEqual({ id: 'b', env: { A: '1', C: '3' }, list: [3] });
  });

  test('a chain of files, paths relative to the file that names them', () => {
    const dir = folder({
      'regional.yaml': 'extends: zai\nid: regional\nregion: cn\n',
      'team.yaml': 'extends: ./regional.yaml\nid: team\nname: { en: Team, zh: 团队 }\nmodels: null\n',
    });
    const p = loadProfileFile(path.join(dir, 'team.yaml'));
    expect(p.baseUrl).toBe('https://api.z.ai/api/anthropic');
    expect(p.region).toBe('cn');
    expect(p.node.mirror).toBe('https://npmmirror.com/mirrors/node');
    expect(p.models).toBeUndefined();
    expect(p.name.en).toBe('Team');
  });

  test('a loop, a missing base, a non-string extends and a missing own id are errors naming the file', () => {
    const dir = folder({
      'a.yaml': 'extends: ./b.yaml\nid: a\n',
      'b.yaml': 'extends: ./a.yaml\nid: b\n',
      'gone.yaml': 'extends: ./nowhere.yaml\nid: gone\n',
      'num.yaml': 'extends: 3\nid: num\n',
      'noid.yaml': 'extends: zhipu\n',
    });
    expect(() => loadProfileFile(path.join(dir, 'a.yaml'))).toThrow(/b\.yaml: extends: "\.\/a\.yaml" leads back to itself \(a\.yaml → b\.yaml → a\.yaml\)/);
    expect(() => loadProfileFile(path.join(dir, 'gone.yaml'))).toThrow(/nowhere\.yaml: cannot read \(ENOENT\)/);
    expect(() => loadProfileFile(path.join(dir, 'num.yaml'))).toThrow(/num\.yaml: extends: must be a built-in profile id or a path/);
    // the id would be zhipu's, which is not this file's name
    expect(() => loadProfileFile(path.join(dir, 'noid.yaml'))).toThrow(UserError);
    expect(() => loadProfileFile(path.join(dir, 'noid.yaml'))).toThrow(/noid\.yaml: id: "zhipu" must match the file name/);
  });
});
