// The runtime contract of the configure artifact, run as a child process exactly as the
// installers run it: key handling, CLAUDE_CONFIG_DIR, symlinks, receipts across profiles,
// uninstall, dry run, backups, languages.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  KEY,
  corpusFile,
  listBackups,
  mode,
  put,
  readJson,
  run,
  sandbox,
  snapshot,
} from '../support/run-configure.js';
import { DEEPSEEK_ENV, ZHIPU_ENV, ZHIPU_MODELS } from '../support/baked-profile.js';

type Json = Record<string, unknown>;
const envOf = (p: string): Json => (readJson(p)['env'] ?? {}) as Json;

describe('the key', () => {
  test('a hostile key lands exactly', async () => {
    const sb = sandbox();
    const hostile = 'a\'b"c$d`e;f&g|h<i>j%k\\l!m^n(o)p{q}r*s?t~u#v';
    const r = await run({ home: sb.home, key: hostile });
    expect(r.status).toBe(0);
    expect(envOf(sb.settings)['ANTHROPIC_AUTH_TOKEN']).toBe(hostile);
  });

  test.each([
    ['\n', 'LF'],
    ['\r\n', 'CRLF'],
    ['\r', 'CR'],
  ])('one trailing line ending (%j) is stripped', async (ending) => {
    const sb = sandbox();
    const r = await run({ home: sb.home, key: KEY + ending });
    expect(r.status).toBe(0);
    expect(envOf(sb.settings)['ANTHROPIC_AUTH_TOKEN']).toBe(KEY);
  });

  test.each([
    ['sk-\uFF41bc-full-width-key', 4, 'U+FF41', 'a full-width character'],
    ['sk-abc def-with-space', 7, 'U+0020', 'a space'],
    ['\u3000sk-abcdef-ideographic', 1, 'U+3000', 'a full-width space'],
    ['sk-abc\tdef-tab-inside', 7, 'U+0009', 'a tab'],
    ['sk-abcdef-two-newlines\n\n', 23, 'U+000A', 'a control character'],
    ['sk-caf\u00e9-non-ascii-key', 7, 'U+00E9', 'a non-ASCII character'],
    ['sk-\u{1F600}-emoji-then-more', 4, 'U+1F600', 'a non-ASCII character'],
  ])('%j is refused with exit 2 naming position %i, writing nothing', async (key, position, codepoint, kind) => {
    const sb = sandbox();
    put(sb.settings, corpusFile('settings-permissions.json'));
    const before = snapshot(sb.root);
    const r = await run({ home: sb.home, key });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`position ${position}: ${codepoint} (${kind})`);
    expect(r.stderr).toContain('input method');
    expect(snapshot(sb.root)).toEqual(before);
  });

  test('the position message is localized', async () => {
    const sb = sandbox();
    const r = await run({ home: sb.home, key: 'sk-\uFF41bc', env: { CCENV_LANG: 'zh_CN.UTF-8' } });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('第 4 个字符');
    expect(r.stderr).toContain('U+FF41（全角字符）');
    expect(r.stderr).toContain('输入法');
  });

  test('unset key: exit 5 naming CCENV_API_KEY; empty key: exit 2', async () => {
    const sb = sandbox();
    const unset = await run({ home: sb.home, key: null });
    expect(unset.status).toBe(5);
    expect(unset.stderr).toContain('CCENV_API_KEY');
    const empty = await run({ home: sb.home, key: '' });
    expect(empty.status).toBe(2);
    expect(empty.stderr).toContain('CCENV_API_KEY');
    const onlyNewline = await run({ home: sb.home, key: '\n' });
    expect(onlyNewline.status).toBe(2);
    expect(fs.readdirSync(sb.home)).toEqual([]);
  });

  test('the key is stored only in settings.json: receipt and backups hold no plaintext', async () => {
    const sb = sandbox();
    put(sb.settings, corpusFile('settings-previous-provider.json'));
    expect((await run({ home: sb.home })).status).toBe(0);
    const second = 'sk-second-key-abcdefghijklmnop';
    expect((await run({ home: sb.home, key: second })).status).toBe(0);
    const receipt = fs.readFileSync(sb.receipt, 'utf8');
    expect(receipt).not.toContain(KEY);
    expect(receipt).not.toContain(second);
    expect(receipt).toMatch(/"sha256": "[0-9a-f]{64}"/);
    // the backup of the second run holds the first key: that is the user's previous file
    const backups = listBackups(sb, 'settings.json');
    expect(backups).toHaveLength(2);
    expect(envOf(sb.settings)['ANTHROPIC_AUTH_TOKEN']).toBe(second);
  });
});

