import type { CommandModule } from 'yargs';

export interface BuildOptions {
  profile?: string[];
  out: string;
  check: boolean;
  lint: boolean;
  'base-url'?: string;
  versioned: boolean;
  'sign-key'?: string;
  latest?: string[];
}

export const buildCommand: CommandModule<object, BuildOptions> = {
  command: 'build',
  describe: 'Render, lint and write the installers of one or more profiles',
  builder: (y) =>
    y
      .option('profile', { type: 'string', array: true, describe: 'built-in profile id or path to a profile YAML (default: all built-in)' })
      .option('out', { type: 'string', default: 'dist', describe: 'output folder' })
      .option('check', { type: 'boolean', default: false, describe: 'write nothing; fail if the output folder is stale' })
      .option('lint', { type: 'boolean', default: true, describe: 'run shellcheck on the sh installers (--no-lint to skip)' })
      .option('base-url', { type: 'string', describe: 'where the output folder will be served from (the pages and manifest.json show commands with it)' })
      .option('versioned', { type: 'boolean', default: true, describe: 'also write each profile\'s release as an immutable v<ccenv version>-<hash>/ folder (--no-versioned: latest only)' })
      .option('sign-key', { type: 'string', describe: 'SSH private key: sign every SHA256SUMS (ssh-keygen -Y sign)' })
      .option('latest', { type: 'string', array: true, describe: 'ID@VERSION: make that published release of a profile built here its latest again (rollback)' }),
  handler: async (argv) => {
    // loaded here, not above: `ccenv --help` and the other commands never load the renderer
    const { buildInstallers } = await import('../publish/build.js');
    const req = { ...argv, baseUrl: argv['base-url'], signKey: argv['sign-key'] };
    process.exitCode = await buildInstallers(req, (line) => console.log(line), (line) => console.error(line));
  },
};
