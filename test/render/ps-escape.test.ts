// PowerShell escaping without pwsh: a model of what PowerShell does with the two string forms the
// helpers emit — a single-quoted literal ('' is '), and ConvertFrom-CcenvEscaped '…', which is
// [regex]::Unescape (here: \\ and \uXXXX, the only escapes the helper writes) — and of .NET's
// String.Format for psFormat. Hostile values must come back exactly, as pure ASCII on one line.
import { describe, expect, test } from 'vitest';
import { UserError } from '../../src/errors.js';
import { psFormat, psHereString, psString, PS_DECODE_FUNCTION } from '../../src/render/escape.js';
import fc from 'fast-check';
import { sample } from '../support/random.js';

/** PowerShell's value of a psString expression. */
function psValue(expr: string): string {
  const literal = (s: string) => {
    // a single-quoted literal: no lone ' inside, '' stands for '
    expect(s.replace(/''/g, '')).not.toContain("'");
    return s.replace(/''/g, "'");
  };
  const plain = /^'(.*)'$/s.exec(expr);
  if (plain) return literal(plain[1] as string);
  const escaped = new RegExp(`^\\(${PS_DECODE_FUNCTION} '(.*)'\\)$`, 's').exec(expr);
  if (!escaped) throw new Error(`not a psString: ${expr}`);
  const body = literal(escaped[1] as string);
  // [regex]::Unescape of what the helper writes: nothing but \\ and \uXXXX may follow a backslash
  return body.replace(/\\(\\|u([0-9a-f]{4})|.)/g, (_m, c: string, hex?: string) => {
    if (c === '\\') return '\\';
    if (hex) return String.fromCharCode(parseInt(hex, 16));
    throw new Error(`unexpected escape \\${c} in ${expr}`);
  });
}

/** .NET String.Format: {{ and }} are braces, {i} the i-th value, anything else an error. */
function dotnetFormat(format: string, values: string[]): string {
  return format.replace(/\{\{|\}\}|\{(\d+)\}|[{}]/g, (m, i?: string) => {
    if (m === '{{') return '{';
    if (m === '}}') return '}';
    if (i !== undefined) return values[Number(i)] as string;
    throw new Error(`FormatException: lone ${m} in ${format}`);
  });
}

const HOSTILE = ["it's", '$env:PATH', '`n`0', '$(calc)', '"double"', 'a\\b\\\\c', '\u2018smart\u2019 \u201cquotes\u201d', '\u667a\u8c31', 'line\nbreak\r\n', 'tab\t', '{0} {1} {{x}}', '\ud83d\ude00', '%PATH%', '@(1)', ';&|<>^!', '\u00a0nbsp', '\\u0041 is not A'];

describe('psString', () => {
  test('hostile values round-trip exactly, as pure ASCII on one line', () => {
    const alphabet = [...new Set(HOSTILE.join(''))];
    const mixed = fc.array(fc.constantFrom(...alphabet), { maxLength: 11 }).map((chars) => chars.join(''));
    const samples = [...HOSTILE, ...sample(mixed, 500)];
    for (const v of samples) {
      const expr = psString(v);
      expect(expr, JSON.stringify(v)).toMatch(/^[\x20-\x7e]*$/);
      expect(psValue(expr), JSON.stringify(v)).toBe(v);
    }
  });

  test('plain ASCII stays a readable literal; anything else is decoded at run time; NUL is refused', () => {
    expect(psString("Zhipu's GLM")).toBe("'Zhipu''s GLM'");
    expect(psString('\u667a\u8c31')).toBe(`(${PS_DECODE_FUNCTION} '\\u667a\\u8c31')`);
    // a typographic quote ends a single-quoted string in PowerShell: never written raw
    expect(psString('\u2019; Remove-Item')).toBe(`(${PS_DECODE_FUNCTION} '\\u2019; Remove-Item')`);
    expect(() => psString('a\u0000b')).toThrow(UserError);
  });
});

describe('psFormat', () => {
  test('literal braces survive String.Format; run-time placeholders become {0}, {1} in order', () => {
    const f = psFormat('Set {name} to {value} (not {other}) {{literal}}', ['name', 'value']);
    expect(dotnetFormat(psValue(f), ['N', 'V'])).toBe('Set N to V (not {other}) {{literal}}');
    const zh = psFormat('\u5df2\u5c06 {path} \u52a0\u5165 PATH', ['path']);
    expect(dotnetFormat(psValue(zh), ['C:\\x'])).toBe('\u5df2\u5c06 C:\\x \u52a0\u5165 PATH');
  });
});

describe('psHereString', () => {
  test("refuses non-ASCII and a line starting with '@ (it would end the here-string)", () => {
    expect(psHereString("const a = 1;\nconst b = '@';\n")).toBe("const a = 1;\nconst b = '@';");
    expect(() => psHereString("x\n'@\ny")).toThrow(/starts with '@/);
    expect(() => psHereString('caf\u00e9')).toThrow(/not pure ASCII/);
  });
});
