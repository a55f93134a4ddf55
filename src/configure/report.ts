// How values and changes are shown to the user: secrets masked, long values shortened.

import { isSecretName, maskSecret } from './key.js';
import type { Messages } from './messages.js';
import type { Op } from './ops.js';
import type { Presence } from './receipt.js';

/** Stands for the key in a dry run without CCENV_API_KEY; never equal to a real value. */
export const KEY_PLACEHOLDER = '\u0000ccenv:your-key\u0000';

const MAX_SHOWN = 100;

export function showValue(messages: Messages, path: readonly string[], presence: Presence): string {
  if (!presence.present) return messages.t('cfg_value_absent');
  const { value } = presence;
  if (value === KEY_PLACEHOLDER) return messages.t('cfg_value_your_key');
  const name = path[path.length - 1] ?? '';
  if (isSecretName(name)) {
    return typeof value === 'string' ? JSON.stringify(maskSecret(value)) : messages.t('cfg_value_hidden');
  }
  const text = JSON.stringify(value);
  const chars = Array.from(text);
  return chars.length > MAX_SHOWN ? chars.slice(0, MAX_SHOWN - 3).join('') + '...' : text;
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
