// The configure program exactly as the installers carry it: the here-document inside the
// committed dist/<profile>/install.sh, or, for a test-only profile, inside an installer rendered
// by the same pipeline. Tests depend only on this and on the program's runtime contract.
import { existsSync, readFileSync } from 'node:fs';
import { loadProfileFile } from '../../src/profile/load.js';
import { repoPath } from '../../src/paths.js';
import { renderForTest } from './render.js';

const TERMINATOR = 'CCENV_CONFIGURE_JS';

/** The program text between `<<'CCENV_CONFIGURE_JS'` and its terminator line. */
export function extractConfigureProgram(installer: string): string {
  const lines = installer.split('\n');
  const start = lines.findIndex((l) => l.endsWith(`<<'${TERMINATOR}'`));
  const end = lines.indexOf(TERMINATOR, start + 1);
  if (start < 0 || end < 0) throw new Error('no configure program here-document in the installer');
  return lines.slice(start + 1, end).join('\n') + '\n';
}

const cache = new Map<string, Promise<string>>();

async function installerText(profile: string): Promise<string> {
  const shipped = repoPath('dist', profile, 'install.sh');
  if (existsSync(shipped)) return readFileSync(shipped, 'utf8');
  return renderForTest(loadProfileFile(repoPath('test', 'fixtures', 'profiles', `${profile}.yaml`)));
}

/** The full program text for `profile` ("zhipu" by default; "deepseek" is the second profile). */
export function loadConfigureArtifact(profile = 'zhipu'): Promise<string> {
  let program = cache.get(profile);
  if (!program) {
    program = installerText(profile).then(extractConfigureProgram);
    cache.set(profile, program);
  }
  return program;
}
