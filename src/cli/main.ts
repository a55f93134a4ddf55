#!/usr/bin/env node
// ccenv command line: one module per command; each parses options and calls the work.
import yargs from 'yargs';
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

await yargs(hideBin(process.argv))
  .scriptName('ccenv')
  .version(CCENV_VERSION)
  .command(buildCommand)
  .command(listCommand)
  .command(validateCommand)
  .command(initCommand)
  .command(schemaCommand)
  .command(pinNodeCommand)
  .command(serveCommand)
  .command(testCommand)
  .demandCommand(1, 'Name a command: build, test, list, validate, init, schema, pin-node or serve (see --help).')
  .strict()
  .help()
  .parseAsync();
