// The provider profile: the single source of the profile type (inferred from zod).
import { z } from 'zod';
import { MAX_TIMEOUT_MS } from '../contract.js';
import { displayText, envName, envValue, fact, httpsUrl, localized, modelName, providerName } from './fields.js';
import { mcpSchema, mcpServerName } from './mcp-schema.js';
import { REGION_DEFAULTS, REGIONS } from './regions.js';

/** The oldest Node.js major a profile's installers accept unless the profile says otherwise (node.minimum). */
const DEFAULT_NODE_MINIMUM = 22;

/** env entries the profile may not set itself, and what to use instead. */
const RESERVED_ENV: Record<string, string> = {
  ANTHROPIC_AUTH_TOKEN: 'is the user\'s key, asked at install time',
  ANTHROPIC_API_KEY: 'is removed by ccenv (ANTHROPIC_AUTH_TOKEN carries the key)',
  ANTHROPIC_BASE_URL: 'comes from baseUrl',
  ANTHROPIC_DEFAULT_OPUS_MODEL: 'comes from models.opus',
  ANTHROPIC_DEFAULT_SONNET_MODEL: 'comes from models.sonnet',
  ANTHROPIC_DEFAULT_HAIKU_MODEL: 'comes from models.haiku',
  ANTHROPIC_SMALL_FAST_MODEL: 'is deprecated in Claude Code: use models.haiku',
};

export const profileSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'must be lower-case letters, digits and dashes'),
    name: localized.describe('Display name of the provider, per language'),
    baseUrl: httpsUrl
      .refine((u) => !/\/v1\/?$/.test(u), { message: 'must not end in /v1 (Claude Code appends /v1/messages)' })
      .refine((u) => !u.endsWith('/'), { message: 'must not end with a slash' })
      .describe('ANTHROPIC_BASE_URL'),
    keyUrl: httpsUrl.describe('Where users get an API key'),
    region: z.enum(REGIONS).default('global').describe('cn: mainland China (Node and npm from npmmirror.com); global: nodejs.org and registry.npmjs.org'),
    env: z
      .record(envName, envValue)
      .default({})
      .superRefine((env, ctx) => {
        for (const name of Object.keys(env)) {
          const why = RESERVED_ENV[name];
          if (why) ctx.addIssue({ code: 'custom', path: [name], message: `may not be set here: ${name} ${why}` });
        }
        const timeout = env['API_TIMEOUT_MS'];
        if (timeout !== undefined && !(/^[1-9]\d*$/.test(timeout) && Number(timeout) <= MAX_TIMEOUT_MS)) {
          ctx.addIssue({ code: 'custom', path: ['API_TIMEOUT_MS'], message: `must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS} (larger overflows and every request fails)` });
        }
        const quiet = env['CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC'];
        if (quiet !== undefined && quiet !== '1') {
          ctx.addIssue({ code: 'custom', path: ['CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC'], message: 'must be "1": Claude Code treats any non-empty value, even "0", as set (leave it out to keep the traffic)' });
        }
      })
      .describe('Extra env entries written into settings.json (strings; a whole number is written as its decimal string)'),
    models: z
      .object({
        enabledByDefault: z.boolean().default(false).describe('Apply the mapping unless the user declines (true where the provider requires its own model names)'),
        opus: modelName,
        sonnet: modelName,
        haiku: modelName,
      })
      .strict()
      .optional()
      .describe('A model mapping (ANTHROPIC_DEFAULT_*_MODEL); offered at the prompt, applied by default only when enabledByDefault; CCENV_MODEL_* override it'),
    node: z
      .object({
        minimum: z.number().int().min(18).max(99).default(DEFAULT_NODE_MINIMUM),
        mirror: httpsUrl.optional().describe('Node.js dist mirror (layout of nodejs.org/dist); default from region'),
        pin: z
          .object({
            version: z.string().regex(/^\d+\.\d+\.\d+$/, 'must be a version like 22.23.3'),
            sha256: z
              .record(
                z.string().regex(/^node-v\d+\.\d+\.\d+-((linux|darwin)-(x64|arm64)\.tar\.(xz|gz)|win-(x64|arm64)\.zip)$/, 'must be an official tarball or Windows zip name'),
                z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 in lower-case hex'),
              )
              .refine((m) => Object.keys(m).length > 0, { message: 'must list at least one tarball' }),
          })
          .strict()
          .optional()
          .describe('A pinned Node.js release whose SHA-256s are embedded: a tampered mirror cannot pass'),
      })
      .strict()
      .superRefine((node, ctx) => {
        const pin = node.pin;
        if (!pin) return;
        if (Number(pin.version.split('.')[0]) < node.minimum) {
          ctx.addIssue({ code: 'custom', path: ['pin', 'version'], message: `must be at least the minimum (${node.minimum})` });
        }
        for (const file of Object.keys(pin.sha256)) {
          if (!file.startsWith(`node-v${pin.version}-`)) {
            ctx.addIssue({ code: 'custom', path: ['pin', 'sha256', file], message: `is not a ${pin.version} tarball` });
          }
        }
      })
      .default({ minimum: DEFAULT_NODE_MINIMUM }),
    mcp: mcpSchema.optional(),
    npmRegistry: httpsUrl.optional().describe('npm registry for installing Claude Code; default from region'),
    provenance: z
      .object({ baseUrl: fact, keyUrl: fact, env: fact, models: fact })
      .partial()
      .strict()
      .default({})
      .describe('Where each fact comes from, and how sure it is'),
  })
  .strict()
  // The region's mirrors fill what the profile leaves out.
  .transform((p) => ({
    ...p,
    node: { ...p.node, mirror: p.node.mirror ?? REGION_DEFAULTS[p.region].nodeMirror },
    npmRegistry: p.npmRegistry ?? REGION_DEFAULTS[p.region].npmRegistry,
  }));

export type Profile = z.infer<typeof profileSchema>;

/** Single fields, for checking an answer when it is typed (ccenv init). */
export const fieldSchemas = {
  id: profileSchema.in.shape.id,
  displayText,
  providerName,
  baseUrl: profileSchema.in.shape.baseUrl,
  httpsUrl,
  modelName,
  region: z.enum(REGIONS),
  empty: z.literal(''),
  yesNo: z.string().regex(/^(y|yes|n|no)$/i, 'answer y or n'),
  mcpName: mcpServerName,
  envName,
  mcpWhere: z.string().refine((v) => /^https:\/\/\S+$/.test(v) || /^[A-Za-z0-9._-]+(\s+\S+)*$/.test(v.trim()), { message: 'an https:// URL, or a program name and its arguments' }),
};
export type ProfileInput = z.input<typeof profileSchema>;

/**
 * The JSON Schema of a profile file, for editors. A file with `extends` names only what it changes
 * (and its own id); the rest comes from the profile it extends.
 */
export function profileJsonSchema(): unknown {
  const schema = z.toJSONSchema(profileSchema, { io: 'input' }) as Record<string, unknown> & { properties: Record<string, unknown>; required: string[] };
  const { required, properties, ...rest } = schema;
  return {
    ...rest,
    properties: {
      extends: { type: 'string', description: 'A built-in profile id (e.g. zhipu) or a path relative to this file; its values are the defaults of this one' },
      ...properties,
    },
    if: { required: ['extends'] },
    then: { required: ['id', 'extends'] },
    else: { required },
  };
}
