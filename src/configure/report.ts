// How values and changes are shown to the user: secrets masked, long values shortened.

import { isSecretName, maskSecret } from './key.js';
import type { Messages } from './messages.js';
import { isPlainObject, type Op } from './ops.js';
import type { Presence } from './receipt.js';

/** Stands for the key in a dry run without CCENV_API_KEY; never equal to a real value. */
export const KEY_PLACEHOLDER = '\u0000ccenv:your-key\u0000';

const MAX_SHOWN = 100;
/** An object (an MCP server's definition) is shown whole up to this length. */
const MAX_SHOWN_OBJECT = 400;

/** A value inside an object (an MCP server's headers and env) with its secrets masked. */
function masked(messages: Messages, name: string, value: unknown): unknown {
  if (typeof value === 'string') {
    if (value.includes(KEY_PLACEHOLDER)) return value.split(KEY_PLACEHOLDER).join(messages.t('cfg_value_your_key'));
    return isSecretName(name) ? maskSecret(value) : value;
  }
  if (Array.isArray(value)) return value.map((v) => masked(messages, name, v));
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, masked(messages, k, v)]));
  return value;
}

export function showValue(messages: Messages, path: readonly string[], presence: Presence): string {
  if (!presence.present) return messages.t('cfg_value_absent');
  const { value } = presence;
  if (value === KEY_PLACEHOLDER) return messages.t('cfg_value_your_key');
  const name = path[path.length - 1] ?? '';
  if (isSecretName(name)) {
    return typeof value === 'string' ? JSON.stringify(maskSecret(value)) : messages.t('cfg_value_hidden');
  }
  const text = JSON.stringify(masked(messages, name, value));
  const chars = Array.from(text);
  const max = typeof value === 'object' && value !== null ? MAX_SHOWN_OBJECT : MAX_SHOWN;
  return chars.length > max ? chars.slice(0, max - 3).join('') + '...' : text;
}

export function describeOp(messages: Messages, op: Op, before: Presence): string {
  const after: Presence = op.kind === 'set' ? { present: true, value: op.value } : { present: false };
  return messages.t('cfg_dry_change', {
    key: op.path.join('.'),
    old: showValue(messages, op.path, before),
    new: op.kind === 'set' ? showValue(messages, op.path, after) : messages.t('cfg_value_removed'),
  });
}

/** Replaces every occurrence of each secret (8+ characters) in `text` by its masked form. */
export function scrub(text: string, secrets: ReadonlyArray<string | null | undefined>): string {
  let result = text;
  for (const secret of secrets) {
    if (typeof secret === 'string' && secret.length >= 8) result = result.split(secret).join(maskSecret(secret));
  }
  return result;
}
