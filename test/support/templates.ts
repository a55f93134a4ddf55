// A target's template source as a reader sees it: the main file and its partials (sh-*, ps-*, cmd-*).
import { readFileSync, readdirSync } from 'node:fs';
import { repoPath } from '../../src/paths.js';

const PARTIAL_PREFIX = { sh: 'sh-', ps1: 'ps-', cmd: 'cmd-' } as const;

export function templateSource(target: keyof typeof PARTIAL_PREFIX): string {
  const partials = readdirSync(repoPath('templates', 'partials')).filter((f) => f.startsWith(PARTIAL_PREFIX[target])).sort();
  return [repoPath('templates', `install.${target}.hbs`), ...partials.map((f) => repoPath('templates', 'partials', f))]
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
}
