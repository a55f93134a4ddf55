// Property test: hostile values, quoted by the sh helpers, come out of every POSIX shell exactly.
import { describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { UserError } from '../../src/errors.js';
import { heredocBody, jsLiteral, shPrintfFormat, shQuote, commentText } from '../../src/render/escape.js';
import { allShells, missingShells } from '../../src/harness/shells.js';
import fc from 'fast-check';
import { sample } from '../support/random.js';

const HOSTILE = [
  "'", '"', '$', '`', '\\', ';', '&', '|', '<', '>', '%', '^', '!', '(', ')', '{', '}', '*', '?', '[', ']', '~', '#',
  '\n', '\t', ' ', '$(id)', '${HOME}', '%s', '%%', '\\n', "'\\''", '\u2018', '\u2019', '\u201a', '\u201b', '\u201c',
  '\u201d', '\u201e', '中文', 'ａ', '😀', '=', '-', '--', 'a',
];


function hostileValues(count: number): string[] {
  const values = [...HOSTILE, "it's \"$(rm -rf ~)\" `id` 100% ^!", ''];
  const joined = fc.array(fc.constantFrom(...HOSTILE), { minLength: 1, maxLength: 12 }).map((parts) => parts.join(''));
  return [...values, ...sample(joined, count - values.length)];
}

const SEP = '\n--ccenv-sep--\n';

describe('sh escaping', () => {
  const values = hostileValues(300);

  test('every shell of the matrix is installed (make deps installs them)', () => {
    expect(missingShells()).toEqual([]);
  });

  for (const shell of allShells()) {
    test(`${shell.name}: shQuote round-trips ${values.length} hostile values`, () => {
      const script = values.map((v) => `v=${shQuote(v)}\nprintf '%s' "$v"\nprintf '${SEP.replace(/\n/g, '\\n')}'\n`).join('');
      const r = spawnSync(shell.argv[0] as string, shell.argv.slice(1), { input: script, encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.stdout.split(SEP).slice(0, -1)).toEqual(values);
    });

    test(`${shell.name}: printf formats keep literal text and fill run-time values`, () => {
      const cases = values.slice(0, 120).map((v, i) => ({ text: `${v}{name}${values[(i + 7) % values.length]}`, arg: values[(i + 3) % values.length] as string }));
      const script = cases
        .map((c) => `printf ${shPrintfFormat(c.text, ['name'])} ${shQuote(c.arg)}\nprintf '${SEP.replace(/\n/g, '\\n')}'\n`)
        .join('');
      const r = spawnSync(shell.argv[0] as string, shell.argv.slice(1), { input: script, encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.stdout.split(SEP).slice(0, -1)).toEqual(cases.map((c) => c.text.replace('{name}', () => c.arg)));
    });
  }

  test('NUL cannot be embedded', () => {
    expect(() => shQuote('a\0b')).toThrow(UserError);
  });

  test('a heredoc body may not contain its terminator', () => {
    expect(heredocBody('x\nEND\ny\n', 'END_X')).toBe('x\nEND\ny');
    expect(() => heredocBody('x\nEND\ny', 'END')).toThrow(UserError);
  });

  test('js literals survive line separators and quotes', () => {
    for (const v of values) {
      // eslint-disable-next-line no-new-func
      expect(new Function(`return ${jsLiteral(v)};`)()).toBe(v);
      expect(jsLiteral(v)).not.toMatch(/[\u2028\u2029]/);
    }
  });

  test('comments stay on one line', () => {
    expect(commentText('a\nb\r\u2028c')).toBe('a b c');
  });
});
