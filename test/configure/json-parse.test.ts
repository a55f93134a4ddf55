// The strict JSON scanner: exact agreement with JSON.parse on what is valid (except that it also
// refuses duplicate keys), and precise positions for what is not.

import { describe, expect, test } from 'vitest';
import { parseJsonStrict, type JsonProblem } from '../../src/configure/json-parse.js';
import fc from 'fast-check';
import { jsonValue, sample } from '../support/random.js';

function errorOf(text: string): { problem: JsonProblem; line: number; column: number; detail: string } {
  const r = parseJsonStrict(text);
  if (r.ok) throw new Error(`expected ${JSON.stringify(text)} to be refused`);
  const { problem, line, column, detail } = r.error;
  return { problem, line, column, detail };
}

describe('parseJsonStrict', () => {
  test.each([
    ['{"a": 1, // c\n}', 'comment', 1, 10],
    ['{\n  /* c */ "a": 1}', 'comment', 2, 3],
    ['{"a": 1,}', 'trailing_comma', 1, 9],
    ['[1, 2,\n]', 'trailing_comma', 2, 1],
    ["{'a': 1}", 'single_quote', 1, 2],
    ['{a: 1}', 'unquoted_key', 1, 2],
    ['{"a": 1', 'unexpected_end', 1, 8],
    ['{"a": "x', 'unexpected_end', 1, 9],
    ['{"a": 1, "a": 2}', 'duplicate_key', 1, 10],
    ['{"a": 1, "\\u0061": 2}', 'duplicate_key', 1, 10],
    ['{"x": {"k": 1, "k": 1}}', 'duplicate_key', 1, 16],
    ['{"a": "\\x41"}', 'bad_escape', 1, 8],
    ['{"a": "line\nbreak"}', 'control_in_string', 1, 12],
    ['{"a": 01}', 'bad_number', 1, 7],
    ['{"a": 1.}', 'bad_number', 1, 7],
    ['{"a": .5}', 'unexpected_char', 1, 7],
    ['{"a": NaN}', 'unexpected_char', 1, 7],
    ['{"a": Infinity}', 'unexpected_char', 1, 7],
    ['{} {}', 'extra_content', 1, 4],
    ['{"a": 1}\u00a0', 'extra_content', 1, 9],
    ['{"a" 1}', 'unexpected_char', 1, 6],
    ['', 'unexpected_end', 1, 1],
  ])('%j → %s at %i:%i', (text, problem, line, column) => {
    expect(errorOf(text)).toMatchObject({ problem, line, column });
  });

  test('the duplicated key is named', () => {
    expect(errorOf('{"model": 1, "model": 2}').detail).toBe('model');
  });

  test('very deep nesting is refused, not a stack overflow', () => {
    expect(errorOf('['.repeat(5000) + ']'.repeat(5000)).problem).toBe('too_deep');
  });

  test('members carry key and value positions', () => {
    const text = '{ "a" : [1, 2] ,\n "b":{"c":null} }';
    const r = parseJsonStrict(text);
    if (!r.ok || r.root.kind !== 'object') throw new Error('expected an object');
    const [a, b] = r.root.members;
    expect(text.slice(a?.keyStart, a?.keyEnd)).toBe('"a"');
    expect(text.slice(a?.value.start, a?.value.end)).toBe('[1, 2]');
    expect(text.slice(b?.value.start, b?.value.end)).toBe('{"c":null}');
    expect(r.root.start).toBe(0);
    expect(r.root.end).toBe(text.length);
  });

  test('agrees with JSON.parse on random documents and on every one-character deletion of them', () => {
    let checked = 0;
    for (const [value, indented] of sample(fc.tuple(jsonValue, fc.boolean()), 150)) {
      const text = JSON.stringify(value, null, indented ? 2 : undefined);
      expect(parseJsonStrict(text).ok, text).toBe(true);
      for (let i = 0; i < text.length; i++) {
        const mutated = text.slice(0, i) + text.slice(i + 1);
        let engine = true;
        try {
          JSON.parse(mutated);
        } catch {
          engine = false;
        }
        const ours = parseJsonStrict(mutated);
        if (engine) {
          // valid for the engine: ours accepts too, unless a key now appears twice
          if (!ours.ok) expect(ours.error.problem, mutated).toBe('duplicate_key');
        } else {
          expect(ours.ok, mutated).toBe(false);
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });
});
