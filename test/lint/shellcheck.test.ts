import { describe, expect, test } from 'vitest';
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
});
