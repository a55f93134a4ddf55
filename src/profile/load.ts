// Loading profiles from YAML files, with errors that name the file and the field path.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { profileSchema, type Profile } from './schema.js';
import { repoPath } from '../paths.js';

export class ProfileError extends Error {}

export const BUILTIN_PROFILES_DIR = repoPath('profiles');

export function parseProfile(text: string, file: string): Profile {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ProfileError(doc.errors.map((e) => `${file}: ${e.message}`).join('\n'));
  }
  const result = profileSchema.safeParse(doc.toJS());
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const where = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
      // A bad record key (an env name, a tarball name): zod nests the reason one level down.
      const nested = issue.code === 'invalid_key' ? issue.issues.map((i) => i.message).join('; ') : '';
      return `${file}: ${where}: ${nested ? `invalid name: ${nested}` : issue.message}`;
    });
    throw new ProfileError(lines.join('\n'));
  }
  const expectedId = path.basename(file).replace(/\.ya?ml$/, '');
  if (result.data.id !== expectedId) {
    throw new ProfileError(`${file}: id: "${result.data.id}" must match the file name ("${expectedId}")`);
  }
  return result.data;
}

export function loadProfileFile(file: string): Profile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ProfileError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  return parseProfile(text, file);
}

export function builtinProfileIds(): string[] {
  return readdirSync(BUILTIN_PROFILES_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.replace(/\.yaml$/, ''))
    .sort();
}

/** A profile given as a built-in id or as a path to a YAML file. */
export function resolveProfile(idOrPath: string): Profile {
  if (/^[a-z][a-z0-9-]*$/.test(idOrPath) && builtinProfileIds().includes(idOrPath)) {
    return loadProfileFile(path.join(BUILTIN_PROFILES_DIR, `${idOrPath}.yaml`));
  }
  if (idOrPath.includes('/') || idOrPath.endsWith('.yaml') || idOrPath.endsWith('.yml')) {
    return loadProfileFile(idOrPath);
  }
  throw new ProfileError(`unknown profile "${idOrPath}"; built-in profiles: ${builtinProfileIds().join(', ')}`);
}
