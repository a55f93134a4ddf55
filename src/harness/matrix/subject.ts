// The profile a matrix run tests: every fact a scenario needs about the installers under test —
// where they are served, which hosts they call, the prompt they show, the settings they must
// write — derived from the resolved profile, so any provider's own profile runs the same table.
import { NODEJS_DIST, NPMJS_REGISTRY } from '../../profile/regions.js';
import type { Profile } from '../../profile/schema.js';
import { TARGETS } from '../../render/targets.js';
import { HOSTS } from '../sites.js';

export interface Subject {
  profile: Profile;
  id: string;
  /** Where install.sh is served in the sandbox (the CDN host answers from the built tree). */
  installPath: string;
  installUrl: string;
  /** install.ps1 beside it (the pwsh lane's script). */
  installPs1Path: string;
  installPs1Url: string;
  installCmdUrl: string;
  /** The Node.js mirror the installers use (the profile's, or its region's default), without a trailing slash. */
  nodeMirrorUrl: string;
  nodeHost: string;
  nodePrefix: string;
  /** The npm registry Claude Code comes from. */
  registryUrl: string;
  registryHost: string;
  /** The API the installers point Claude Code at. */
  baseUrl: string;
  apiHost: string;
  /** The key-prompt text the installer shows on a terminal. */
  prompt: string;
  /** The Node major the installer fetches, and the exact release when the profile pins one. */
  nodeMajor: number;
  pinnedNode?: string;
  /** The model Claude Code's main request carries (the mapping's Opus name, when applied by default). */
  expectedModel?: string;
  /** Settings `env` entries the profile adds (besides key and base URL), with their values. */
  extraEnv: Record<string, string>;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

export function subjectOf(profile: Profile): Subject {
  const mirror = trimSlash(profile.node.mirror ?? NODEJS_DIST);
  const registry = trimSlash(profile.npmRegistry ?? NPMJS_REGISTRY);
  const mirrorUrl = new URL(mirror);
  // each installer at /<id>/<file> on the CDN host
  const at = (file: string) => ({ path: `/${profile.id}/${file}`, url: `https://${HOSTS.cdn}/${profile.id}/${file}` });
  const [sh, ps1, cmd] = [at(TARGETS.sh.file), at(TARGETS.ps1.file), at(TARGETS.cmd.file)];
  const models = profile.models?.enabledByDefault ? profile.models : undefined;
  const extraEnv: Record<string, string> = { ...(profile.env ?? {}) };
  if (models) {
    extraEnv.ANTHROPIC_DEFAULT_OPUS_MODEL = models.opus;
    extraEnv.ANTHROPIC_DEFAULT_SONNET_MODEL = models.sonnet;
    extraEnv.ANTHROPIC_DEFAULT_HAIKU_MODEL = models.haiku;
  }
  return {
    profile,
    id: profile.id,
    installPath: sh.path,
    installUrl: sh.url,
    installPs1Path: ps1.path,
    installPs1Url: ps1.url,
    installCmdUrl: cmd.url,
    nodeMirrorUrl: mirror,
    nodeHost: mirrorUrl.hostname,
    nodePrefix: trimSlash(mirrorUrl.pathname),
    registryUrl: registry,
    registryHost: new URL(registry).hostname,
    baseUrl: profile.baseUrl,
    apiHost: new URL(profile.baseUrl).hostname,
    prompt: `Enter your ${profile.name.en} API key`,
    nodeMajor: profile.node.pin ? Number(profile.node.pin.version.split('.')[0]) : profile.node.minimum,
    ...(profile.node.pin ? { pinnedNode: profile.node.pin.version } : {}),
    ...(models ? { expectedModel: models.opus } : {}),
    extraEnv,
  };
}
