// Renders an installer the way `ccenv build` does, for tests.
import type { Profile } from '../../src/profile/schema.js';
import { loadCatalog } from '../../src/messages/catalog.js';
import { buildConfigureProgram } from '../../src/configure/bundle.js';
import { bakeProfile } from '../../src/render/context.js';
import { renderInstaller } from '../../src/render/installer.js';
import type { TargetId } from '../../src/render/targets.js';
import { CCENV_VERSION } from '../../src/version.js';

export async function renderForTest(profile: Profile, target: TargetId = 'sh'): Promise<string> {
  const catalog = loadCatalog();
  const program = await buildConfigureProgram(bakeProfile(profile, catalog, CCENV_VERSION));
  return renderInstaller({ profile, target, catalog, ccenvVersion: CCENV_VERSION, configureProgram: program });
}
