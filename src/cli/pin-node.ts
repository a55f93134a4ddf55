import type { CommandModule } from 'yargs';
import { NODEJS_DIST } from '../profile/regions.js';

interface PinNodeOptions {
  profile: string;
  release: string;
  mirror: string;
  'allow-http': boolean;
}

export const pinNodeCommand: CommandModule<object, PinNodeOptions> = {
  command: 'pin-node <profile> <release>',
  describe: "Pin a Node.js release in a profile: its SHA-256s are fetched now and built into the installers",
  builder: (y) =>
    y
      .positional('profile', { type: 'string', demandOption: true, describe: 'profile YAML file' })
      .positional('release', { type: 'string', demandOption: true, describe: 'Node.js version, e.g. 22.23.3' })
      .option('mirror', { type: 'string', default: NODEJS_DIST, describe: 'where to read v<version>/SHASUMS256.txt' })
      .option('allow-http', { type: 'boolean', default: false, describe: 'accept a plain-http mirror' }),
  handler: async (argv) => {
    const { fetchNodeChecksums, writeNodePin } = await import('../profile/pin-node.js');
    const sums = await fetchNodeChecksums(argv.mirror, argv.release, argv['allow-http']);
    writeNodePin(argv.profile, argv.release, sums);
    console.log(`${argv.profile}: pinned Node.js ${argv.release} (${Object.keys(sums).length} archives: Linux/macOS tarballs, Windows zips)`);
  },
};
