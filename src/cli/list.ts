import type { CommandModule } from 'yargs';
import { builtinProfileIds, resolveProfile } from '../profile/load.js';

export const listCommand: CommandModule = {
  command: 'list',
  describe: 'List the built-in provider profiles',
  handler: () => {
    for (const id of builtinProfileIds()) {
      const p = resolveProfile(id);
      console.log(`${id.padEnd(16)} ${p.baseUrl.padEnd(52)} ${p.name.en}`);
    }
  },
};
