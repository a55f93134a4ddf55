// Edges a user meets with the configure artifact (run as the installers run it): a key pasted
// with blanks around it, and --uninstall --purge removing ccenv's own folder but nothing else.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { KEY, corpusFile, listBackups, put, readJson, run, sandbox, snapshot } from '../support/run-configure.js';

type Json = Record<string, unknown>;
const tokenIn = (p: string): unknown => ((readJson(p)['env'] ?? {}) as Json)['ANTHROPIC_AUTH_TOKEN'];

describe('a key pasted with blanks around it', () => {
  test.each([
    ['trailing space', `${KEY} `],
    ['leading space', ` ${KEY}`],
    ['tabs around', `\t${KEY}\t`],
    ['space before CRLF', `${KEY} \r\n`],
    ['blanks and a line ending', ` \t${KEY}\n `],
  ])('%s: trimmed, and the key lands exactly', async (_what, pasted) => {
    const sb = sandbox();
    const r = await run({ home: sb.home, key: pasted });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(tokenIn(sb.settings)).toBe(KEY);
  });

  test('--check-key (the installers\' prompt) accepts it too', async () => {
    const sb = sandbox();
    const r = await run({ home: sb.home, key: `${KEY} `, args: ['--check-key'] });
    expect(r.status).toBe(0);
    expect(fs.readdirSync(sb.home)).toEqual([]);
  });

  test('only blanks is an empty key (exit 2); a space inside is still refused', async () => {
    const sb = sandbox();
    const blank = await run({ home: sb.home, key: ' \t ' });
    expect(blank.status).toBe(2);
    expect(blank.stderr).toContain('CCENV_API_KEY');
    expect(blank.stderr).not.toContain('position');
    const inner = await run({ home: sb.home, key: ` sk-abc def ` });
    expect(inner.status).toBe(2);
    expect(inner.stderr).toContain('position 7: U+0020 (a space)');
    expect(fs.readdirSync(sb.home)).toEqual([]);
  });
});

