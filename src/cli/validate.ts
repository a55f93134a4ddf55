import type { CommandModule } from 'yargs';
// fact-age has no run-time imports: the default costs nothing at start-up
import { DEFAULT_MAX_FACT_AGE_DAYS } from '../profile/fact-age.js';

export interface ValidateOptions {
  profiles: string[];
  'max-fact-age': number;
}

export const validateCommand: CommandModule<object, ValidateOptions> = {
  command: 'validate <profiles..>',
  describe: 'Check profile YAML files (or built-in ids) against the schema, extends resolved; warn of facts not checked lately',
  builder: (y) =>
    y
      .positional('profiles', { type: 'string', array: true, demandOption: true, describe: 'profile YAML files or built-in ids' })
      .option('max-fact-age', { type: 'number', default: DEFAULT_MAX_FACT_AGE_DAYS, describe: 'warn of a provenance fact checked more than DAYS ago (or never)' }),
  handler: async (argv) => {
    const [{ loadProfileFile, profileFile }, { staleFactWarnings }, { UserError }, path] = await Promise.all([
      import('../profile/load.js'),
      import('../profile/fact-age.js'),
      import('../errors.js'),
      import('node:path'),
    ]);
    const maxAge = argv['max-fact-age'];
    if (!Number.isInteger(maxAge) || maxAge < 0) throw new UserError(`--max-fact-age: must be a whole number of days, not ${String(maxAge)}`);
    const problems: string[] = [];
    const today = new Date();
    for (const arg of argv.profiles) {
      // every profile is checked, so one run names all the broken ones
      try {
        const file = profileFile(arg, (line) => console.error(line));
        const p = loadProfileFile(file);
        console.log(`${arg}: valid profile "${p.id}" (${p.baseUrl})`);
        // a warning, not a failure: the facts may still hold, but someone should look again
        for (const line of staleFactWarnings(p, path.basename(file), today, maxAge)) console.error(line);
      } catch (err) {
        if (!(err instanceof UserError)) throw err;
        problems.push(err.message);
      }
    }
    if (problems.length > 0) throw new UserError(problems.join('\n'));
  },
};