describe('flags', () => {
  test('an unknown flag exits 2 and writes nothing', async () => {
    const sb = sandbox();
    const r = await run({ home: sb.home, args: ['--force'] });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--force');
    expect(fs.readdirSync(sb.home)).toEqual([]);
  });

  test('a key passed as an argument is not accepted (and not echoed)', async () => {
    const sb = sandbox();
    const r = await run({ home: sb.home, args: [KEY], key: null });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('Unknown option "sk-t..._xyz"');
    expect(fs.readdirSync(sb.home)).toEqual([]);
  });
});

describe('where the files are', () => {
  test('CLAUDE_CONFIG_DIR holds both settings.json and .claude.json; HOME is not touched', async () => {
    const sb = sandbox();
    const alt = path.join(sb.root, 'alt config');
    put(path.join(alt, 'settings.json'), corpusFile('settings-hooks.json'));
    put(path.join(alt, '.claude.json'), corpusFile('state-minimal.json'));
    const r = await run({ home: sb.home, configDir: alt });
    expect(r.status).toBe(0);
    expect(envOf(path.join(alt, 'settings.json'))['ANTHROPIC_BASE_URL']).toBe(ZHIPU_ENV.ANTHROPIC_BASE_URL);
    expect(readJson(path.join(alt, '.claude.json'))['hasCompletedOnboarding']).toBe(true);
    expect(fs.existsSync(path.join(alt, 'ccenv', 'receipt.json'))).toBe(true);
    expect(fs.readdirSync(sb.home)).toEqual([]);
    // uninstall under the same variable finds the receipt; without it there is nothing to undo
    const without = await run({ home: sb.home, args: ['--uninstall'] });
    expect(without.status).toBe(0);
    expect(without.stdout).toContain('Nothing to undo');
    const undo = await run({ home: sb.home, configDir: alt, args: ['--uninstall'] });
    expect(undo.status).toBe(0);
    expect(fs.readFileSync(path.join(alt, 'settings.json')).equals(corpusFile('settings-hooks.json'))).toBe(true);
    expect(fs.readFileSync(path.join(alt, '.claude.json')).equals(corpusFile('state-minimal.json'))).toBe(true);
  });

  test('an empty CLAUDE_CONFIG_DIR means the default', async () => {
    const sb = sandbox();
    const r = await run({ home: sb.home, configDir: '' });
    expect(r.status).toBe(0);
    expect(fs.existsSync(sb.settings)).toBe(true);
    expect(fs.existsSync(sb.state)).toBe(true);
  });

  test('a relative CLAUDE_CONFIG_DIR is taken from the working directory', async () => {
    const sb = sandbox();
    const r = await run({ home: sb.home, configDir: 'rel-config' });
    expect(r.status).toBe(0);
    expect(fs.existsSync(path.join(sb.home, 'rel-config', 'settings.json'))).toBe(true);
    expect(fs.existsSync(path.join(sb.home, 'rel-config', '.claude.json'))).toBe(true);
  });

  test('a symlinked settings.json stays a symlink and its target is updated', async () => {
    const sb = sandbox();
    const dotfiles = path.join(sb.root, 'dotfiles');
    const real = path.join(dotfiles, 'claude-settings.json');
    put(real, corpusFile('settings-statusline-model.json'));
    fs.mkdirSync(sb.claudeDir);
    fs.symlinkSync('../../dotfiles/claude-settings.json', sb.settings);
    const r = await run({ home: sb.home });
    expect(r.status).toBe(0);
    expect(fs.lstatSync(sb.settings).isSymbolicLink()).toBe(true);
    expect(fs.readlinkSync(sb.settings)).toBe('../../dotfiles/claude-settings.json');
    expect(envOf(real)['ANTHROPIC_AUTH_TOKEN']).toBe(KEY);
    expect(mode(real)).toBe(0o600);
    // no temp file left next to either
    expect(fs.readdirSync(dotfiles)).toEqual(['claude-settings.json']);
    const undo = await run({ home: sb.home, args: ['--uninstall'], key: null });
    expect(undo.status).toBe(0);
    expect(fs.lstatSync(sb.settings).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(real).equals(corpusFile('settings-statusline-model.json'))).toBe(true);
  });

  test('a dangling symlink gets its target created', async () => {
    const sb = sandbox();
    const real = path.join(sb.root, 'dotfiles', 'new-settings.json');
    fs.mkdirSync(path.dirname(real));
    fs.mkdirSync(sb.claudeDir);
    fs.symlinkSync(real, sb.settings);
    const r = await run({ home: sb.home });
    expect(r.status).toBe(0);
    expect(fs.lstatSync(sb.settings).isSymbolicLink()).toBe(true);
    expect(envOf(real)['ANTHROPIC_AUTH_TOKEN']).toBe(KEY);
  });

  test('a symlinked config dir and a symlinked state file work', async () => {
    const sb = sandbox();
    const realDir = path.join(sb.root, 'sync', 'claude');
    fs.mkdirSync(realDir, { recursive: true });
    fs.symlinkSync(realDir, sb.claudeDir);
    const realState = path.join(sb.root, 'sync', 'claude.json');
    put(realState, corpusFile('state-claude-json-big.json'));
    fs.symlinkSync(realState, sb.state);
    const r = await run({ home: sb.home });
    expect(r.status).toBe(0);
    expect(fs.lstatSync(sb.claudeDir).isSymbolicLink()).toBe(true);
    expect(fs.lstatSync(sb.state).isSymbolicLink()).toBe(true);
    expect(readJson(realState)['hasCompletedOnboarding']).toBe(true);
    expect(fs.existsSync(path.join(realDir, 'settings.json'))).toBe(true);
  });

  test('an existing 0644 file becomes 0600', async () => {
    const sb = sandbox();
    put(sb.settings, corpusFile('settings-permissions.json'), 0o644);
    put(sb.state, corpusFile('state-minimal.json'), 0o664);
    expect((await run({ home: sb.home })).status).toBe(0);
    expect(mode(sb.settings)).toBe(0o600);
    expect(mode(sb.state)).toBe(0o600);
  });
});

