// `ccenv init`: the answers for a new profile, turned into a YAML file that validates.
import { stringify } from 'yaml';
import type { Region } from './regions.js';

export interface ProfileAnswers {
  id: string;
  /** A built-in id or a path: the new profile only states what differs. */
  extends?: string | undefined;
  nameEn?: string | undefined;
  nameZh?: string | undefined;
  region?: Region | undefined;
  baseUrl?: string | undefined;
  keyUrl?: string | undefined;
  /** All three or none. */
  models?: { opus: string; sonnet: string; haiku: string; enabledByDefault: boolean } | undefined;
  timeoutMs?: string | undefined;
  /** Sets CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 (no telemetry or update checks to Anthropic). */
  quiet?: boolean | undefined;
  nodeMirror?: string | undefined;
  npmRegistry?: string | undefined;
  /** Where the facts come from (a page address), recorded as their provenance. */
  source?: string | undefined;
  mcp?: { enabledByDefault: boolean; servers: McpAnswer[] } | undefined;
}

/** One MCP server: an https URL (the key in a header), or a command line (the key in a variable). */
export type McpAnswer =
  | { name: string; url: string; header: [string, string] }
  | { name: string; commandLine: string[]; keyEnv: string | undefined; env: Record<string, string> };

/** The header an http server takes the key in unless told otherwise. */
export const DEFAULT_MCP_HEADER: [string, string] = ['Authorization', 'Bearer {key}'];

function mcpData(a: ProfileAnswers): Record<string, unknown> | undefined {
  if (!a.mcp || a.mcp.servers.length === 0) return undefined;
  const provenance = a.source ? { provenance: { source: a.source } } : {};
  const servers = Object.fromEntries(
    a.mcp.servers.map((s) => {
      if ('url' in s) return [s.name, { type: 'http', url: s.url, headers: { [s.header[0]]: s.header[1] }, ...provenance }];
      const [command, ...args] = s.commandLine;
      const env = { ...(s.keyEnv ? { [s.keyEnv]: '{key}' } : {}), ...s.env };
      return [s.name, { type: 'stdio', command, args, ...(Object.keys(env).length > 0 ? { env } : {}), ...provenance }];
    }),
  );
  return { enabledByDefault: a.mcp.enabledByDefault, servers };
}

/** The fields a profile needs when it does not extend another one. */
export const REQUIRED_WITHOUT_EXTENDS = ['nameEn', 'nameZh', 'baseUrl', 'keyUrl'] as const;

function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as Partial<T>;
}

/** The profile as data, keys in the order a reader expects; only what was answered. */
export function profileData(a: ProfileAnswers): Record<string, unknown> {
  const name = defined({ en: a.nameEn, zh: a.nameZh });
  const node = defined({ mirror: a.nodeMirror });
  const envEntries = defined({ API_TIMEOUT_MS: a.timeoutMs, CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: a.quiet ? '1' : undefined });
  const env = Object.keys(envEntries).length > 0 ? envEntries : undefined;
  const fromSource = a.source ? { source: a.source } : undefined;
  const provenance = fromSource
    ? defined({
        baseUrl: a.baseUrl ? fromSource : undefined,
        keyUrl: a.keyUrl ? fromSource : undefined,
        env: env ? fromSource : undefined,
        models: a.models ? fromSource : undefined,
      })
    : {};
  return defined({
    extends: a.extends,
    id: a.id,
    name: Object.keys(name).length > 0 ? name : undefined,
    region: a.region,
    baseUrl: a.baseUrl,
    keyUrl: a.keyUrl,
    env,
    models: a.models ? { enabledByDefault: a.models.enabledByDefault, opus: a.models.opus, sonnet: a.models.sonnet, haiku: a.models.haiku } : undefined,
    node: Object.keys(node).length > 0 ? node : undefined,
    npmRegistry: a.npmRegistry,
    mcp: mcpData(a),
    provenance: Object.keys(provenance).length > 0 ? provenance : undefined,
  });
}

/** The file's text: a modeline for editor completion against the shipped JSON Schema, then the data. */
export function profileYaml(a: ProfileAnswers, schemaRef?: string): string {
  const header = [
    ...(schemaRef ? [`# yaml-language-server: $schema=${schemaRef}`] : []),
    `# ccenv profile "${a.id}", written by ccenv init. Check it with: ccenv validate ${a.id}.yaml`,
    `# Build its installers with: ccenv build --profile ./${a.id}.yaml --out dist`,
  ];
  return `${header.join('\n')}\n${stringify(profileData(a), { lineWidth: 0, aliasDuplicateObjects: false })}`;
}
