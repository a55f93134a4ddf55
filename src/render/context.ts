// What a template sees: profile values, catalog messages and the configure program, nothing else.
import type { Profile } from '../profile/schema.js';
import { NPMJS_REGISTRY, REGION_DEFAULTS } from '../profile/regions.js';
import type { BakedMcp, BakedProfile, McpSpec, ModelMapping } from '../configure/baked-profile.js';
import { CLAUDE_ENV, EXIT } from '../contract.js';
import type { TargetId } from './targets.js';
import { CONFIGURE_LOADER_JS, encodedPowerShell, READ_KEY_POWERSHELL, USER_PATH_LOADER_JS } from './cmd-bootstrap.js';
import { USER_PATH_MAX_LENGTH, USER_PATH_PROGRAM } from './cmd-user-path.js';
import {
  type BuildValues,
  type Catalog,
  LANGS,
  pick,
  resolveBuildValues,
  runtimePlaceholders,
} from '../messages/catalog.js';

const CONFIGURE_PREFIX = 'cfg_';

/** What a message shows for the installer's address when the build was not told where it is served. */
export const INSTALL_URL_PLACEHOLDER = '<url>';

export function buildValues(profile: Profile, ccenvVersion: string, installUrl?: string): BuildValues {
  const same = (v: string) => ({ en: v, zh: v });
  return {
    provider: profile.name,
    key_url: same(profile.keyUrl),
    base_url: same(profile.baseUrl),
    profile: same(profile.id),
    version: same(ccenvVersion),
    node_min: same(String(profile.node.minimum)),
    model_opus: same(profile.models?.opus ?? ''),
    model_sonnet: same(profile.models?.sonnet ?? ''),
    model_haiku: same(profile.models?.haiku ?? ''),
    install_url: same(installUrl ?? INSTALL_URL_PLACEHOLDER),
    mcp_titles: mcpTitles(profile),
  };
}

export function bakeProfile(profile: Profile, catalog: Catalog, ccenvVersion: string): BakedProfile {
  const resolved = resolveBuildValues(pick(catalog, (id) => id.startsWith(CONFIGURE_PREFIX)), buildValues(profile, ccenvVersion));
  const messages = { en: {}, zh: {} } as BakedProfile['messages'];
  for (const [id, msg] of Object.entries(resolved)) {
    for (const lang of LANGS) messages[lang][id] = msg[lang];
  }
  const models: ModelMapping = profile.models ?? {};
  return {
    profileId: profile.id,
    ccenvVersion,
    providerName: profile.name,
    env: { [CLAUDE_ENV.baseUrl]: profile.baseUrl, ...profile.env },
    models: {
      ...(models.opus ? { opus: models.opus } : {}),
      ...(models.sonnet ? { sonnet: models.sonnet } : {}),
      ...(models.haiku ? { haiku: models.haiku } : {}),
    },
    messages,
    nodeMin: profile.node.minimum,
    ...(profile.mcp ? { mcp: bakeMcp(profile.mcp) } : {}),
  };
}

function bakeMcp(mcp: NonNullable<Profile['mcp']>): BakedMcp {
  const servers = Object.entries(mcp.servers).map(([name, s]) => ({
    name,
    spec: (s.type === 'http' ? { type: 'http', url: s.url, headers: s.headers } : { type: 'stdio', command: s.command, args: s.args, env: s.env }) as McpSpec,
  }));
  return { enabledByDefault: mcp.enabledByDefault, servers };
}

/** The servers' titles for the question, per language ("web search, vision"). */
function mcpTitles(profile: Profile): Record<'en' | 'zh', string> {
  const servers = Object.entries(profile.mcp?.servers ?? {});
  const titles = (lang: 'en' | 'zh') => servers.map(([name, s]) => s.title?.[lang] ?? name);
  return { en: titles('en').join(', '), zh: titles('zh').join('、') };
}

export interface ShellMessage {
  id: string;
  en: string;
  zh: string;
  /** Run-time placeholder names, in order: the msg function's arguments. */
  runtime: string[];
}

/** Messages only install.ps1 speaks (messages/installer-ps1.yaml). */
export const PS1_PREFIX = 'ps_';
/** Messages only install.cmd speaks (messages/installer-cmd.yaml). */
export const CMD_PREFIX = 'cmd_';

