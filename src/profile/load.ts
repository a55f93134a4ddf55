// Loading profiles from YAML files, with errors that name the file and the field path.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
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

/**
 * The YAML of one file as plain data: a mapping at the top, duplicate keys refused. Only the first
 * syntax error is reported (the rest usually follow from it), as file:line:column.
 */
function parseData(text: string, file: string): ProfileData {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter });
  const first = doc.errors[0];
  if (first) {
    const at = lineCounter.linePos(first.pos[0]);
    throw new UserError(`${file}:${at.line}:${at.col}: ${first.message}`);
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
  if (isBuiltinId(ref)) return path.join(BUILTIN_PROFILES_DIR, `${ref}.yaml`);
  if (isPathRef(ref)) return dir === undefined ? ref : path.resolve(dir, ref);
  return undefined;
}

function isBuiltinId(ref: string): boolean {
  return /^[a-z][a-z0-9-]*$/.test(ref) && builtinProfileIds().includes(ref);
}

/** A YAML file name or a path (with a slash); anything else is a bare name. */
function isPathRef(ref: string): boolean {
  return ref.includes('/') || ref.includes('\\') || /\.ya?ml$/.test(ref);
}

function unknownProfile(ref: string): string {
  return `unknown profile "${ref}"; built-in profiles: ${builtinProfileIds().join(', ')}`;
}

/** A bare name on the command line may also mean ./<name>.yaml or ./<name>.yml in the current folder. */
function localFiles(ref: string): string[] {
  return [`${ref}.yaml`, `${ref}.yml`].filter((f) => existsSync(f));
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

/**
 * The file a command-line profile reference means: a built-in id, a path, or a bare name whose
 * ./<name>.yaml (or .yml) exists. A built-in id wins over a local file of the same name, as it does
 * in `extends`; `note` says so, and names the local file a bare name resolved to.
 */
export function profileFile(ref: string, note: (line: string) => void = () => {}): string {
  if (isPathRef(ref)) return ref;
  const local = localFiles(ref);
  if (isBuiltinId(ref)) {
    if (local.length > 0) note(`${ref}: using the built-in profile, not ./${local[0]} (write ./${local[0]} to use that file)`);
    return path.join(BUILTIN_PROFILES_DIR, `${ref}.yaml`);
  }
  if (local.length > 1) throw new UserError(`profile "${ref}": both ./${local[0]} and ./${local[1]} exist; name the one to use`);
  if (local.length === 1) {
    note(`${ref}: using ./${local[0]}`);
    return local[0]!;
  }
  throw new UserError(`${unknownProfile(ref)}; no ./${ref}.yaml or ./${ref}.yml in ${process.cwd()}`);
}

/** A profile given as a built-in id, a path to a YAML file, or a bare name of one in the current folder. */
export function resolveProfile(ref: string): Profile {
  return loadProfileFile(profileFile(ref, (line) => console.error(line)));
}
