// In-place edits: the result always parses to exactly the intended value (member order included),
// and everything outside the edited member stays byte-for-byte.

import { describe, expect, test } from 'vitest';
import { decodeDocument, renderOps } from '../../src/configure/document.js';
import { deleteMember, detectStyle, setMember } from '../../src/configure/json-edit.js';
import { applyOpsToValue, type Op } from '../../src/configure/ops.js';
import fc from 'fast-check';
import { jsonValue, sample } from '../support/random.js';

const STYLE = { indent: '  ', eol: '\n' as const };

describe('setMember / deleteMember', () => {
  test('replacing a value touches only that value', () => {
    const text = '{\n  "a": [1,  2],\n  "env": {\n    "X": 1e3,\n    "Y": "old"\n  }\n}\n';
    expect(setMember(text, ['env'], 'Y', 'new', STYLE)).toBe(text.replace('"old"', '"new"'));
  });

  test('appending follows the last member\'s layout', () => {
    expect(setMember('{\n    "a": 1\n}', [], 'b', 'x', STYLE)).toBe('{\n    "a": 1,\n    "b": "x"\n}');
    expect(setMember('{"a":1}', [], 'b', 'x', STYLE)).toBe('{"a":1,"b":"x"}');
    expect(setMember('{ "a" : 1 }', [], 'b', 'x', STYLE)).toBe('{ "a" : 1, "b" : "x" }');
    expect(setMember('{\r\n\t"a": 1\r\n}', [], 'b', { c: 1 }, { indent: '\t', eol: '\r\n' })).toBe(
      '{\r\n\t"a": 1,\r\n\t"b": {\r\n\t\t"c": 1\r\n\t}\r\n}',
    );
  });

  test('an empty object gets an indented member', () => {
    expect(setMember('{\n  "env": {}\n}', ['env'], 'K', 'v', STYLE)).toBe('{\n  "env": {\n    "K": "v"\n  }\n}');
    expect(setMember('{}', [], 'K', 'v', { indent: '\t', eol: '\n' })).toBe('{\n\t"K": "v"\n}');
  });

  test('deleting the first, a middle, the last and the only member', () => {
    const text = '{\n  "a": 1,\n  "b": 2,\n  "c": 3\n}';
    expect(deleteMember(text, [], 'a')).toBe('{\n  "b": 2,\n  "c": 3\n}');
    expect(deleteMember(text, [], 'b')).toBe('{\n  "a": 1,\n  "c": 3\n}');
    expect(deleteMember(text, [], 'c')).toBe('{\n  "a": 1,\n  "b": 2\n}');
    expect(deleteMember('{\n  "a": 1\n}', [], 'a')).toBe('{}');
    expect(deleteMember(text, [], 'zzz')).toBe(text);
  });

  test('detectStyle', () => {
    expect(detectStyle('{\n\t"a": 1\n}')).toEqual({ indent: '\t', eol: '\n' });
    expect(detectStyle('{\r\n    "a": 1\r\n}')).toEqual({ indent: '    ', eol: '\r\n' });
    expect(detectStyle('{"a":1}')).toEqual({ indent: '  ', eol: '\n' });
  });

  test('random ops on random documents in random layouts give exactly the intended value', () => {
    const KEYS = ['env', 'a', 'b', '你好', 'q"k', '10', '__proto__'];
    const envKey = fc.constantFrom('X', 'Y', 'Z', 'ANTHROPIC_AUTH_TOKEN');
    const envOp = fc.oneof(
      { weight: 7, arbitrary: fc.record({ key: envKey, value: jsonValue }) },
      { weight: 3, arbitrary: fc.record({ key: envKey }) },
    );
    const cases = sample(
      fc.record({
        present: fc.array(fc.option(jsonValue, { nil: undefined, freq: 2 }), { minLength: KEYS.length, maxLength: KEYS.length }),
        indent: fc.constantFrom('  ', '    ', '\t', undefined),
        crlf: fc.boolean(),
        envOps: fc.array(envOp, { minLength: 5, maxLength: 5 }),
        topSet: fc.option(fc.record({ key: fc.constantFrom(...KEYS), value: jsonValue }), { nil: undefined, freq: 2 }),
      }),
      300,
    );
    for (const c of cases) {
      const base: Record<string, unknown> = {};
      KEYS.forEach((k, i) => {
        if (c.present[i] === undefined) return;
        const value = k === 'env' ? { X: 'x', Y: 1 } : c.present[i];
        Object.defineProperty(base, k, { value, enumerable: true, writable: true, configurable: true });
      });
      let text = JSON.stringify(base, null, c.indent);
      if (c.crlf) text = text.replace(/\n/g, '\r\n');
      const ops: Op[] = [];
      if (!('env' in base)) ops.push({ kind: 'set', path: ['env'], value: {} });
      for (const op of c.envOps) ops.push('value' in op ? { kind: 'set', path: ['env', op.key], value: op.value } : { kind: 'delete', path: ['env', op.key] });
      if (c.topSet) ops.push({ kind: 'set', path: [c.topSet.key], value: c.topSet.value });
      const expected = applyOpsToValue(base, ops);
      const style = detectStyle(text);
      let edited = text;
      for (const op of ops) {
        const parent = op.path.slice(0, -1);
        const key = op.path[op.path.length - 1] as string;
        edited = op.kind === 'set' ? setMember(edited, parent, key, op.value, style) : deleteMember(edited, parent, key);
      }
      expect(JSON.stringify(JSON.parse(edited)), text).toBe(JSON.stringify(expected));
      // and through the document layer, which must not need its fallback here
      const doc = decodeDocument('x.json', Buffer.from(text));
      expect(renderOps(doc, ops).text).toBe(edited);
    }
  });
});
