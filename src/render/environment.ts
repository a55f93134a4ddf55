// The Handlebars environment: noEscape (we escape per target ourselves), strict (a missing value
// is an error, not an empty string), and the escaping helpers as the only way to emit a value.
import Handlebars from 'handlebars';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import {
  cmdMessageLines,
  cmdPayload,
  cmdSetValue,
  commentText,
  heredocBody,
  htmlText,
  jsLiteral,
  jsonScriptData,
  psFormat,
  psHereString,
  psString,
  shPrintfFormat,
  shQuote,
} from './escape.js';
import { repoPath } from '../paths.js';

export const TEMPLATES_DIR = repoPath('templates');

export const ESCAPING_HELPERS = ['sh', 'shPrintf', 'heredoc', 'js', 'comment', 'ps', 'psFormat', 'psHere', 'cmd', 'cmdMessage', 'cmdPayload', 'html', 'jsonData'] as const;

function str(value: unknown, helper: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new Error(`{{${helper}}}: expected a string, got ${typeof value}`);
}

export function createEnvironment(): typeof Handlebars {
  const hb = Handlebars.create();
  hb.registerHelper('sh', (v: unknown) => shQuote(str(v, 'sh')));
  hb.registerHelper('shPrintf', (text: unknown, names: unknown) =>
    shPrintfFormat(str(text, 'shPrintf'), Array.isArray(names) ? (names as string[]) : []),
  );
  hb.registerHelper('heredoc', (text: unknown, terminator: unknown) =>
    heredocBody(str(text, 'heredoc'), str(terminator, 'heredoc')),
  );
  hb.registerHelper('js', (v: unknown) => jsLiteral(v));
  hb.registerHelper('comment', (v: unknown) => commentText(str(v, 'comment')));
  hb.registerHelper('ps', (v: unknown) => psString(str(v, 'ps')));
  hb.registerHelper('psFormat', (text: unknown, names: unknown) => psFormat(str(text, 'psFormat'), Array.isArray(names) ? (names as string[]) : []));
  hb.registerHelper('psHere', (text: unknown) => psHereString(str(text, 'psHere')));
  hb.registerHelper('cmd', (v: unknown) => cmdSetValue(str(v, 'cmd')));
  hb.registerHelper('cmdMessage', (text: unknown, names: unknown) =>
    cmdMessageLines(str(text, 'cmdMessage'), Array.isArray(names) ? (names as string[]) : []),
  );
  hb.registerHelper('cmdPayload', (text: unknown) => cmdPayload(str(text, 'cmdPayload')));
  hb.registerHelper('html', (v: unknown) => htmlText(str(v, 'html')));
  hb.registerHelper('jsonData', (v: unknown) => jsonScriptData(v));
  const partialsDir = path.join(TEMPLATES_DIR, 'partials');
  if (existsSync(partialsDir)) {
    for (const file of readdirSync(partialsDir).sort()) {
      hb.registerPartial(file.replace(/\.hbs$/, ''), readFileSync(path.join(partialsDir, file), 'utf8'));
    }
  }
  return hb;
}

export function templateFiles(): string[] {
  const out: string[] = [];
  for (const name of readdirSync(TEMPLATES_DIR).sort()) {
    if (name.endsWith('.hbs')) out.push(path.join(TEMPLATES_DIR, name));
  }
  const partialsDir = path.join(TEMPLATES_DIR, 'partials');
  if (existsSync(partialsDir)) {
    for (const name of readdirSync(partialsDir).sort()) out.push(path.join(partialsDir, name));
  }
  return out;
}

export function compileTemplate(hb: typeof Handlebars, source: string): HandlebarsTemplateDelegate {
  return hb.compile(source, { noEscape: true, strict: true });
}

// Templates (and the partials) are read and compiled once per process, not once per profile.
let shared: typeof Handlebars | undefined;
const compiled = new Map<string, HandlebarsTemplateDelegate>();

/** The compiled template `templates/<file>`, from a cache shared by installers and pages. */
export function templateNamed(file: string): HandlebarsTemplateDelegate {
  let template = compiled.get(file);
  if (!template) {
    shared ??= createEnvironment();
    template = compileTemplate(shared, readFileSync(path.join(TEMPLATES_DIR, file), 'utf8'));
    compiled.set(file, template);
  }
  return template;
}
