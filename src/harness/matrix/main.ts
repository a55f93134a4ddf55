// The matrix from the command line (make matrix, the GitHub workflow, make bench):
//   node out/src/harness/matrix/main.js [--sandbox auto|bwrap|podman|docker] [--lane L]… [--scenario S]…
//        [--junit FILE] [--json FILE] [--concurrency N] [--dist DIR]
// Exit 0 when no cell failed, 1 otherwise.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { repoPath } from '../../paths.js';
import { PUBLIC_IMAGE_NAMES } from '../images.js';
import { detectRunners, selectRunner } from '../runners.js';
import { expandMatrix } from './cells.js';
import { junitXml, resultsTable, summary } from './report.js';
import { runMatrix } from './run.js';

interface Args {
  sandbox: string;
  lane: string[];
  scenario: string[];
  junit: string;
  json?: string;
  concurrency: number;
  dist: string;
  images: string[];
  imageBase: string[];
}

async function main(): Promise<number> {
  const argv = (await yargs(hideBin(process.argv))
    .scriptName('matrix')
    .option('sandbox', { type: 'string', default: process.env.CCENV_SANDBOX || 'auto', describe: 'auto, bwrap, podman or docker' })
    .option('lane', { type: 'string', array: true, default: [] as string[], describe: 'only these lanes (shells)' })
    .option('scenario', { type: 'string', array: true, default: [] as string[], describe: 'only these scenarios' })
    .option('junit', { type: 'string', default: repoPath('.cache', 'matrix', 'junit.xml') })
    .option('json', { type: 'string' })
    .option('concurrency', { type: 'number', default: 2 })
    .option('dist', { type: 'string', default: repoPath('dist') })
    .option('images', { type: 'string', array: true, default: [] as string[], describe: `public images to run with podman/docker: ${PUBLIC_IMAGE_NAMES.join(', ')} or all` })
    .option('image-base', { type: 'string', array: true, default: [] as string[], describe: 'NAME=LOCAL: build image NAME from a local image (no registry)' })
    .strict()
    .parse()) as unknown as Args;
  for (const s of await detectRunners()) console.log(`sandbox ${s.name}: ${s.available ? 'available' : 'not available'} (${s.detail})`);
  const runner = await selectRunner(argv.sandbox);
  const all = expandMatrix();
  const pick = <T extends { lane: string; scenario: string }>(xs: T[]) =>
    xs.filter((c) => (argv.lane.length === 0 || argv.lane.includes(c.lane)) && (argv.scenario.length === 0 || argv.scenario.includes(c.scenario)));
  const cells = pick(all.cells);
  console.log(`matrix: ${cells.length} cells with ${runner.name}, ${argv.concurrency} at a time`);
  const imageBases = Object.fromEntries(argv.imageBase.map((kv) => kv.split(/=(.*)/s).slice(0, 2) as [string, string]));
  const run = await runMatrix({
    runner,
    images: argv.images,
    imageBases,
    cells,
    notExecuted: pick(all.notExecuted),
    dist: path.resolve(argv.dist),
    concurrency: argv.concurrency,
    onResult: (r) => console.log(`${r.status === 'pass' ? 'ok  ' : r.status === 'fail' ? 'FAIL' : 'skip'} ${r.id} (${(r.durationMs / 1000).toFixed(1)} s)${r.status === 'fail' ? `: ${r.problems.join('; ')}` : ''}`),
  });
  console.log(`\n${resultsTable(run)}`);
  mkdirSync(path.dirname(argv.junit), { recursive: true });
  writeFileSync(argv.junit, junitXml(run));
  if (argv.json) writeFileSync(argv.json, JSON.stringify(run, null, 2));
  console.log(`JUnit XML: ${argv.junit}`);
  return summary(run).failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`matrix: ${(err as Error).message}`);
    process.exit(2);
  },
);