describe('models', () => {
  const MODEL_KEYS = ['ANTHROPIC_DEFAULT_OPUS_MODEL', 'ANTHROPIC_DEFAULT_SONNET_MODEL', 'ANTHROPIC_DEFAULT_HAIKU_MODEL'];

  test('no mapping unless asked', async () => {
    const sb = sandbox();
    expect((await run({ home: sb.home })).status).toBe(0);
    for (const k of MODEL_KEYS) expect(envOf(sb.settings)).not.toHaveProperty(k);
  });

  test('CCENV_USE_MODELS=1 applies the profile mapping; CCENV_MODEL_* override per key', async () => {
    const sb = sandbox();
    const r = await run({ home: sb.home, env: { CCENV_USE_MODELS: '1', CCENV_MODEL_HAIKU: '  my-haiku ' } });
    expect(r.status).toBe(0);
    const env = envOf(sb.settings);
    expect(env['ANTHROPIC_DEFAULT_OPUS_MODEL']).toBe(ZHIPU_MODELS.opus);
    expect(env['ANTHROPIC_DEFAULT_SONNET_MODEL']).toBe(ZHIPU_MODELS.sonnet);
    expect(env['ANTHROPIC_DEFAULT_HAIKU_MODEL']).toBe('my-haiku');
    expect(Object.keys(env).slice(-3)).toEqual(MODEL_KEYS);
  });

  test('an override alone sets only that key', async () => {
    const sb = sandbox();
    expect((await run({ home: sb.home, env: { CCENV_MODEL_SONNET: 'glm-5' } })).status).toBe(0);
    const env = envOf(sb.settings);
    expect(env['ANTHROPIC_DEFAULT_SONNET_MODEL']).toBe('glm-5');
    expect(env).not.toHaveProperty('ANTHROPIC_DEFAULT_OPUS_MODEL');
    expect(env).not.toHaveProperty('ANTHROPIC_DEFAULT_HAIKU_MODEL');
  });

  test('a model name with a space is refused with exit 2', async () => {
    const sb = sandbox();
    const r = await run({ home: sb.home, env: { CCENV_MODEL_OPUS: 'glm 4.6' } });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('CCENV_MODEL_OPUS');
    expect(r.stderr).toContain('position 4: U+0020');
    expect(fs.readdirSync(sb.home)).toEqual([]);
  });

  test('a later run without the mapping removes the model names ccenv wrote', async () => {
    const sb = sandbox();
    put(sb.settings, corpusFile('settings-env-other-entries.json'));
    expect((await run({ home: sb.home, env: { CCENV_USE_MODELS: '1' } })).status).toBe(0);
    expect(envOf(sb.settings)['ANTHROPIC_DEFAULT_OPUS_MODEL']).toBe(ZHIPU_MODELS.opus);
    const r = await run({ home: sb.home });
    expect(r.status).toBe(0);
    for (const k of MODEL_KEYS) expect(envOf(sb.settings)).not.toHaveProperty(k);
    expect((await run({ home: sb.home, args: ['--uninstall'] })).status).toBe(0);
    expect(fs.readFileSync(sb.settings).equals(corpusFile('settings-env-other-entries.json'))).toBe(true);
  });

  test('a model name the user changed since is not removed', async () => {
    const sb = sandbox();
    expect((await run({ home: sb.home, env: { CCENV_USE_MODELS: '1' } })).status).toBe(0);
    const s = readJson(sb.settings);
    (s['env'] as Json)['ANTHROPIC_DEFAULT_OPUS_MODEL'] = 'users-own-choice';
    put(sb.settings, JSON.stringify(s, null, 2) + '\n');
    expect((await run({ home: sb.home })).status).toBe(0);
    const env = envOf(sb.settings);
    expect(env['ANTHROPIC_DEFAULT_OPUS_MODEL']).toBe('users-own-choice');
    expect(env).not.toHaveProperty('ANTHROPIC_DEFAULT_SONNET_MODEL');
  });
});

