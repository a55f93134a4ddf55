// The building blocks of a profile's fields, shared by the profile schema and its parts.
import { z } from 'zod';

// Braces are reserved for message placeholders, line breaks would break generated comments.
export const displayText = z.string().min(1).regex(/^[^{}\r\n\0]+$/, 'must be one line without { }');

// install.cmd prints the provider's and the models' names next to run-time values through FOR
// variables %%A … %%H: a literal % before one of those letters (or ~) would be read as one.
export const CMD_FOR_VARIABLE = /%[A-H~]/;
export const cmdPrintable = { message: 'must not contain % followed by A-H or ~ (install.cmd cannot print it)' };
export const providerName = displayText.refine((s) => !CMD_FOR_VARIABLE.test(s), cmdPrintable);

export const localized = z
  .object({
    en: providerName,
    zh: providerName,
  })
  .strict();

export const httpsUrl = z
  .string()
  .url()
  .refine((u) => u.startsWith('https://'), { message: 'must be an https:// URL' })
  .refine((u) => !/[{}\s'"`\\]/.test(u), { message: 'must not contain spaces, quotes, backslashes or braces' });

export const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an upper-case environment variable name');

// settings.json's env takes strings: a whole number (API_TIMEOUT_MS: 3000000) is stored as its
// decimal string; true/false are refused, since "false" would still count as set.
export const envValue = z
  .union([z.string().regex(/^[^\r\n\0]*$/, 'must be a single line'), z.number().int()], { error: (issue) => (typeof issue.input === 'number' ? 'must be a whole number or a string' : typeof issue.input === 'boolean' ? 'must be a string: write "1" or "true" in quotes (Claude Code reads env values as text, and "false" still counts as set)' : 'must be a string or a whole number') })
  .transform((v) => String(v));


/** 2026-02-28 is, 2026-02-30 and 2026-13-01 are not (a malformed string is the regex's to report). */
function isCalendarDay(d: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d);
  if (!m) return true;
  const [y, mo, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, day));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === day;
}

// A real calendar day (2026-02-30 is refused), not in the future: a day of grace for time zones.
export const checkedDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-12-04')
  .refine(isCalendarDay, { message: 'must be a real calendar date' })
  .refine((d) => !(Date.parse(`${d}T00:00:00Z`) > Date.now() + 86_400_000), { message: 'must not be in the future' });

/** Where one fact of a profile comes from. */
export const fact = z
  .object({
    source: displayText.describe('The page (or person) the fact comes from'),
    checked: checkedDate.optional().describe('The day the fact was last checked against its source (YYYY-MM-DD); missing means never: ccenv validate warns'),
    secondary: z.boolean().default(false).describe('Seen only in third-party copies of the provider\'s page'),
    unverified: z.boolean().default(false).describe('A best guess, not confirmed by any page'),
  })
  .strict();

// Printable ASCII without spaces or braces (0x7b, 0x7d): braces are reserved for message
// placeholders, and a model name is shown in the model question.
export const modelName = z
  .string()
  .regex(/^[\x21-\x7a\x7c\x7e]+$/, 'must be printable ASCII without spaces or braces')
  .refine((s) => !CMD_FOR_VARIABLE.test(s), cmdPrintable);
