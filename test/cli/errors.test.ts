// One error type for the CLI, caught once: a UserError is its message and exit code, a usage mistake
// is exit 2 with the usage line, anything else is a short "unexpected error" and exit 1.
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, test } from 'vitest';
import { CLI_EXIT, UserError, withContext } from '../../src/errors.js';
import { reportError } from '../../src/cli/report.js';
import { REPO_ROOT } from '../../src/paths.js';

const CLI = path.join(REPO_ROOT, 'out', 'src', 'cli', 'main.js');
const ccenv = (...args: string[]) => execa('node', [CLI, ...args], { cwd: REPO_ROOT, reject: false, stdin: 'ignore', env: { CCENV_DEBUG: '' } });

describe('reportError', () => {
  test('a UserError: its message alone, its exit code', () => {
    const lines: string[] = [];
    expect(reportError(new UserError('acme.yaml: baseUrl: must be an https:// URL'), (l) => lines.push(l), false)).toBe(2);
    expect(reportError(new UserError('shellcheck not found', CLI_EXIT.failed), (l) => lines.push(l), false)).toBe(1);
    expect(lines).toEqual(['acme.yaml: baseUrl: must be an https:// URL', 'shellcheck not found']);
  });

  test('anything else: one line naming it unexpected, exit 1; the stack only when asked', () => {
    const quiet: string[] = [];
    expect(reportError(new TypeError('x is undefined'), (l) => quiet.push(l), false)).toBe(1);
    expect(quiet).toEqual(['ccenv: unexpected error: x is undefined', '(a bug in ccenv: run again with CCENV_DEBUG=1 to see where)']);
    const debug: string[] = [];
    expect(reportError(new TypeError('x is undefined'), (l) => debug.push(l), true)).toBe(1);
    expect(debug[1]).toMatch(/^TypeError: x is undefined\n\s+at /);
    expect(reportError('a thrown string', () => {}, true)).toBe(1);
  });
});

describe('withContext', () => {
  test('prefixes a UserError and keeps its exit code; other errors pass through untouched', async () => {
    await expect(withContext('ccenv init', async () => Promise.reject(new UserError('missing --id \n', CLI_EXIT.failed)))).rejects.toMatchObject({
      message: 'ccenv init: missing --id',
      exitCode: 1,
    });
    const bug = new RangeError('boom');
    await expect(withContext('ccenv init', async () => Promise.reject(bug))).rejects.toBe(bug);
    expect(await withContext('ccenv init', async () => 7)).toBe(7);
  });
});

describe('the CLI catches once', () => {
  test('usage mistakes are exit 2 with the usage line, no help dump', async () => {
    const cases: [string[], RegExp][] = [
      [['validate'], /^ccenv validate: Not enough non-option arguments: got 0, need at least 1\nUsage: ccenv validate <profiles\.\.> /],
      [['frob'], /^ccenv: Unknown argument: frob\nUsage: ccenv <command> /],
      [[], /^ccenv: Name a command: build, test, /],
      [['serve', '--tls-cert', 'cert.pem'], /^ccenv serve: give --tls-cert and --tls-key together\nUsage: ccenv serve \[dir\] /],
      [['list', '--bogus'], /^ccenv list: Unknown argument: bogus\n/],
    ];
    for (const [args, stderr] of cases) {
      const r = await ccenv(...args);
      expect(r.exitCode, `ccenv ${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(stderr);
      expect(r.stderr.split('\n')).toHaveLength(2);
      expect(r.stdout).toBe('');
    }
  });

  test('validate checks every profile, then exits 2 naming each broken one, without a stack', async () => {
    const r = await ccenv('validate', 'zhipu', 'no-such.yaml', 'deepseek', 'nope');
    expect(r.exitCode).toBe(2);
    expect(r.stdout.split('\n')).toEqual([expect.stringMatching(/^zhipu: valid profile "zhipu"/), expect.stringMatching(/^deepseek: valid profile "deepseek"/)]);
    expect(r.stderr.split('\n')).toEqual(['no-such.yaml: cannot read (ENOENT)', expect.stringMatching(/^unknown profile "nope"; built-in profiles: /)]);
  });

  test('a bad flag value deep in a command is its message and exit 2', async () => {
    const r = await ccenv('build', '--profile', 'zhipu', '--no-lint', '--base-url', 'ftp://cdn.example', '--out', path.join(REPO_ROOT, 'out', 'never-written'));
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('--base-url ftp://cdn.example: must be an http(s) URL');
  });
});