describe('receipt across profiles', () => {
  test('a second profile never overwrites the originals; uninstall restores the pre-ccenv file', async () => {
    const sb = sandbox();
    const original = corpusFile('settings-previous-provider.json');
    put(sb.settings, original);
    expect((await run({ home: sb.home, env: { CCENV_USE_MODELS: '1' } })).status).toBe(0);
    const receipt1 = readJson(sb.receipt);
    expect(receipt1['profiles']).toEqual(['zhipu']);

    const r = await run({ home: sb.home, profile: 'deepseek', key: 'sk-deepseek-0123456789abcdef' });
    expect(r.status).toBe(0);
    const env = envOf(sb.settings);
    expect(env['ANTHROPIC_BASE_URL']).toBe(DEEPSEEK_ENV.ANTHROPIC_BASE_URL);
    expect(env['API_TIMEOUT_MS']).toBe(DEEPSEEK_ENV.API_TIMEOUT_MS);
    expect(env['ANTHROPIC_AUTH_TOKEN']).toBe('sk-deepseek-0123456789abcdef');
    // the user's own opus mapping (from before ccenv) comes back; sonnet/haiku that zhipu added go
    expect(env['ANTHROPIC_DEFAULT_OPUS_MODEL']).toBe('deepseek-reasoner');
    expect(env).not.toHaveProperty('ANTHROPIC_DEFAULT_SONNET_MODEL');
    expect(env).not.toHaveProperty('ANTHROPIC_DEFAULT_HAIKU_MODEL');

    const receipt2 = readJson(sb.receipt);
    expect(receipt2['profiles']).toEqual(['zhipu', 'deepseek']);
    type File = { existed: boolean; originalText: string; entries: Array<{ path: string[]; original: unknown }> };
    const files1 = receipt1['files'] as Record<string, File>;
    const files2 = receipt2['files'] as Record<string, File>;
    for (const role of ['settings', 'state']) {
      expect(files2[role]?.originalText).toBe(files1[role]?.originalText);
      expect(files2[role]?.existed).toBe(files1[role]?.existed);
      for (const e of files1[role]?.entries ?? []) {
        const again = files2[role]?.entries.find((x) => JSON.stringify(x.path) === JSON.stringify(e.path));
        expect(again?.original, e.path.join('.')).toEqual(e.original);
      }
    }
    expect(files1['settings']?.originalText).toBe(original.toString('utf8'));

    const undo = await run({ home: sb.home, args: ['--uninstall'], key: null });
    expect(undo.status).toBe(0);
    expect(fs.readFileSync(sb.settings).equals(original)).toBe(true);
    expect(fs.existsSync(sb.state)).toBe(false);
  });
});

