// Every mustache in every template goes through an escaping helper; a bare {{value}} fails.
import { describe, expect, test } from 'vitest';
import Handlebars from 'handlebars';
import { readFileSync } from 'node:fs';
import { ESCAPING_HELPERS, templateFiles } from '../../src/render/environment.js';

/** Returns "line: mustache" for every output mustache that is not a call of an escaping helper. */
function bareMustaches(source: string): string[] {
  const found: string[] = [];
  class Walker extends Handlebars.Visitor {
    override MustacheStatement(node: hbs.AST.MustacheStatement): void {
      const name = 'original' in node.path ? String(node.path.original) : node.path.type;
      const isHelperCall = (ESCAPING_HELPERS as readonly string[]).includes(name) && node.params.length > 0;
      if (!isHelperCall) found.push(`line ${node.loc.start.line}: {{${name}}}`);
    }
  }
  new Walker().accept(Handlebars.parse(source));
  return found;
}

describe('templates', () => {
  test('the walker catches bare and unknown-helper mustaches', () => {
    expect(bareMustaches('a {{x}} b')).toEqual(['line 1: {{x}}']);
    expect(bareMustaches('{{#if y}}{{sh y}}{{/if}} {{raw y}} {{sh}}')).toHaveLength(2);
    expect(bareMustaches('{{#each m}}{{sh id}}{{/each}}')).toEqual([]);
  });

  const files = templateFiles();
  test('there are templates to check', () => {
    expect(files.some((f) => f.endsWith('install.sh.hbs'))).toBe(true);
  });

  for (const file of files) {
    test(`${file.replace(/.*templates\//, 'templates/')} has no bare mustache`, () => {
      expect(bareMustaches(readFileSync(file, 'utf8'))).toEqual([]);
    });
  }
});
