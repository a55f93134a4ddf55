// Localized, parameterized messages. The table comes from the baked profile (built from
// messages/configure.yaml); placeholders are written {name}.

import type { Lang, MessageTable } from './baked-profile.js';
import type { MessageParams, MessageRef } from './errors.js';

/** CCENV_LANG starting with "zh" (zh, zh_CN.UTF-8, zh-Hans …) selects Chinese; anything else English. */
export function pickLang(value: string | undefined): Lang {
  return value !== undefined && /^zh/i.test(value.trim()) ? 'zh' : 'en';
}

/** Replaces each {name} with its parameter; unknown placeholders are left as written. */
export function formatTemplate(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, name: string) => {
    const value = Object.prototype.hasOwnProperty.call(params, name) ? params[name] : undefined;
    return value === undefined ? whole : String(value);
  });
}

export interface Messages {
  readonly lang: Lang;
  t(id: string, params?: MessageParams): string;
}

export function createMessages(table: MessageTable | undefined, lang: Lang): Messages {
  const lookup = (id: string): string | undefined => {
    const own = table?.[lang]?.[id];
    if (typeof own === 'string') return own;
    const en = table?.en?.[id];
    return typeof en === 'string' ? en : undefined;
  };
  const t = (id: string, params: MessageParams = {}): string => {
    const flat: Record<string, string | number> = {};
    for (const [name, value] of Object.entries(params)) {
      flat[name] = typeof value === 'object' ? t((value as MessageRef).id, (value as MessageRef).params) : value;
    }
    const template = lookup(id);
    if (template === undefined) {
      // A missing message must not hide the information: print the id and its parameters.
      const rest = Object.entries(flat).map(([k, v]) => `${k}=${String(v)}`);
      return [id, ...rest].join(' ');
    }
    return formatTemplate(template, flat);
  };
  return { lang, t };
}
