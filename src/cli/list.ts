import type { CommandModule } from 'yargs';

export const listCommand: CommandModule<object, { json: boolean; profile: string[]; profiles: string[] }> = {
  command: 'list [profiles..]',
  describe: 'List provider profiles (default: the built-in ones): endpoint, region, model mapping, how sure each fact is',
  builder: (y) =>
    y
      .positional('profiles', { type: 'string', array: true, default: [] as string[], describe: 'profile YAML files or built-in ids to list instead of all built-in' })
      .option('profile', { type: 'string', array: true, default: [] as string[], describe: 'built-in profile id or path to a profile YAML (repeatable), as in build' })
      .option('json', { type: 'boolean', default: false, describe: 'one JSON array instead of a table' }),
  handler: async (argv) => {
    const [{ builtinProfileIds, loadProfileFile, profileFile, resolveProfile }, { profileSummary, summaryTable }] = await Promise.all([import('../profile/load.js'), import('../profile/summary.js')]);
    const named = [...argv.profile, ...argv.profiles];
    // the built-ins by id alone: a local file of the same name does not shadow them here
    const profiles = named.length > 0 ? named.map((ref) => resolveProfile(ref)) : builtinProfileIds().map((id) => loadProfileFile(profileFile(id)));
    const summaries = profiles.map(profileSummary);
    console.log(argv.json ? JSON.stringify(summaries, null, 2) : summaryTable(summaries));
  },
};
