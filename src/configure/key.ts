// The API key: normalization (blanks around it and one trailing line ending are stripped),
// validation (it must be able to travel in an HTTP header: printable ASCII without spaces) and
// masking for display.

export const CHAR_KINDS = ['space', 'tab', 'control', 'fullwidth', 'ideographic_space', 'non_ascii'] as const;
export type CharKind = (typeof CHAR_KINDS)[number];

export type KeyCheck =
  | { ok: true; key: string }
  | { ok: false; problem: 'empty' }
  | { ok: false; problem: 'char'; position: number; codePoint: string; kind: CharKind };

/** Strips exactly one trailing "\r\n", "\n" or "\r" (what a terminal or `read` may leave). */
export function stripOneLineEnding(raw: string): string {
  if (raw.endsWith('\r\n')) return raw.slice(0, -2);
  if (raw.endsWith('\n') || raw.endsWith('\r')) return raw.slice(0, -1);
  return raw;
}

export function formatCodePoint(cp: number): string {
  return 'U+' + cp.toString(16).toUpperCase().padStart(4, '0');
}

export function charKind(cp: number): CharKind {
  if (cp === 0x20) return 'space';
  if (cp === 0x09) return 'tab';
  if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) return 'control';
  if (cp === 0x3000) return 'ideographic_space';
  if (cp >= 0xff01 && cp <= 0xff5e) return 'fullwidth';
  return 'non_ascii';
}

/** The first character outside printable ASCII (0x21-0x7E), 1-based in code points. */
export function findBadChar(value: string): { position: number; codePoint: string; kind: CharKind } | null {
  let position = 0;
  for (const ch of value) {
    position++;
    const cp = ch.codePointAt(0) as number;
    if (cp < 0x21 || cp > 0x7e) return { position, codePoint: formatCodePoint(cp), kind: charKind(cp) };
  }
  return null;
}

/**
 * Strips ASCII spaces and tabs around the key and one line ending at its end (a paste often
 * carries them; none can be part of a key). Anything else, inside or around, is left to be refused.
 */
export function trimKey(raw: string): string {
  const blank = (c: string | undefined): boolean => c === ' ' || c === '\t';
  let start = 0;
  let end = raw.length;
  while (start < end && blank(raw[start])) start++;
  while (end > start && blank(raw[end - 1])) end--;
  const unended = stripOneLineEnding(raw.slice(start, end));
  end = start + unended.length;
  while (end > start && blank(raw[end - 1])) end--;
  return raw.slice(start, end);
}

export function checkKey(raw: string): KeyCheck {
  const key = trimKey(raw);
  if (key.length === 0) return { ok: false, problem: 'empty' };
  const bad = findBadChar(key);
  if (bad) return { ok: false, problem: 'char', ...bad };
  return { ok: true, key };
}

/** First 4 + "..." + last 4 characters when 12 or more long, else one "*" per character. */
export function maskSecret(value: string): string {
  const chars = Array.from(value);
  if (chars.length >= 12) return chars.slice(0, 4).join('') + '...' + chars.slice(-4).join('');
  return '*'.repeat(chars.length);
}

/** Env entry names whose values are secrets and are shown masked. */
export function isSecretName(name: string): boolean {
  return /TOKEN|KEY|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH/i.test(name);
}