/**
 * The installer's own messages (everything but the configure program's), build values filled in:
 * the shared ones, plus the ps_ ones for install.ps1 and the cmd_ ones for install.cmd.
 */
export function installerMessages(profile: Profile, catalog: Catalog, ccenvVersion: string, target: TargetId = 'sh', installUrl?: string): ShellMessage[] {
  const own = (id: string) =>
    !id.startsWith(CONFIGURE_PREFIX) && (target === 'ps1' || !id.startsWith(PS1_PREFIX)) && (target === 'cmd' || !id.startsWith(CMD_PREFIX));
  const resolved = resolveBuildValues(pick(catalog, own), buildValues(profile, ccenvVersion, installUrl));
  return Object.entries(resolved).map(([id, msg]) => ({ id, en: msg.en, zh: msg.zh, runtime: runtimePlaceholders(msg.en) }));
}

export interface TemplateContext {
  ccenvVersion: string;
  /** The contract's exit codes, so every installer uses the same numbers. */
  exit: typeof EXIT;
  profile: Profile;
  nodeMin: number;
  /** A pinned Node.js release: its version ('' when not pinned) and embedded checksums. */
  nodePin: { version: string; files: { name: string; sha256: string }[] };
  /** The profile's npm registry, or '' for npm's own default. */
  npmRegistry: string;
  /** What a failed download or npm install suggests trying instead: the other region's mirrors. */
  otherMirrors: { nodeMirror: string; npmRegistry: string };
  models: { opus: string; sonnet: string; haiku: string; enabledByDefault: string } | false;
  /** The profile's MCP servers: whether they are set up by default. */
  mcp: { enabledByDefault: string } | false;
  messages: ShellMessage[];
  configureProgram: string;
  /** install.cmd: the `node -e` loader of the configure program and the hidden key prompt. */
  configureLoader: string;
  readKeyCommand: string;
  /** install.cmd: the program that edits the user PATH, and its loader. */
  userPathProgram: string;
  userPathLoader: string;
  /** install.ps1 and install.cmd: the longest user PATH Windows keeps (refused above, never cut). */
  userPathMaxLength: number;
}

export function templateContext(
  profile: Profile,
  catalog: Catalog,
  ccenvVersion: string,
  configureProgram: string,
  target: TargetId = 'sh',
  /** Where this installer will be served from, when the build knows it (the messages' commands show it). */
  installUrl?: string,
): TemplateContext {
  const m = profile.models;
  return {
    ccenvVersion,
    exit: EXIT,
    profile,
    nodeMin: profile.node.minimum,
    npmRegistry: profile.npmRegistry ?? '',
    otherMirrors: otherMirrors(profile),
    nodePin: {
      version: profile.node.pin?.version ?? '',
      files: Object.entries(profile.node.pin?.sha256 ?? {})
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, sha256]) => ({ name, sha256 })),
    },
    models:
      m && m.opus && m.sonnet && m.haiku
        ? { opus: m.opus, sonnet: m.sonnet, haiku: m.haiku, enabledByDefault: m.enabledByDefault ? 'true' : 'false' }
        : false,
    mcp: profile.mcp ? { enabledByDefault: profile.mcp.enabledByDefault ? 'true' : 'false' } : false,
    messages: installerMessages(profile, catalog, ccenvVersion, target, installUrl),
    configureProgram,
    configureLoader: CONFIGURE_LOADER_JS,
    readKeyCommand: encodedPowerShell(READ_KEY_POWERSHELL),
    userPathProgram: USER_PATH_PROGRAM,
    userPathLoader: USER_PATH_LOADER_JS,
    userPathMaxLength: USER_PATH_MAX_LENGTH,
  };
}

/** The mirrors of the region the profile's Node mirror is not from (mainland China ↔ everywhere else). */
export function otherMirrors(profile: Profile): { nodeMirror: string; npmRegistry: string } {
  const other = profile.node.mirror === REGION_DEFAULTS.cn.nodeMirror ? REGION_DEFAULTS.global : REGION_DEFAULTS.cn;
  return { nodeMirror: other.nodeMirror, npmRegistry: other.npmRegistry ?? NPMJS_REGISTRY };
}
