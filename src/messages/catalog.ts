// The one zh/en message catalog shared by all installers and the configure program.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { Lang } from '../configure/baked-profile.js';
import { repoPath } from '../paths.js';
import { UserError } from '../errors.js';

export const LANGS: readonly Lang[] = ['en', 'zh'];

export type Message = Record<Lang, string>;
export type Catalog = Record<string, Message>;

/** Placeholders filled in at build time from the profile; every other {name} is a run-time value. */
export const BUILD_PLACEHOLDERS = [
  'provider',
  'key_url',
  'base_url',
  'profile',
  'version',
  'node_min',
  'model_opus',
  'model_sonnet',
  'model_haiku',
  // this installer's own address (from `ccenv build --base-url`), '<url>' when the build has none
  'install_url',
  // the profile's MCP servers' titles, for the question
  'mcp_titles',
] as const;
export type BuildValues = Record<(typeof BUILD_PLACEHOLDERS)[number], Record<Lang, string>>;

const PLACEHOLDER = /\{([a-z_][a-z0-9_]*)\}/g;

export function placeholders(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1] as string);
}

export function runtimePlaceholders(text: string): string[] {
  return placeholders(text).filter((p) => !(BUILD_PLACEHOLDERS as readonly string[]).includes(p));
}

/** Checks one entry: both languages present, same run-time placeholders in the same order. */
export function checkMessage(id: string, entry: unknown, file: string): Message {
  if (typeof entry !== 'object' || entry === null) throw new UserError(`${file}: ${id}: must be a map of en/zh`);
  const e = entry as Record<string, unknown>;
  for (const lang of LANGS) {
    if (typeof e[lang] !== 'string' || (e[lang] as string).length === 0) {
      throw new UserError(`${file}: ${id}: missing ${lang} translation`);
    }
  }
  const extra = Object.keys(e).filter((k) => !(LANGS as readonly string[]).includes(k));
  if (extra.length > 0) throw new UserError(`${file}: ${id}: unknown language(s) ${extra.join(', ')}`);
  const en = e['en'] as string;
  const zh = e['zh'] as string;
  if (runtimePlaceholders(en).join(',') !== runtimePlaceholders(zh).join(',')) {
    throw new UserError(
      `${file}: ${id}: run-time placeholders differ between en (${runtimePlaceholders(en).join(', ')}) and zh (${runtimePlaceholders(zh).join(', ')})`,
    );
  }
  return { en, zh };
}

export function loadCatalog(dir: string = repoPath('messages')): Catalog {
  const catalog: Catalog = {};
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
    const file = path.join(dir, name);
    const data = parse(readFileSync(file, 'utf8'), { uniqueKeys: true }) as Record<string, unknown>;
    for (const [id, entry] of Object.entries(data ?? {})) {
      if (id in catalog) throw new UserError(`${file}: ${id}: defined twice in the catalog`);
      catalog[id] = checkMessage(id, entry, file);
    }
  }
  return catalog;
}

/** Fills the build-time placeholders; run-time ones stay as {name}. */
export function resolveBuildValues(catalog: Catalog, values: BuildValues): Catalog {
  const out: Catalog = {};
  for (const [id, msg] of Object.entries(catalog)) {
    const resolved = {} as Message;
    for (const lang of LANGS) {
      resolved[lang] = msg[lang].replace(PLACEHOLDER, (whole, name: string) => {
        const v = (values as Record<string, Record<Lang, string> | undefined>)[name];
        return v === undefined ? whole : v[lang];
      });
    }
    out[id] = resolved;
  }
  return out;
}

/** The messages whose id starts with a prefix, for one consumer. */
export function pick(catalog: Catalog, predicate: (id: string) => boolean): Catalog {
  return Object.fromEntries(Object.entries(catalog).filter(([id]) => predicate(id)));
}