describe('--uninstall --purge', () => {
  const ccenvDir = (sb: ReturnType<typeof sandbox>) => path.join(sb.claudeDir, 'ccenv');

  test('restores the settings, then removes the receipt, the backups (earlier keys) and the folder', async () => {
    const sb = sandbox();
    put(sb.settings, corpusFile('settings-hooks.json'));
    const original = fs.readFileSync(sb.settings);
    expect((await run({ home: sb.home })).status).toBe(0);
    expect((await run({ home: sb.home, key: 'sk-second-key-abcdefghijklmnop' })).status).toBe(0);
    // the second run's backup holds the first key
    expect(listBackups(sb, 'settings.json')).toHaveLength(2);
    const r = await run({ home: sb.home, args: ['--uninstall', '--purge'], key: null });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(fs.readFileSync(sb.settings)).toEqual(original);
    expect(fs.existsSync(ccenvDir(sb))).toBe(false);
    expect(r.stdout).toContain(`ccenv's changes are undone and ${sb.receipt} is removed.`);
    expect(r.stdout).not.toContain('Backups stay');
    expect(r.stdout).toContain(`Removed ccenv's own folder ${ccenvDir(sb)} (4 files`);
    // the rest of the config folder is the user's
    expect(fs.readdirSync(sb.claudeDir)).toEqual(['settings.json']);
  });

  test('files ccenv did not make stay, and so does their folder', async () => {
    const sb = sandbox();
    expect((await run({ home: sb.home })).status).toBe(0);
    expect((await run({ home: sb.home, key: 'sk-second-key-abcdefghijklmnop' })).status).toBe(0);
    put(path.join(sb.backups, 'my-notes.txt'), 'mine\n');
    put(path.join(ccenvDir(sb), 'keep.json'), '{}\n');
    const r = await run({ home: sb.home, args: ['--uninstall', '--purge'], key: null });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`the folder stays because it holds files ccenv did not make`);
    expect(fs.readdirSync(ccenvDir(sb)).sort()).toEqual(['backups', 'keep.json']);
    expect(fs.readdirSync(sb.backups)).toEqual(['my-notes.txt']);
  });

  test('with nothing to undo it still removes backups an earlier uninstall left', async () => {
    const sb = sandbox();
    put(sb.settings, corpusFile('settings-hooks.json'));
    expect((await run({ home: sb.home })).status).toBe(0);
    expect((await run({ home: sb.home, args: ['--uninstall'], key: null })).status).toBe(0);
    expect(listBackups(sb, 'settings.json').length).toBeGreaterThan(0);
    const r = await run({ home: sb.home, args: ['--uninstall', '--purge'], key: null });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Nothing to undo');
    expect(r.stdout).toContain(`Removed ccenv's own folder ${ccenvDir(sb)}`);
    expect(fs.existsSync(ccenvDir(sb))).toBe(false);
    const again = await run({ home: sb.home, args: ['--uninstall', '--purge'], key: null });
    expect(again.status).toBe(0);
    expect(again.stdout).toContain(`Nothing to purge: ${ccenvDir(sb)} does not exist.`);
  });

  test('--dry-run says what it would remove and writes nothing', async () => {
    const sb = sandbox();
    put(sb.settings, corpusFile('settings-hooks.json'));
    expect((await run({ home: sb.home })).status).toBe(0);
    const before = snapshot(sb.root);
    const r = await run({ home: sb.home, args: ['--uninstall', '--purge', '--dry-run'], key: null });
    expect(r.status).toBe(0);
    expect(snapshot(sb.root)).toEqual(before);
    expect(r.stdout).toContain(`Would restore the original contents of ${sb.settings}:`);
    expect(r.stdout).toContain(`Would remove ccenv's own files from ${ccenvDir(sb)} (2:`);
  });

  test('a damaged receipt stops the uninstall (exit 4) and nothing is purged', async () => {
    const sb = sandbox();
    expect((await run({ home: sb.home })).status).toBe(0);
    put(sb.receipt, '{"format": "ccenv-receipt", "version": 1, "files": []}\n', 0o600);
    const before = snapshot(sb.root);
    const r = await run({ home: sb.home, args: ['--uninstall', '--purge'], key: null });
    expect(r.status).toBe(4);
    expect(snapshot(sb.root)).toEqual(before);
  });

  test('--purge without --uninstall is a usage error (exit 2), nothing written', async () => {
    const sb = sandbox();
    const r = await run({ home: sb.home, args: ['--purge'] });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--purge goes only with --uninstall');
    expect(fs.readdirSync(sb.home)).toEqual([]);
  });
});

