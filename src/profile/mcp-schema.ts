// MCP servers a profile offers with its endpoint (a coding plan's web search, vision, …). The
// installers write them into Claude Code's user scope; the user's key stands as {key} and is
// filled in at install time, in a header or an environment variable only — never in a URL or an
// argument, which end up in logs and on command lines.
import { z } from 'zod';
import { envName, fact, httpsUrl, localized } from './fields.js';

/** The placeholder for the user's key in a header or env value. */
export const KEY_PLACEHOLDER_TEXT = '{key}';

// What `claude mcp add` accepts as a name; 40 leaves room in the mcp__<server>__<tool> tool names.
export const mcpServerName = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be 1-40 letters, digits, - or _ (what Claude Code accepts as an MCP server name)');

// Names whose values are credentials: they must take the key from {key}, never hold one.
const SECRET_NAME = /TOKEN|KEY|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH/i;
// A literal that looks like an API key: a long run of token characters with letters and digits.
const KEY_LIKE = /[A-Za-z0-9_.-]{24,}/;

function looksLikeKey(value: string): boolean {
  const m = KEY_LIKE.exec(value.replaceAll(KEY_PLACEHOLDER_TEXT, ' '));
  return m !== null && /[A-Za-z]/.test(m[0]) && /\d/.test(m[0]);
}

// One line of printable ASCII; braces only as the {key} placeholder.
const templated = z
  .string()
  .regex(/^[\x20-\x7e]*$/, 'must be one line of printable ASCII')
  .refine((v) => !/[{}]/.test(v.replaceAll(KEY_PLACEHOLDER_TEXT, '')), { message: 'may hold braces only as {key}, the user\'s key' });

/** Checks one header or env map: credentials come from {key}, no literal key anywhere. */
function keyOnlyFromPlaceholder(entries: Record<string, string>, ctx: z.RefinementCtx): void {
  for (const [name, value] of Object.entries(entries)) {
    if (SECRET_NAME.test(name) && !value.includes(KEY_PLACEHOLDER_TEXT)) {
      ctx.addIssue({ code: 'custom', path: [name], message: `must take the user's key from {key} (e.g. "Bearer {key}"), never a literal credential` });
    } else if (looksLikeKey(value)) {
      ctx.addIssue({ code: 'custom', path: [name], message: 'looks like a literal API key: write {key} where the user\'s key goes' });
    }
  }
}

const common = {
  title: localized.optional().describe('What the server does, per language, shown in the question (default: its name)'),
  provenance: fact.optional().describe('Where the server\'s definition comes from'),
};

const httpServer = z
  .object({
    type: z.literal('http'),
    url: z
      .string()
      .refine((u) => !u.includes(KEY_PLACEHOLDER_TEXT) && !looksLikeKey(u), { message: 'must not hold the key (URLs end up in logs): send it in a header' })
      .pipe(httpsUrl)
      .describe('The streamable-HTTP endpoint'),
    headers: z
      .record(z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be an HTTP header name'), templated)
      .default({})
      .superRefine(keyOnlyFromPlaceholder)
      .describe('Request headers; {key} stands for the user\'s key (e.g. Authorization: "Bearer {key}")'),
    ...common,
  })
  .strict();

const stdioServer = z
  .object({
    type: z.literal('stdio'),
    command: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be a program name found on PATH (npx, uvx, …), without a folder or arguments').describe('The program Claude Code starts (npx comes with Node.js; anything else must be installed)'),
    args: z
      .array(
        z
          .string()
          .regex(/^[\x20-\x7e]*$/, 'must be one line of printable ASCII')
          .refine((a) => !a.includes(KEY_PLACEHOLDER_TEXT), { message: 'must not hold the key (arguments are visible to every process): pass it in env' }),
      )
      .default([])
      .superRefine((args, ctx) => {
        args.forEach((a, i) => {
          if (looksLikeKey(a)) ctx.addIssue({ code: 'custom', path: [i], message: 'looks like a literal API key: pass the key in env as {key}' });
        });
      }),
    env: z.record(envName, templated).default({}).superRefine(keyOnlyFromPlaceholder).describe('Environment of the server; {key} stands for the user\'s key'),
    ...common,
  })
  .strict();

export const mcpServer = z.discriminatedUnion('type', [httpServer, stdioServer]);

export const mcpSchema = z
  .object({
    enabledByDefault: z.boolean().default(false).describe('The answer to "Also set up …?" when the user presses Enter or cannot be asked'),
    servers: z
      .record(z.string(), mcpServer)
      .refine((s) => Object.keys(s).length > 0, { message: 'must name at least one server' })
      .superRefine((servers, ctx) => {
        // zod's own record-key error names no rule: say what Claude Code accepts.
        for (const name of Object.keys(servers)) {
          const r = mcpServerName.safeParse(name);
          if (!r.success) ctx.addIssue({ code: 'custom', path: [name], message: r.error.issues[0]?.message ?? 'is not a valid name' });
        }
      }),
  })
  .strict()
  .describe('MCP servers written into Claude Code\'s user scope (~/.claude.json mcpServers) when the user agrees; CCENV_MCP=all|none|name,name decides without asking');

export type McpProfile = z.output<typeof mcpSchema>;
export type McpServer = z.output<typeof mcpServer>;
