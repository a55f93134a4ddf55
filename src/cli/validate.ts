import type { CommandModule } from 'yargs';

export const validateCommand: CommandModule<object, { profiles: string[] }> = {
  command: 'validate <profiles..>',
  describe: 'Check profile YAML files (or built-in ids) against the schema, extends resolved',
  builder: (y) => y.positional('profiles', { type: 'string', array: true, demandOption: true, describe: 'profile YAML files or built-in ids' }),
  handler: async (argv) => {
    const { ProfileError, resolveProfile } = await import('../profile/load.js');
    let failed = 0;
    for (const arg of argv.profiles) {
      try {
        const p = resolveProfile(arg);
        console.log(`${arg}: valid profile "${p.id}" (${p.baseUrl})`);
      } catch (err) {
        if (!(err instanceof ProfileError)) throw err;
        console.error(err.message);
        failed++;
      }
    }
    if (failed > 0) process.exitCode = 2;
  },
};
