// `node out/src/harness/prepare-main.js --suite|--matrix [--node <version>]…`: the fixture step
// `make prepare` runs (what `ccenv test --prepare` does too). Exits 1 when a required fixture failed.
import { cacheRoot } from './cache.js';
import { prepareFixtures, type FixtureSet } from './prepare.js';

function parseArgs(argv: string[]): { set: FixtureSet; nodeVersions?: string[] } {
  let set: FixtureSet = 'suite';
  const nodeVersions: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--suite' || a === '--matrix') set = a === '--suite' ? 'suite' : 'matrix';
    else if (a === '--node' && argv[i + 1]) nodeVersions.push(argv[++i] as string);
    else throw new Error(`prepare: unknown argument ${a} (use --suite, --matrix, --node <version>)`);
  }
  return { set, ...(nodeVersions.length ? { nodeVersions } : {}) };
}

async function main(): Promise<number> {
  const started = Date.now();
  const args = parseArgs(process.argv.slice(2));
  process.stdout.write(`prepare: the ${args.set} fixtures, in ${cacheRoot()}\n`);
  const { results, ok } = await prepareFixtures({ ...args, log: (line) => process.stdout.write(`prepare: ${line}\n`) });
  const count = (status: string) => results.filter((r) => r.status === status).length;
  const failed = results.filter((r) => r.status === 'failed');
  process.stdout.write(
    `prepare: ${args.set}: ${count('cached')} cached, ${count('filled')} filled, ${count('skipped')} skipped, ${failed.length} failed in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
  for (const r of failed) process.stderr.write(`prepare: ${r.name} failed${r.required ? ' (required)' : ''}:\n${r.detail ?? ''}\n`);
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  },
);
