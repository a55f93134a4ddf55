import type { CommandModule } from 'yargs';
import { loadProfileFile, ProfileError } from '../profile/load.js';

export const validateCommand: CommandModule<object, { file: string }> = {
  command: 'validate <file>',
  describe: 'Check a profile YAML file against the schema',
  builder: (y) => y.positional('file', { type: 'string', demandOption: true, describe: 'profile YAML file' }),
  handler: (argv) => {
    try {
      const p = loadProfileFile(argv.file);
      console.log(`${argv.file}: valid profile "${p.id}"`);
    } catch (err) {
      if (!(err instanceof ProfileError)) throw err;
      console.error(err.message);
      process.exitCode = 2;
    }
  },
};
