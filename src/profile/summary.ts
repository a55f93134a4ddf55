// What `ccenv list` says about a profile: one line a platform team can act on.
import { NPMJS_REGISTRY } from './regions.js';
import type { Profile } from './schema.js';

export interface ProfileSummary {
  id: string;
  name: { en: string; zh: string };
  region: string;
  baseUrl: string;
  keyUrl: string;
  /** "opus/sonnet/haiku" names, "" for none; "(offered)" when not applied by default. */
  models: string;
  nodeMirror: string;
  npmRegistry: string;
  /** MCP server names, "" for none; "(offered)" when not set up by default. */
  mcp: string;
  /** Facts marked secondary or unverified, e.g. "keyUrl unverified". */
  caveats: string[];
}

export function profileSummary(p: Profile): ProfileSummary {
  const m = p.models;
  const names = m ? [...new Set([m.opus, m.sonnet, m.haiku])].join('/') : '';
  const facts: Array<[string, (typeof p.provenance)['baseUrl']]> = [
    ...Object.entries(p.provenance),
    ...Object.entries(p.mcp?.servers ?? {}).map(([name, s]): [string, (typeof p.provenance)['baseUrl']] => [`mcp ${name}`, s.provenance]),
  ];
  const caveats = facts.flatMap(([fact, f]) => [
    ...(f?.secondary ? [`${fact} secondary`] : []),
    ...(f?.unverified ? [`${fact} unverified`] : []),
  ]);
  const mcpNames = Object.keys(p.mcp?.servers ?? {}).join(',');
  return {
    id: p.id,
    name: p.name,
    region: p.region,
    baseUrl: p.baseUrl,
    keyUrl: p.keyUrl,
    models: m ? (m.enabledByDefault ? names : `${names} (offered)`) : '',
    mcp: p.mcp ? (p.mcp.enabledByDefault ? mcpNames : `${mcpNames} (offered)`) : '',
    nodeMirror: p.node.mirror,
    npmRegistry: p.npmRegistry ?? NPMJS_REGISTRY,
    caveats,
  };
}

export function summaryTable(rows: ProfileSummary[]): string {
  const header = ['ID', 'REGION', 'BASE URL', 'MODELS', 'MCP', 'NAME', 'CAVEATS'];
  const cells = rows.map((r) => [r.id, r.region, r.baseUrl, r.models || '-', r.mcp || '-', r.name.en, r.caveats.join(', ') || '-']);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  return [header, ...cells].map((row) => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n');
}