describe('--uninstall --purge gives back a home without the folders ccenv created', () => {
  const receiptIn = (configDir: string) => path.join(configDir, 'ccenv', 'receipt.json');

  test('fresh home (no ~/.claude): configure, then --uninstall --purge → the home is as before, empty', async () => {
    const sb = sandbox();
    const before = snapshot(sb.root);
    expect((await run({ home: sb.home })).status).toBe(0);
    expect(readJson(sb.receipt)['createdFolders']).toEqual([sb.claudeDir]);
    const r = await run({ home: sb.home, args: ['--uninstall', '--purge'], key: null });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`Removed the folder ${sb.claudeDir}: ccenv created it and it is empty again.`);
    expect(fs.readdirSync(sb.home)).toEqual([]);
    expect(snapshot(sb.root)).toEqual(before);
  });

  test('a file Claude Code wrote into ~/.claude since keeps the folder (and the file)', async () => {
    const sb = sandbox();
    expect((await run({ home: sb.home })).status).toBe(0);
    const history = path.join(sb.claudeDir, 'history.jsonl');
    put(history, '{"display":"hello"}\n');
    const r = await run({ home: sb.home, args: ['--uninstall', '--purge'], key: null });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`Kept the folder ${sb.claudeDir}: ccenv created it, but it now holds files ccenv did not make.`);
    expect(fs.readdirSync(sb.home)).toEqual(['.claude']);
    expect(fs.readdirSync(sb.claudeDir)).toEqual(['history.jsonl']);
    expect(fs.readFileSync(history, 'utf8')).toBe('{"display":"hello"}\n');
  });

  test('CLAUDE_CONFIG_DIR naming a missing nested path: all the folders ccenv made go, none above them', async () => {
    const sb = sandbox();
    const top = path.join(sb.root, 'cfg');
    const configDir = path.join(top, 'a', 'b');
    const before = snapshot(sb.root);
    expect((await run({ home: sb.home, configDir })).status).toBe(0);
    expect(fs.existsSync(path.join(configDir, '.claude.json'))).toBe(true);
    expect(readJson(receiptIn(configDir))['createdFolders']).toEqual([top, path.join(top, 'a'), configDir]);
    const r = await run({ home: sb.home, configDir, args: ['--uninstall', '--purge'], key: null });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    for (const dir of [configDir, path.join(top, 'a'), top]) expect(r.stdout).toContain(`Removed the folder ${dir}:`);
    expect(snapshot(sb.root)).toEqual(before);
  });

  test('a ~/.claude that existed before (empty) is not recorded and stays', async () => {
    const sb = sandbox();
    fs.mkdirSync(sb.claudeDir);
    const before = snapshot(sb.root);
    expect((await run({ home: sb.home })).status).toBe(0);
    expect(readJson(sb.receipt)['createdFolders']).toEqual([]);
    const r = await run({ home: sb.home, args: ['--uninstall', '--purge'], key: null });
    expect(r.status).toBe(0);
    expect(r.stdout).not.toContain('the folder');
    expect(snapshot(sb.root)).toEqual(before);
  });

  test('a receipt written by an earlier ccenv (no createdFolders) still works; the empty ~/.claude stays', async () => {
    const sb = sandbox();
    expect((await run({ home: sb.home })).status).toBe(0);
    const receipt = readJson(sb.receipt);
    delete receipt['createdFolders'];
    put(sb.receipt, JSON.stringify(receipt, null, 2) + '\n', 0o600);
    const r = await run({ home: sb.home, args: ['--uninstall', '--purge'], key: null });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).not.toContain('Removed the folder');
    expect(fs.readdirSync(sb.home)).toEqual(['.claude']);
    expect(fs.readdirSync(sb.claudeDir)).toEqual([]);
  });

  test('a damaged createdFolders is a damaged receipt (exit 4), nothing touched', async () => {
    const sb = sandbox();
    expect((await run({ home: sb.home })).status).toBe(0);
    put(sb.receipt, JSON.stringify({ ...readJson(sb.receipt), createdFolders: [1] }) + '\n', 0o600);
    const before = snapshot(sb.root);
    const r = await run({ home: sb.home, args: ['--uninstall', '--purge'], key: null });
    expect(r.status).toBe(4);
    expect(r.stderr).toContain('createdFolders');
    expect(snapshot(sb.root)).toEqual(before);
  });

  test('--dry-run says it would remove the folder, and changes nothing', async () => {
    const sb = sandbox();
    expect((await run({ home: sb.home })).status).toBe(0);
    const before = snapshot(sb.root);
    const r = await run({ home: sb.home, args: ['--uninstall', '--purge', '--dry-run'], key: null });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`Would remove the folder ${sb.claudeDir} (ccenv created it) if nothing else is in it then`);
    expect(snapshot(sb.root)).toEqual(before);
  });

  test('a plain --uninstall keeps the folders (they hold the backups); the receipt record goes with it', async () => {
    const sb = sandbox();
    expect((await run({ home: sb.home })).status).toBe(0);
    const r = await run({ home: sb.home, args: ['--uninstall'], key: null });
    expect(r.status).toBe(0);
    expect(r.stdout).not.toContain('the folder');
    expect(listBackups(sb, 'settings.json')).toHaveLength(1);
    expect(fs.readdirSync(sb.claudeDir)).toEqual(['ccenv']);
  });
});
