import { readFileSync } from 'node:fs';
import { repoPath } from './paths.js';

export const CCENV_VERSION: string = (JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { version: string }).version;
