// The install.cmd gate: clean on every generated file, and each rule fails a copy broken its way.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { checkCmd, formatCmdFinding } from '../../src/lint/cmd.js';
import { repoPath } from '../../src/paths.js';
import { builtinProfileIds, loadProfileFile } from '../../src/profile/load.js';
import { renderForTest } from '../support/render.js';

const dist = readFileSync(repoPath('dist', 'zhipu', 'install.cmd'), 'utf8');
const rules = (text: string) => checkCmd([{ name: 'x.cmd', text }]).map((f) => f.rule);

describe('cmd gate', () => {
  test('every generated install.cmd passes (built-in profiles and the hostile fixture)', async () => {
    const files = builtinProfileIds().map((id) => ({ name: `dist/${id}/install.cmd`, text: readFileSync(repoPath('dist', id, 'install.cmd'), 'utf8') }));
    files.push({ name: 'hostile/install.cmd', text: await renderForTest(loadProfileFile(repoPath('test', 'fixtures', 'profiles', 'hostile.yaml')), 'cmd') });
    expect(checkCmd(files).map(formatCmdFinding)).toEqual([]);
  });

  const broken: [string, string, (t: string) => string][] = [
    ['crlf', 'a bare LF', (t) => t.replace('\r\n:main\r\n', '\n:main\r\n')],
    ['header', 'echo left on', (t) => t.replace('@echo off\r\n', '@echo on\r\n')],
    ['header', 'no setlocal first', (t) => t.replace('setlocal EnableExtensions DisableDelayedExpansion\r\n', '')],
    ['complete', 'cut short', (t) => t.slice(0, t.lastIndexOf(':ccenv_check_complete'))],
    ['complete', 'no configure program', (t) => t.replace('rem ccenv-configure-program-begin', 'rem begin')],
    ['label', 'a call to a missing label', (t) => t.replace('call :detect_lang', 'call :detect_language')],
    ['label', 'a label defined twice', (t) => t.replace(':detect_lang\r\n', ':detect_lang\r\n:detect_lang\r\n')],
    ['setx', 'setx', (t) => t.replace('reg import "%CCENV_WORK%\\user-path.reg"', 'setx Path "%CCENV_ADD%"')],
    ['key', 'the key expanded', (t) => t.replace('if defined CCENV_API_KEY exit /b 0', 'if not "%CCENV_API_KEY%"=="" exit /b 0')],
    ['for-f', 'for /f without eol=', (t) => t.replace('for /f "eol= tokens=2 delims=:"', 'for /f "tokens=2 delims=:"')],
    ['delayed', 'delayed expansion', (t) => t.replace('setlocal EnableExtensions DisableDelayedExpansion', 'setlocal EnableExtensions EnableDelayedExpansion')],
    ['ascii', 'non-ASCII in a command', (t) => t.replace('set "EXIT_USAGE=2"', 'set "EXIT_USAGE=２"')],
  ];
  test('a bare LF is reported on its own line', () => {
    const at = dist.split('\r\n').indexOf(':main') + 1;
    const f = checkCmd([{ name: 'x.cmd', text: dist.replace('\r\n:main\r\n', '\n:main\r\n') }]).find((x) => x.rule === 'crlf');
    expect(f?.line).toBe(at - 1);
  });

  for (const [rule, what, mutate] of broken) {
    test(`${what} fails rule ${rule}`, () => {
      const text = mutate(dist);
      expect(text).not.toBe(dist);
      expect(rules(text)).toContain(rule);
    });
  }
});
