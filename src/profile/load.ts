// Loading profiles from YAML files, with errors that name the file and the field path.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { profileSchema, type Profile } from './schema.js';
import { mergeProfileData, type ProfileData } from './extends.js';
import { repoPath } from '../paths.js';
import { UserError } from '../errors.js';

export const BUILTIN_PROFILES_DIR = repoPath('profiles');

/** How deep `extends` may chain (a company profile on a regional one on a built-in is 3). */
const MAX_EXTENDS_DEPTH = 8;

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

/** The YAML of one file as plain data: a mapping at the top, duplicate keys refused. */
function parseData(text: string, file: string): ProfileData {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new UserError(doc.errors.map((e) => `${file}: ${e.message}`).join('\n'));
  }
  const data: unknown = doc.toJS();
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    throw new UserError(`${file}: (top level): must be a mapping of profile fields (id, name, baseUrl …)`);
  }
  return data as ProfileData;
}

/**
 * The file a profile reference names: a built-in id's, else a path (a YAML file name or one with a
 * slash; relative to `dir` when given, else as written). Undefined when it is neither.
 */
function referencedFile(ref: string, dir?: string): string | undefined {
  if (/^[a-z][a-z0-9-]*$/.test(ref) && builtinProfileIds().includes(ref)) return path.join(BUILTIN_PROFILES_DIR, `${ref}.yaml`);
  if (ref.includes('/') || ref.endsWith('.yaml') || ref.endsWith('.yml')) return dir === undefined ? ref : path.resolve(dir, ref);
  return undefined;
}

function unknownProfile(ref: string): string {
  return `unknown profile "${ref}"; built-in profiles: ${builtinProfileIds().join(', ')}`;
}

/** Where `extends: <value>` of `file` points: a built-in id, else a path relative to the file. */
function extendsTarget(value: unknown, file: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new UserError(`${file}: extends: must be a built-in profile id or a path to a profile file`);
  }
  const target = referencedFile(value, path.dirname(file));
  if (target === undefined) throw new UserError(`${file}: extends: ${unknownProfile(value)}`);
  return target;
}

/** The file's data with everything it extends merged underneath, `extends` itself removed. */
function resolveData(text: string, file: string, chain: string[]): ProfileData {
  const data = parseData(text, file);
  if (!('extends' in data)) return data;
  const { extends: parent, ...own } = data;
  const target = extendsTarget(parent, file);
  const seen = [...chain, path.resolve(file)];
  if (seen.includes(path.resolve(target))) {
    throw new UserError(`${file}: extends: "${String(parent)}" leads back to itself (${[...seen, target].map((f) => path.basename(f)).join(' → ')})`);
  }
  if (seen.length >= MAX_EXTENDS_DEPTH) {
    throw new UserError(`${file}: extends: more than ${MAX_EXTENDS_DEPTH} profiles deep`);
  }
  return mergeProfileData(resolveData(readText(target), target, seen), own);
}

export function parseProfile(text: string, file: string): Profile {
  const result = profileSchema.safeParse(resolveData(text, file, []));
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const where = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
      // A bad record key (an env name, a tarball name): zod nests the reason one level down.
      const nested = issue.code === 'invalid_key' ? issue.issues.map((i) => i.message).join('; ') : '';
      const missing = issue.code === 'invalid_type' && / received undefined$/.test(issue.message);
      const message = nested ? `invalid name: ${nested}` : missing ? `is required (${issue.message.replace(/^Invalid input: |, received undefined$/g, '')})` : issue.message;
      return `${file}: ${where}: ${message}`;
    });
    throw new UserError(lines.join('\n'));
  }
  const expectedId = path.basename(file).replace(/\.ya?ml$/, '');
  if (result.data.id !== expectedId) {
    throw new UserError(`${file}: id: "${result.data.id}" must match the file name ("${expectedId}")`);
  }
  return result.data;
}

export function loadProfileFile(file: string): Profile {
  return parseProfile(readText(file), file);
}

export function builtinProfileIds(): string[] {
  return readdirSync(BUILTIN_PROFILES_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.replace(/\.yaml$/, ''))
    .sort();
}

/** A profile given as a built-in id or as a path to a YAML file. */
export function resolveProfile(idOrPath: string): Profile {
  const file = referencedFile(idOrPath);
  if (file === undefined) throw new UserError(unknownProfile(idOrPath));
  return loadProfileFile(file);
}
