import type { CommandModule } from 'yargs';

export interface TestOptions {
  profile: string[];
  dist?: string;
  sandbox: string;
  lanes: string[];
  scenarios: string[];
  out: string;
  junit?: string;
  json?: string;
  concurrency: number;
  'node-version'?: string;
  images: string[];
  'image-base': string[];
  prepare: boolean;
}

/** `--lanes a,b --lanes c` → [a, b, c]. */
function list(values: string[]): string[] {
  return values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

export const testCommand: CommandModule<object, TestOptions> = {
  command: 'test',
  describe: "Run a profile's installers through the shell × scenario matrix in sandboxes (the real Claude Code included)",
  builder: (y) =>
    y
      .option('profile', { type: 'string', array: true, default: [] as string[], describe: 'built-in profile id or path to a profile YAML (repeatable)' })
      .option('dist', { type: 'string', describe: 'a built tree holding <id>/install.sh (default: build the profiles first)' })
      .option('sandbox', { type: 'string', default: process.env.CCENV_SANDBOX || 'auto', describe: 'auto, bwrap, podman or docker' })
      .option('lanes', { type: 'string', array: true, default: [] as string[], describe: 'only these lanes (shells), comma-separated' })
      .option('scenarios', { type: 'string', array: true, default: [] as string[], describe: 'only these scenarios, comma-separated' })
      .option('out', { type: 'string', default: 'ccenv-test', describe: 'folder for logs of failed cells, the table and JUnit XML' })
      .option('junit', { type: 'string', describe: 'JUnit XML file (default: <out>/junit.xml)' })
      .option('json', { type: 'string', describe: 'also write every result as JSON here' })
      .option('concurrency', { type: 'number', default: 2, describe: 'cells at a time' })
      .option('node-version', { type: 'string', describe: "the Node.js release the local mirror serves (a profile whose minimum is not 22)" })
      .option('images', { type: 'string', array: true, default: [] as string[], describe: 'public images to run with podman/docker (debian:12, ubuntu:24.04, fedora:41, alpine:3, or all)' })
      .option('image-base', { type: 'string', array: true, default: [] as string[], describe: 'NAME=LOCAL: build image NAME from a local image (no registry)' })
      .option('prepare', { type: 'boolean', default: false, describe: 'only fetch and build the fixtures (Node mirror, npm snapshot with the pinned Claude Code, root file systems), then exit' })
      .example('$0 test --profile acme.yaml', "build acme's installers and run the whole table")
      .example('$0 test --profile acme.yaml --dist public --lanes dash,bash --scenarios fresh', 'test an already built tree, some cells only'),
  handler: async (argv) => {
    // loaded here, not above: the other commands never load the harness
    const [{ runTests }, { withContext }] = await Promise.all([import('../harness/matrix/session.js'), import('../errors.js')]);
    const imageBases = Object.fromEntries(argv['image-base'].map((kv) => kv.split(/=(.*)/s).slice(0, 2) as [string, string]));
    process.exitCode = await withContext('ccenv test', () => runTests(
      {
        profiles: argv.profile,
        dist: argv.dist,
        sandbox: argv.sandbox,
        lanes: list(argv.lanes),
        scenarios: list(argv.scenarios),
        out: argv.out,
        junit: argv.junit,
        json: argv.json,
        concurrency: argv.concurrency,
        nodeVersion: argv['node-version'],
        images: list(argv.images),
        imageBases,
        prepareOnly: argv.prepare,
      },
      {
        log: (line) => console.log(line),
        error: (line) => console.error(line),
        progress: { write: (text) => process.stdout.write(text), isTTY: Boolean(process.stdout.isTTY) },
      },
    ));
  },
};
