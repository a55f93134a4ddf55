// `ccenv init`'s work: asks for what the flags do not give, validates, writes <id>.yaml (and the schema).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { ZodType } from 'zod';
import { UserError } from '../errors.js';
import { DEFAULT_MCP_HEADER, profileYaml, REQUIRED_WITHOUT_EXTENDS, type McpAnswer, type ProfileAnswers } from '../profile/init.js';
import { builtinProfileIds, parseProfile } from '../profile/load.js';
import { fieldSchemas, profileJsonSchema } from '../profile/schema.js';
import type { Region } from '../profile/regions.js';
import { DEFAULT_TIMEOUT_MS, type InitOptions } from './init.js';

const SCHEMA_FILE = 'profile.schema.json';

/** Answers read line by line from stdin (a terminal or a pipe); end of input is an error naming the flag. */
function lineReader() {
  const rl = createInterface({ input: process.stdin, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  return {
    async ask(question: string, flag: string, schema: ZodType<string>, fallback = ''): Promise<string> {
      for (;;) {
        process.stderr.write(`${question}${fallback ? ` [${fallback}]` : ''}: `);
        const next = await lines.next();
        if (next.done) throw new UserError(`\nno answer for ${flag} (end of input): give it as a flag, e.g. ccenv init --yes ${flag} …`);
        const answer = String(next.value).trim() || fallback;
        const checked = schema.safeParse(answer);
        if (checked.success) return answer;
        process.stderr.write(`  ${checked.error.issues.map((i) => i.message).join('; ')}\n`);
      }
    },
    close: () => rl.close(),
  };
}

const optional = (schema: ZodType<string>): ZodType<string> => schema.or(fieldSchemas.empty);

/** "NAME=rest" → [NAME, rest]; a clear error naming the flag otherwise. */
function splitNamed(flag: string, value: string): [string, string] {
  const i = value.indexOf('=');
  if (i <= 0) throw new UserError(`${flag} ${JSON.stringify(value)}: write NAME=…`);
  return [value.slice(0, i).trim(), value.slice(i + 1).trim()];
}

/** The MCP servers the --mcp-* flags describe (undefined when none is given). */
function mcpFromFlags(argv: InitOptions): ProfileAnswers['mcp'] {
  const servers: McpAnswer[] = [];
  for (const v of argv['mcp-http'] ?? []) {
    const [name, url] = splitNamed('--mcp-http', v);
    servers.push({ name, url, header: DEFAULT_MCP_HEADER });
  }
  const keyEnv = new Map((argv['mcp-key-env'] ?? []).map((v) => splitNamed('--mcp-key-env', v)));
  const env = new Map<string, Record<string, string>>();
  for (const v of argv['mcp-env'] ?? []) {
    const colon = v.indexOf(':');
    if (colon <= 0) throw new UserError(`--mcp-env ${JSON.stringify(v)}: write NAME:VARIABLE=VALUE`);
    const [variable, value] = splitNamed('--mcp-env', v.slice(colon + 1));
    env.set(v.slice(0, colon), { ...env.get(v.slice(0, colon)), [variable]: value });
  }
  for (const v of argv['mcp-stdio'] ?? []) {
    const [name, line] = splitNamed('--mcp-stdio', v);
    servers.push({ name, commandLine: line.split(/\s+/).filter(Boolean), keyEnv: keyEnv.get(name), env: env.get(name) ?? {} });
  }
  const stdioNames = new Set(servers.filter((s) => 'commandLine' in s).map((s) => s.name));
  for (const name of [...keyEnv.keys(), ...env.keys()]) {
    if (!stdioNames.has(name)) throw new UserError(`--mcp-key-env/--mcp-env name ${name}, which no --mcp-stdio defines`);
  }
  return servers.length > 0 ? { enabledByDefault: argv['mcp-by-default'], servers } : undefined;
}

/** Asks for MCP servers one by one until an empty name. */
async function askMcp(reader: ReturnType<typeof lineReader>): Promise<ProfileAnswers['mcp']> {
  const f = fieldSchemas;
  const servers: McpAnswer[] = [];
  for (;;) {
    const name = await reader.ask(servers.length === 0 ? 'MCP server the plan comes with, its name (empty: none)' : 'Another MCP server, its name (empty: done)', '--mcp-http/--mcp-stdio', optional(f.mcpName));
    if (!name) break;
    const where = await reader.ask(`${name}: its https URL, or the command line that starts it (e.g. npx -y @acme/mcp)`, '--mcp-http/--mcp-stdio', f.mcpWhere);
    if (where.startsWith('https://')) {
      servers.push({ name, url: where, header: DEFAULT_MCP_HEADER });
    } else {
      const keyEnv = await reader.ask(`${name}: the environment variable that gives it the key (empty: none)`, '--mcp-key-env', optional(f.envName));
      servers.push({ name, commandLine: where.split(/\s+/).filter(Boolean), keyEnv: keyEnv || undefined, env: {} });
    }
  }
  if (servers.length === 0) return undefined;
  const byDefault = await reader.ask('Set them up unless the user declines (y/n)', '--mcp-by-default', f.yesNo, 'n');
  return { enabledByDefault: /^y/i.test(byDefault), servers };
}

async function collectAnswers(argv: InitOptions): Promise<ProfileAnswers> {
  const given: ProfileAnswers = {
    id: argv.id ?? '',
    extends: argv.extends === undefined ? undefined : extendsFromDir(argv.extends, argv.dir),
    nameEn: argv['name-en'],
    nameZh: argv['name-zh'],
    region: argv.region,
    baseUrl: argv['base-url'],
    keyUrl: argv['key-url'],
    timeoutMs: argv['timeout-ms'] ?? (argv.extends ? undefined : DEFAULT_TIMEOUT_MS),
    quiet: argv.extends ? undefined : true,
    nodeMirror: argv['node-mirror'],
    npmRegistry: argv['npm-registry'],
    source: argv.source,
    mcp: mcpFromFlags(argv),
  };
  const models = [argv['model-opus'], argv['model-sonnet'], argv['model-haiku']];
  if (models.some(Boolean)) {
    if (!models.every(Boolean)) throw new UserError('give --model-opus, --model-sonnet and --model-haiku together (or none)');
    given.models = { opus: models[0]!, sonnet: models[1]!, haiku: models[2]!, enabledByDefault: argv['models-by-default'] };
  }
  const missing = [...(given.id ? [] : ['id']), ...(given.extends ? [] : REQUIRED_WITHOUT_EXTENDS.filter((k) => !given[k]))];
  if (argv.yes) {
    if (missing.length > 0) throw new UserError(`missing ${missing.map(flagOf).join(', ')} (--yes asks nothing)`);
    return given;
  }
  if (missing.length === 0) return given;
  const reader = lineReader();
  try {
    const f = fieldSchemas;
    if (!given.id) given.id = await reader.ask('Profile id (lower-case letters, digits, dashes; the file is <id>.yaml)', '--id', f.id);
    if (!given.extends) {
      if (!given.nameEn) given.nameEn = await reader.ask('Provider name, in English', '--name-en', f.providerName);
      if (!given.nameZh) given.nameZh = await reader.ask('Provider name, in Chinese (中文名称)', '--name-zh', f.providerName);
      if (!given.region) given.region = (await reader.ask(`Where are most users: cn (mainland China: Node and npm from npmmirror.com) or global`, '--region', f.region, 'global')) as Region;
      if (!given.baseUrl) given.baseUrl = await reader.ask('ANTHROPIC_BASE_URL (https, without /v1)', '--base-url', f.baseUrl);
      if (!given.keyUrl) given.keyUrl = await reader.ask('Page where users create an API key (https)', '--key-url', f.httpsUrl);
      if (!given.models) {
        const opus = await reader.ask('Model for Opus (empty: no mapping, the provider maps Claude model names itself)', '--model-opus', optional(f.modelName));
        if (opus) {
          const sonnet = await reader.ask('Model for Sonnet', '--model-sonnet', f.modelName, opus);
          const haiku = await reader.ask('Model for Haiku', '--model-haiku', f.modelName, sonnet);
          const byDefault = await reader.ask('Apply this mapping unless the user declines (y/n)', '--models-by-default', f.yesNo, 'y');
          given.models = { opus, sonnet, haiku, enabledByDefault: /^y/i.test(byDefault) };
        }
      }
      if (!given.mcp) given.mcp = await askMcp(reader);
    }
  } finally {
    reader.close();
  }
  return given;
}

/** A built-in id stays as it is; a path given from here is rewritten relative to the new file's folder. */
function extendsFromDir(value: string, dir: string): string {
  if (builtinProfileIds().includes(value)) return value;
  const rel = path.relative(path.resolve(dir), path.resolve(value));
  return rel.startsWith('.') ? rel : `./${rel}`;
}

function flagOf(field: string): string {
  return `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** Writes a file, making its folder; a failure is a clear error, not a stack. */
function writeOrFail(file: string, text: string): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  } catch (err) {
    throw new UserError(`cannot write ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

/** Writes <dir>/<id>.yaml (validated first) and the JSON Schema beside it; returns the file. */
export async function initProfile(argv: InitOptions, log: (line: string) => void): Promise<string> {
  const answers = await collectAnswers(argv);
  const file = path.join(argv.dir, `${answers.id}.yaml`);
  if (existsSync(file) && !argv.force) throw new UserError(`${file} exists; pass --force to replace it`);
  const text = profileYaml(answers, argv.schema ? `./${SCHEMA_FILE}` : undefined);
  const profile = parseProfile(text, file); // nothing is written unless it validates
  writeOrFail(file, text);
  log(`wrote ${file} (profile "${profile.id}": ${profile.baseUrl})`);
  if (argv.schema) {
    const schemaFile = path.join(argv.dir, SCHEMA_FILE);
    const schema = `${JSON.stringify(profileJsonSchema(), null, 2)}\n`;
    if (!existsSync(schemaFile) || readFileSync(schemaFile, 'utf8') !== schema) {
      writeOrFail(schemaFile, schema);
      log(`wrote ${schemaFile} (for completion in editors that read the yaml-language-server modeline)`);
    }
  }
  return file;
}

