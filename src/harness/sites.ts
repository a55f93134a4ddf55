// Sites described as plain data (JSON), so a scenario can hand them to a fixture server started
// inside a sandbox; siteFromSpec turns one into a live Site.
import { apiStubSite, type ApiStubOptions } from './api-stub.js';
import { MCP_STUB_PATH, mcpStubSite, type McpStubOptions } from './mcp-stub.js';
import type { Site } from './fixture-server.js';
import { npmRegistrySite, type RegistrySnapshot } from './npm-registry.js';
import { staticSite } from '../http/static-site.js';
import { REGION_DEFAULTS } from '../profile/regions.js';

export type SiteSpec =
  /** A folder served as is: the CDN (dist/), or anything else. */
  | { kind: 'static'; host: string; dir: string; prefix?: string; name?: string }
  /** A Node.js mirror root (node-mirror.ts), by default at /dist like nodejs.org. */
  | { kind: 'node-mirror'; host: string; dir: string; prefix?: string; name?: string }
  | { kind: 'npm-registry'; host: string; snapshot: RegistrySnapshot; prefix?: string; name?: string }
  | { kind: 'api-stub'; host: string; prefix?: string; name?: string; options?: ApiStubOptions }
  /** A remote MCP server (mcp-stub.ts) whose endpoint is `prefix` (default MCP_STUB_PATH). */
  | { kind: 'mcp-stub'; host: string; prefix?: string; name?: string; options?: McpStubOptions };

export function siteFromSpec(spec: SiteSpec): Site {
  switch (spec.kind) {
    case 'static':
      return staticSite(spec.host, { dir: spec.dir, prefix: spec.prefix, name: spec.name ?? 'cdn' });
    case 'node-mirror':
      return staticSite(spec.host, { dir: spec.dir, prefix: spec.prefix ?? '/dist', name: spec.name ?? 'node-mirror', index: false });
    case 'npm-registry':
      return npmRegistrySite(spec.host, spec.snapshot, { prefix: spec.prefix, name: spec.name });
    case 'api-stub':
      return apiStubSite(spec.host, { ...(spec.options ?? {}), prefix: spec.prefix, name: spec.name });
    case 'mcp-stub':
      return mcpStubSite(spec.host, { ...(spec.options ?? {}), prefix: spec.prefix, name: spec.name });
  }
}

/** Host paths a site reads (a sandbox must make them visible). */
export function sitePaths(spec: SiteSpec): string[] {
  switch (spec.kind) {
    case 'static':
    case 'node-mirror':
      return [spec.dir];
    case 'npm-registry':
      return spec.snapshot.packages.map((p) => p.tarball);
    case 'api-stub':
    case 'mcp-stub':
      return [];
  }
}

/** The real host names the installers use, all answered locally in a scenario. */
export const HOSTS = {
  cdn: 'cdn.ccenv.test',
  node: 'nodejs.org',
  registry: 'registry.npmjs.org',
  api: 'open.bigmodel.cn',
} as const;

const cnNode = new URL(REGION_DEFAULTS.cn.nodeMirror);
const cnRegistry = new URL(REGION_DEFAULTS.cn.npmRegistry as string);

/**
 * The China mirrors a region "cn" profile (zhipu, the tests' usual one) uses by default: Node from
 * https://npmmirror.com/mirrors/node, packages from https://registry.npmmirror.com. A scenario
 * with a Node mirror or a registry answers under both these and the official names.
 */
export const CN_MIRRORS = {
  nodeHost: cnNode.hostname,
  nodePrefix: cnNode.pathname.replace(/\/$/, ''),
  /** The mirror's base URL as the installers print it. */
  nodeUrl: REGION_DEFAULTS.cn.nodeMirror,
  registryHost: cnRegistry.hostname,
} as const;

export interface StandardSitesOptions {
  /** A built dist/ folder, served at https://cdn.ccenv.test/. */
  dist?: string;
  /** A Node mirror root (ensureNodeMirror().root), served at https://nodejs.org/dist/ and the China mirror. */
  nodeMirror?: string;
  /** Packages served at https://registry.npmjs.org/ and the China mirror (ensureClaudeCodeSnapshot()). */
  registry?: RegistrySnapshot;
  /** The API stub at https://open.bigmodel.cn/ (any path prefix); false for none. Default {}. */
  api?: ApiStubOptions | false;
  /** An MCP stub at https://open.bigmodel.cn/api/mcp/web_search_prime/mcp (beside the API stub); default none. */
  mcp?: McpStubOptions;
  /** Other host names for any of them (a profile's own API host, a mirror's host …). */
  hosts?: Partial<Record<keyof typeof HOSTS, string>>;
}

/** The usual scenario: CDN, Node mirror, npm registry and API stub under their real names. */
export function standardSites(o: StandardSitesOptions): SiteSpec[] {
  const h = { ...HOSTS, ...(o.hosts ?? {}) };
  const sites: SiteSpec[] = [];
  if (o.dist) sites.push({ kind: 'static', host: h.cdn, dir: o.dist });
  if (o.nodeMirror) {
    sites.push({ kind: 'node-mirror', host: h.node, dir: o.nodeMirror });
    sites.push({ kind: 'node-mirror', host: CN_MIRRORS.nodeHost, dir: o.nodeMirror, prefix: CN_MIRRORS.nodePrefix });
  }
  if (o.registry) {
    sites.push({ kind: 'npm-registry', host: h.registry, snapshot: o.registry });
    sites.push({ kind: 'npm-registry', host: CN_MIRRORS.registryHost, snapshot: o.registry });
  }
  if (o.api !== false) sites.push({ kind: 'api-stub', host: h.api, options: o.api ?? {} });
  // the longer prefix wins, so the API stub still answers every other path of the host
  if (o.mcp) sites.push({ kind: 'mcp-stub', host: h.api, prefix: MCP_STUB_PATH, options: o.mcp });
  return sites;
}
