// The provider profile: the single source of the profile type (inferred from zod).
import { z } from 'zod';

const MAX_TIMEOUT_MS = 2147483647; // Claude Code overflows above this and every request fails

// Braces are reserved for message placeholders, line breaks would break generated comments.
const displayText = z.string().min(1).regex(/^[^{}\r\n\0]+$/, 'must be one line without { }');

const localized = z
  .object({
    en: displayText,
    zh: displayText,
  })
  .strict();

const httpsUrl = z
  .string()
  .url()
  .refine((u) => u.startsWith('https://'), { message: 'must be an https:// URL' })
  .refine((u) => !/[{}\s'"`\\]/.test(u), { message: 'must not contain spaces, quotes, backslashes or braces' });

const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an upper-case environment variable name');

/** env entries the profile may not set itself: they come from baseUrl and the user's key. */
const RESERVED_ENV = ['ANTHROPIC_AUTH_TOKEN', 'ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL'];
const MODEL_ENV = ['ANTHROPIC_DEFAULT_OPUS_MODEL', 'ANTHROPIC_DEFAULT_SONNET_MODEL', 'ANTHROPIC_DEFAULT_HAIKU_MODEL'];

const modelName = z.string().regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

export const profileSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'must be lower-case letters, digits and dashes'),
    name: localized.describe('Display name of the provider, per language'),
    baseUrl: httpsUrl
      .refine((u) => !/\/v1\/?$/.test(u), { message: 'must not end in /v1 (Claude Code appends /v1/messages)' })
      .refine((u) => !u.endsWith('/'), { message: 'must not end with a slash' })
      .describe('ANTHROPIC_BASE_URL'),
    keyUrl: httpsUrl.describe('Where users get an API key'),
    keyUrlVerified: z.boolean().default(true),
    env: z
      .record(envName, z.string().regex(/^[^\r\n\0]*$/, 'must be a single line'))
      .default({})
      .superRefine((env, ctx) => {
        for (const name of Object.keys(env)) {
          if (RESERVED_ENV.includes(name) || MODEL_ENV.includes(name)) {
            ctx.addIssue({ code: 'custom', path: [name], message: `${name} is set by ccenv itself (use baseUrl or models)` });
          }
        }
        const timeout = env['API_TIMEOUT_MS'];
        if (timeout !== undefined && !(/^\d+$/.test(timeout) && Number(timeout) <= MAX_TIMEOUT_MS)) {
          ctx.addIssue({ code: 'custom', path: ['API_TIMEOUT_MS'], message: `must be a whole number of milliseconds ≤ ${MAX_TIMEOUT_MS}` });
        }
      })
      .describe('Extra env entries written into settings.json (strings)'),
    models: z
      .object({
        enabledByDefault: z.boolean().default(false),
        opus: modelName.optional(),
        sonnet: modelName.optional(),
        haiku: modelName.optional(),
      })
      .strict()
      .optional()
      .describe('A suggested model mapping; offered at the prompt, applied only when enabled'),
    node: z
      .object({
        minimum: z.number().int().min(18).max(99).default(22),
        mirror: httpsUrl.default('https://nodejs.org/dist'),
        pin: z
          .object({
            version: z.string().regex(/^\d+\.\d+\.\d+$/, 'must be a version like 22.23.3'),
            sha256: z
              .record(
                z.string().regex(/^node-v\d+\.\d+\.\d+-(linux|darwin)-(x64|arm64)\.tar\.(xz|gz)$/, 'must be an official tarball name'),
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
      .default({ minimum: 22, mirror: 'https://nodejs.org/dist' }),
    npmRegistry: httpsUrl.optional(),
    sources: z.array(z.string().min(1)).default([]).describe('Where the facts in this profile come from'),
  })
  .strict();

export type Profile = z.infer<typeof profileSchema>;
export type ProfileInput = z.input<typeof profileSchema>;

export function profileJsonSchema(): unknown {
  return z.toJSONSchema(profileSchema, { io: 'input' });
}
