// Rendering one installer: a pure function of (profile, target, catalog, configure program).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Profile } from '../profile/schema.js';
import type { Catalog } from '../messages/catalog.js';
import { compileTemplate, createEnvironment, TEMPLATES_DIR } from './environment.js';
import { templateContext } from './context.js';
import { provenanceLines } from './provenance.js';
import { TARGETS, type TargetId } from './targets.js';

export interface RenderInput {
  profile: Profile;
  target: TargetId;
  catalog: Catalog;
  ccenvVersion: string;
  configureProgram: string;
}

export function renderInstaller(input: RenderInput): string {
  const target = TARGETS[input.target];
  const hb = createEnvironment();
  const source = readFileSync(path.join(TEMPLATES_DIR, target.template), 'utf8');
  const context = templateContext(input.profile, input.catalog, input.ccenvVersion, input.configureProgram);
  const body = compileTemplate(hb, source)(context);
  const header = provenanceLines({
    profile: input.profile,
    ccenvVersion: input.ccenvVersion,
    runLines: target.runLines(`https://<your CDN>/${input.profile.id}/${target.file}`),
    body,
  }).map((line) => (line === '' ? target.commentPrefix : `${target.commentPrefix} ${line}`));
  return [target.shebang, ...header, '', body].join('\n');
}
