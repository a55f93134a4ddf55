import type { CommandModule } from 'yargs';

export const schemaCommand: CommandModule = {
  command: 'schema',
  describe: 'Print the profile JSON Schema',
  handler: async () => {
    const { profileJsonSchema } = await import('../profile/schema.js');
    console.log(JSON.stringify(profileJsonSchema(), null, 2));
  },
};
