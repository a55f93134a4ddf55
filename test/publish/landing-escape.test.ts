// The pages carry profile text through HTML and a JSON <script> block: the hostile fixture's name
// (quotes, <, >, &, $(…)) and values come out as text, never as markup or script.
import { describe, expect, test } from 'vitest';
import { loadProfileFile } from '../../src/profile/load.js';
import { loadCatalog } from '../../src/messages/catalog.js';
import { renderDistTree } from '../../src/publish/dist-tree.js';
import { repoPath } from '../../src/paths.js';
import { CCENV_VERSION } from '../../src/version.js';
import { htmlText, jsonScriptData } from '../../src/render/escape.js';

describe('pages with hostile profile values', () => {
  test('the landing page and the index hold the name only escaped; the JSON block parses back to manifest.json', async () => {
    const hostile = loadProfileFile(repoPath('test', 'fixtures', 'profiles', 'hostile.yaml'));
    const tree = await renderDistTree([hostile], loadCatalog(), CCENV_VERSION, { cdnBase: null, versioned: false });
    const page = tree.get('hostile/index.html') as string;
    const index = tree.get('index.html') as string;
    for (const html of [page, index]) {
      expect(html).toContain(htmlText(hostile.name.en));
      expect(html).not.toContain(hostile.name.en);
      // the only elements are the template's own
      expect((html.match(/<script\b/g) ?? []).length).toBe((html.match(/<\/script>/g) ?? []).length);
    }
    expect((page.match(/<script\b/g) ?? []).length).toBe(2);
    const json = /<script type="application\/json" id="ccenv-manifest">([^]*?)<\/script>/.exec(page)?.[1] as string;
    expect(JSON.parse(json)).toEqual(JSON.parse(tree.get('hostile/manifest.json') as string));
  });

  test('the helpers: HTML text and a JSON block that cannot close its element', () => {
    expect(htmlText(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const tricky = { s: '</script><script>alert(1)</script><!--', line: '\u2028\u2029' };
    const out = jsonScriptData(tricky);
    expect(out).not.toMatch(/<|>|\u2028|\u2029/);
    expect(JSON.parse(out)).toEqual(tricky);
  });
});
