import type { CommandModule } from 'yargs';
import { profileJsonSchema } from '../profile/schema.js';

export const schemaCommand: CommandModule = {
  command: 'schema',
  describe: 'Print the profile JSON Schema',
  handler: () => {
    console.log(JSON.stringify(profileJsonSchema(), null, 2));
  },
};