describe('uninstall', () => {
  test('a key the user edited since is left, with a warning naming it; the rest is restored', async () => {
    const sb = sandbox();
    put(sb.settings, corpusFile('settings-stale-api-key.json'));
    expect((await run({ home: sb.home })).status).toBe(0);
    const s = readJson(sb.settings);
    (s['env'] as Json)['ANTHROPIC_BASE_URL'] = 'https://my-own-gateway.example/anthropic';
    put(sb.settings, JSON.stringify(s, null, 2) + '\n');
    const r = await run({ home: sb.home, args: ['--uninstall'], key: null });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('env.ANTHROPIC_BASE_URL');
    expect(r.stderr).toContain('was changed after ccenv set it');
    const env = envOf(sb.settings);
    expect(env['ANTHROPIC_BASE_URL']).toBe('https://my-own-gateway.example/anthropic');
    expect(env).not.toHaveProperty('ANTHROPIC_AUTH_TOKEN');
    expect(env).not.toHaveProperty('API_TIMEOUT_MS');
    expect(env['ANTHROPIC_API_KEY']).toBe('sk-ant-api03-OLDOLDOLDOLDOLDOLDOLDOLD-xyzAA');
    expect(env['DISABLE_AUTOUPDATER']).toBe('1');
    expect(fs.existsSync(sb.receipt)).toBe(false);
    // backups of what uninstall replaced
    expect(listBackups(sb, 'settings.json')).toHaveLength(2);
  });

  test('other changes made since are kept; an env object ccenv created and emptied goes away', async () => {
    const sb = sandbox();
    put(sb.settings, corpusFile('settings-permissions.json'));
    expect((await run({ home: sb.home })).status).toBe(0);
    const s = readJson(sb.settings);
    s['model'] = 'opus';
    put(sb.settings, JSON.stringify(s, null, 2) + '\n');
    const st = readJson(sb.state);
    st['numStartups'] = 3;
    put(sb.state, JSON.stringify(st, null, 2) + '\n');
    const r = await run({ home: sb.home, args: ['--uninstall'], key: null });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    const after = readJson(sb.settings);
    expect(after['model']).toBe('opus');
    expect(after).not.toHaveProperty('env');
    expect(after['permissions']).toEqual(JSON.parse(corpusFile('settings-permissions.json').toString('utf8'))['permissions']);
    expect(readJson(sb.state)).toEqual({ numStartups: 3 });
  });

  test('no receipt: nothing to undo, exit 0, nothing written', async () => {
    const sb = sandbox();
    put(sb.settings, corpusFile('settings-hooks.json'));
    const before = snapshot(sb.root);
    const r = await run({ home: sb.home, args: ['--uninstall'], key: null });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Nothing to undo');
    expect(snapshot(sb.root)).toEqual(before);
  });

  test('a damaged receipt stops with exit 4 and changes nothing', async () => {
    const sb = sandbox();
    expect((await run({ home: sb.home })).status).toBe(0);
    put(sb.receipt, '{"format": "ccenv-receipt", "version": 1, "files": []}\n', 0o600);
    const before = snapshot(sb.root);
    for (const args of [[], ['--uninstall']]) {
      const r = await run({ home: sb.home, args });
      expect(r.status).toBe(4);
      expect(r.stderr).toContain(sb.receipt);
      expect(snapshot(sb.root)).toEqual(before);
    }
  });

  test('uninstall is idempotent', async () => {
    const sb = sandbox();
    expect((await run({ home: sb.home })).status).toBe(0);
    expect((await run({ home: sb.home, args: ['--uninstall'] })).status).toBe(0);
    const before = snapshot(sb.root);
    const again = await run({ home: sb.home, args: ['--uninstall'] });
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('Nothing to undo');
    expect(snapshot(sb.root)).toEqual(before);
  });
});

