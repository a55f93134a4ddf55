// Where Claude Code keeps its files, and where ccenv keeps its receipt and backups.

import * as path from 'node:path';
import { CLAUDE_ENV } from '../contract.js';

export interface ConfigPaths {
  configDir: string;
  settings: string;
  state: string;
  ccenvDir: string;
  receipt: string;
  backups: string;
}

/**
 * `$CLAUDE_CONFIG_DIR` when set and non-empty, else `~/.claude`. The state file is
 * `$CLAUDE_CONFIG_DIR/.claude.json` when that variable is set, else `~/.claude.json`.
 */
export function resolvePaths(env: Record<string, string | undefined>, homedir: string, cwd: string): ConfigPaths {
  const fromEnv = env[CLAUDE_ENV.configDir];
  const custom = fromEnv !== undefined && fromEnv !== '' ? path.resolve(cwd, fromEnv) : undefined;
  const configDir = custom ?? path.join(homedir, '.claude');
  const state = custom !== undefined ? path.join(custom, '.claude.json') : path.join(homedir, '.claude.json');
  const ccenvDir = path.join(configDir, 'ccenv');
  return {
    configDir,
    settings: path.join(configDir, 'settings.json'),
    state,
    ccenvDir,
    receipt: path.join(ccenvDir, 'receipt.json'),
    backups: path.join(ccenvDir, 'backups'),
  };
}
