// `ccenv init`: its flags; the work (src/cli/init-profile.ts) loads only when the command runs.
import type { CommandModule } from 'yargs';
import { REGIONS, type Region } from '../profile/regions.js';

export interface InitOptions {
  id?: string;
  extends?: string;
  'name-en'?: string;
  'name-zh'?: string;
  region?: Region;
  'base-url'?: string;
  'key-url'?: string;
  'model-opus'?: string;
  'model-sonnet'?: string;
  'model-haiku'?: string;
  'models-by-default': boolean;
  'timeout-ms'?: string;
  'node-mirror'?: string;
  'npm-registry'?: string;
  source?: string;
  'mcp-http'?: string[];
  'mcp-stdio'?: string[];
  'mcp-key-env'?: string[];
  'mcp-env'?: string[];
  'mcp-by-default': boolean;
  dir: string;
  force: boolean;
  yes: boolean;
  schema: boolean;
}

/** What a new profile gets unless told otherwise: the values Zhipu, Z.ai and MiniMax document. */
export const DEFAULT_TIMEOUT_MS = '3000000';

export const initCommand: CommandModule<object, InitOptions> = {
  command: 'init',
  describe: 'Write a new profile: asks for what the flags do not give, validates, writes <id>.yaml',
  builder: (y) =>
    y
      .option('id', { type: 'string', describe: 'profile id (also the file name)' })
      .option('extends', { type: 'string', describe: 'start from a built-in profile id or a profile file; only what differs is written' })
      .option('name-en', { type: 'string', describe: 'provider name in English' })
      .option('name-zh', { type: 'string', describe: 'provider name in Chinese' })
      .option('region', { choices: REGIONS, describe: 'cn: Node and npm from npmmirror.com; global: nodejs.org and npmjs' })
      .option('base-url', { type: 'string', describe: 'ANTHROPIC_BASE_URL (https, not ending in /v1)' })
      .option('key-url', { type: 'string', describe: 'where users create an API key' })
      .option('model-opus', { type: 'string', describe: 'model mapping for Opus (with --model-sonnet and --model-haiku)' })
      .option('model-sonnet', { type: 'string' })
      .option('model-haiku', { type: 'string' })
      .option('models-by-default', { type: 'boolean', default: true, describe: 'apply the mapping unless the user declines' })
      .option('timeout-ms', { type: 'string', describe: `API_TIMEOUT_MS (default ${DEFAULT_TIMEOUT_MS} for a new profile)` })
      .option('node-mirror', { type: 'string', describe: 'Node.js dist mirror (default from --region)' })
      .option('npm-registry', { type: 'string', describe: 'npm registry (default from --region)' })
      .option('mcp-http', { type: 'string', array: true, describe: 'an MCP server at an https URL, NAME=URL (the key goes as Authorization: Bearer {key}); repeatable' })
      .option('mcp-stdio', { type: 'string', array: true, describe: "an MCP server Claude Code starts, 'NAME=COMMAND ARG…' (e.g. 'vision=npx -y @acme/mcp'); repeatable" })
      .option('mcp-key-env', { type: 'string', array: true, describe: 'NAME=VARIABLE: the environment variable that gives a stdio server the key' })
      .option('mcp-env', { type: 'string', array: true, describe: 'NAME:VARIABLE=VALUE: another environment variable of a stdio server' })
      .option('mcp-by-default', { type: 'boolean', default: false, describe: 'set the MCP servers up unless the user declines' })
      .option('source', { type: 'string', describe: 'the page the facts come from (recorded as their provenance)' })
      .option('dir', { type: 'string', default: '.', describe: 'folder to write <id>.yaml into' })
      .option('force', { type: 'boolean', default: false, describe: 'replace an existing file' })
      .option('yes', { type: 'boolean', default: false, describe: 'ask nothing: fail if a required flag is missing' })
      .option('schema', { type: 'boolean', default: true, describe: 'write profile.schema.json beside it (--no-schema to skip)' }),
  handler: async (argv) => {
    // the profile code (zod, yaml) loads only when init runs
    const [{ initProfile }, { withContext }] = await Promise.all([import('./init-profile.js'), import('../errors.js')]);
    await withContext('ccenv init', () => initProfile(argv, (line) => console.log(line)));
  },
};
