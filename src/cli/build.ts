import type { CommandModule } from 'yargs';
import { buildInstallers } from '../publish/build.js';

export interface BuildOptions {
  profile?: string[];
  out: string;
  check: boolean;
  lint: boolean;
}

export const buildCommand: CommandModule<object, BuildOptions> = {
  command: 'build',
  describe: 'Render, lint and write the installers of one or more profiles',
  builder: (y) =>
    y
      .option('profile', { type: 'string', array: true, describe: 'built-in profile id or path to a profile YAML (default: all built-in)' })
      .option('out', { type: 'string', default: 'dist', describe: 'output folder' })
      .option('check', { type: 'boolean', default: false, describe: 'write nothing; fail if the output folder is stale' })
      .option('lint', { type: 'boolean', default: true, describe: 'run shellcheck on the sh installers (--no-lint to skip)' }),
  handler: async (argv) => {
    process.exitCode = await buildInstallers(argv, (line) => console.log(line), (line) => console.error(line));
  },
};
