import type { CommandModule } from 'yargs';

export const validateCommand: CommandModule<object, { profiles: string[] }> = {
  command: 'validate <profiles..>',
  describe: 'Check profile YAML files (or built-in ids) against the schema, extends resolved',
  builder: (y) => y.positional('profiles', { type: 'string', array: true, demandOption: true, describe: 'profile YAML files or built-in ids' }),
  handler: async (argv) => {
    const [{ resolveProfile }, { UserError }] = await Promise.all([import('../profile/load.js'), import('../errors.js')]);
    const problems: string[] = [];
    for (const arg of argv.profiles) {
      // every profile is checked, so one run names all the broken ones
      try {
        const p = resolveProfile(arg);
        console.log(`${arg}: valid profile "${p.id}" (${p.baseUrl})`);
      } catch (err) {
        if (!(err instanceof UserError)) throw err;
        problems.push(err.message);
      }
    }
    if (problems.length > 0) throw new UserError(problems.join('\n'));
  },
};
