import type { CommandModule } from 'yargs';

export const listCommand: CommandModule<object, { json: boolean }> = {
  command: 'list',
  describe: 'List the built-in provider profiles: endpoint, region, model mapping, how sure each fact is',
  builder: (y) => y.option('json', { type: 'boolean', default: false, describe: 'one JSON array instead of a table' }),
  handler: async (argv) => {
    const [{ builtinProfileIds, resolveProfile }, { profileSummary, summaryTable }] = await Promise.all([import('../profile/load.js'), import('../profile/summary.js')]);
    const summaries = builtinProfileIds().map((id) => profileSummary(resolveProfile(id)));
    console.log(argv.json ? JSON.stringify(summaries, null, 2) : summaryTable(summaries));
  },
};