describe('dry run', () => {
  test('prints every change with masked secrets and writes nothing', async () => {
    const sb = sandbox();
    put(sb.settings, corpusFile('settings-stale-api-key.json'));
    put(sb.state, corpusFile('state-minimal.json'));
    const before = snapshot(sb.root);
    const r = await run({ home: sb.home, args: ['--dry-run'] });
    expect(r.status).toBe(0);
    expect(snapshot(sb.root)).toEqual(before);
    const masked = `"${KEY.slice(0, 4)}...${KEY.slice(-4)}"`;
    expect(r.stdout).toContain(`Would update ${sb.settings}:`);
    expect(r.stdout).toContain(`env.ANTHROPIC_AUTH_TOKEN: (not set) -> ${masked}`);
    expect(r.stdout).toContain(`env.ANTHROPIC_BASE_URL: "https://api.other-provider.example/anthropic" -> "${ZHIPU_ENV.ANTHROPIC_BASE_URL}"`);
    expect(r.stdout).toContain('env.ANTHROPIC_API_KEY: "sk-a...yzAA" -> (removed)');
    expect(r.stdout).not.toContain('OLDOLDOLD');
    expect(r.stdout).toContain(`Would update ${sb.state}:`);
    expect(r.stdout).toContain('hasCompletedOnboarding: (not set) -> true');
  });

  test('needs no key', async () => {
    const sb = sandbox();
    const r = await run({ home: sb.home, args: ['--dry-run'], key: null });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`Would create ${sb.settings}:`);
    expect(r.stdout).toContain('env.ANTHROPIC_AUTH_TOKEN: (not set) -> (your API key)');
    expect(fs.readdirSync(sb.home)).toEqual([]);
  });

  test('still checks a key that is given', async () => {
    const sb = sandbox();
    const r = await run({ home: sb.home, args: ['--dry-run'], key: 'sk-\uFF41' });
    expect(r.status).toBe(2);
  });

  test('uninstall --dry-run lists the restores and writes nothing', async () => {
    const sb = sandbox();
    put(sb.settings, corpusFile('settings-stale-api-key.json'));
    expect((await run({ home: sb.home })).status).toBe(0);
    const before = snapshot(sb.root);
    const r = await run({ home: sb.home, args: ['--uninstall', '--dry-run'], key: null });
    expect(r.status).toBe(0);
    expect(snapshot(sb.root)).toEqual(before);
    expect(r.stdout).toContain(`Would restore the original contents of ${sb.settings}:`);
    expect(r.stdout).toContain('env.ANTHROPIC_API_KEY: (not set) -> "sk-a...yzAA"');
    expect(r.stdout).toContain(`Would remove ${sb.state} (ccenv created it)`);
    expect(r.stdout).toContain(`Would remove ${sb.receipt}`);
  });
});

describe('backups', () => {
  test('one per replaced file, 0600, the last 5 kept', async () => {
    const sb = sandbox();
    put(sb.settings, corpusFile('settings-hooks.json'));
    const contents: Buffer[] = [];
    for (let i = 0; i < 7; i++) {
      contents.push(fs.readFileSync(sb.settings));
      const r = await run({ home: sb.home, key: `sk-rotating-key-number-${i}-abcdef` });
      expect(r.status).toBe(0);
    }
    const backups = listBackups(sb, 'settings.json');
    expect(backups).toHaveLength(5);
    // the kept ones are the newest: the contents before runs 3..7, in order
    const kept = backups.map((b) => fs.readFileSync(path.join(sb.backups, b)));
    expect(kept.map((b) => b.toString('base64'))).toEqual(contents.slice(2).map((b) => b.toString('base64')));
    for (const b of backups) {
      expect(mode(path.join(sb.backups, b))).toBe(0o600);
      expect(b).toMatch(/^settings\.json\.\d{8}T\d{6}Z(\.\d+)?$/);
    }
    expect(mode(sb.backups)).toBe(0o700);
  });
});

describe('output', () => {
  test('one line per file, localized', async () => {
    const sb = sandbox();
    put(sb.settings, corpusFile('settings-hooks.json'));
    const r = await run({ home: sb.home, env: { CCENV_LANG: 'zh' } });
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^已更新 ${sb.settings}（备份：${sb.backups}/settings\\.json\\.\\d{8}T\\d{6}Z）$`));
    expect(lines[1]).toBe(`已创建 ${sb.state}`);
    const again = await run({ home: sb.home, env: { CCENV_LANG: 'en_US.UTF-8' } });
    expect(again.stdout).toBe(`${sb.settings}: already up to date\n${sb.state}: already up to date\n`);
  });

  test('a cloud-provider switch in settings env is warned about, not removed', async () => {
    const sb = sandbox();
    put(sb.settings, '{\n  "env": {\n    "CLAUDE_CODE_USE_BEDROCK": "1"\n  }\n}\n');
    const r = await run({ home: sb.home });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('env.CLAUDE_CODE_USE_BEDROCK');
    expect(envOf(sb.settings)['CLAUDE_CODE_USE_BEDROCK']).toBe('1');
  });
});
