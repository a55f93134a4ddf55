import { describe, expect, test } from 'vitest';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { shellcheck, SHELL_DIALECTS } from '../../src/lint/shellcheck.js';

describe('shellcheck gate', () => {
  test('reports findings per dialect at severity style, with the given file names', async () => {
    const findings = await shellcheck([
      { name: 'dist/a/install.sh', text: '#!/bin/sh\nf() {\n    local x=1\n    echo $1 "$x"\n}\nf "$@"\n' },
      { name: 'dist/b/install.sh', text: '#!/bin/sh\nprintf "%s\\n" ok\n' },
    ]);
    // Every dialect reports the unquoted $1; plain sh also rejects `local`.
    for (const dialect of SHELL_DIALECTS) {
      expect(findings.some((f) => f.dialect === dialect && f.code === 2086 && f.level === 'info')).toBe(true);
    }
    expect(findings.every((f) => f.file === 'dist/a/install.sh')).toBe(true);
    expect(findings.some((f) => f.code === 3043 && f.dialect === 'sh')).toBe(true); // `local` is not POSIX
  });

  test('a clean script has no findings', async () => {
    expect(await shellcheck([{ name: 'ok.sh', text: '#!/bin/sh\nmain() {\n    printf "%s\\n" "$1"\n}\nmain "$@"\n' }])).toEqual([]);
  });

  test('results are cached by content: the second run reports the same findings from the cache, under the new name', async () => {
    const cache = mkdtempSync(path.join(tmpdir(), 'ccenv-sc-cache-'));
    const saved = process.env['CCENV_CACHE_DIR'];
    process.env['CCENV_CACHE_DIR'] = cache;
    try {
      const text = `#!/bin/sh\n# ${Math.random()}\necho $1\n`;
      const first = await shellcheck([{ name: 'one.sh', text }]);
      expect(first.length).toBe(SHELL_DIALECTS.length);
      const entries = readdirSync(path.join(cache, 'shellcheck'), { recursive: true }).filter((f) => String(f).endsWith('.json'));
      expect(entries.length).toBe(SHELL_DIALECTS.length);
      const second = await shellcheck([{ name: 'two.sh', text }]);
      expect(second).toEqual(first.map((f) => ({ ...f, file: 'two.sh' })));
      // a changed script is linted again
      expect(await shellcheck([{ name: 'three.sh', text: `${text}echo "$1"\n` }])).toHaveLength(SHELL_DIALECTS.length);
    } finally {
      if (saved === undefined) delete process.env['CCENV_CACHE_DIR'];
      else process.env['CCENV_CACHE_DIR'] = saved;
    }
  });
});
