#!/usr/bin/env node
// ccenv command line: one module per command; each parses options and calls the work.
import yargs, { type CommandModule } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { buildCommand } from './build.js';
import { listCommand } from './list.js';
import { initCommand } from './init.js';
import { validateCommand } from './validate.js';
import { schemaCommand } from './schema.js';
import { pinNodeCommand } from './pin-node.js';
import { serveCommand } from './serve.js';
import { testCommand } from './test.js';
import { CCENV_VERSION } from '../version.js';
import { UserError } from '../errors.js';
import { reportError } from './report.js';

// yargs' CommandModule is generic in each command's options; the list only needs `command`
const COMMANDS = [buildCommand, listCommand, validateCommand, initCommand, schemaCommand, pinNodeCommand, serveCommand, testCommand] as CommandModule[];

/** A command line yargs refuses (unknown command or flag, a missing argument): its message, the usage line, exit 2. */
function usageError(message: string): UserError {
  const name = hideBin(process.argv).find((a) => !a.startsWith('-'));
  const usage = COMMANDS.map((c) => String(c.command)).find((c) => c.split(' ')[0] === name);
  return new UserError(usage ? `ccenv ${name}: ${message}\nUsage: ccenv ${usage} (ccenv ${name} --help for its options)` : `ccenv: ${message}\nUsage: ccenv <command> (ccenv --help lists them)`);
}

try {
  let cli = yargs(hideBin(process.argv)).scriptName('ccenv').version(CCENV_VERSION);
  for (const command of COMMANDS) cli = cli.command(command);
  await cli
    .demandCommand(1, 'Name a command: build, test, list, validate, init, schema, pin-node or serve.')
    .strict()
    .help()
    // a command's own errors go on as they are; yargs' refusals (a message, a YError, a .check() string) are usage errors
    .fail((message, err) => {
      throw err instanceof Error && err.name !== 'YError' ? err : usageError(message);
    })
    .parseAsync();
} catch (err) {
  process.exitCode = reportError(err, (line) => console.error(line), process.env.CCENV_DEBUG === '1');
}
