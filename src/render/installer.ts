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

// Templates and partials are read and compiled once per process, not once per profile.
const compiled = new Map<TargetId, HandlebarsTemplateDelegate>();

function templateFor(id: TargetId): HandlebarsTemplateDelegate {
  let template = compiled.get(id);
  if (!template) {
    const source = readFileSync(path.join(TEMPLATES_DIR, TARGETS[id].template), 'utf8');
    template = compileTemplate(createEnvironment(), source);
    compiled.set(id, template);
  }
  return template;
}

export function renderInstaller(input: RenderInput): string {
  const target = TARGETS[input.target];
  const context = templateContext(input.profile, input.catalog, input.ccenvVersion, input.configureProgram, input.target);
  const rendered = templateFor(input.target)(context);
  // The header's content hash covers the bytes as written, line ends included.
  const body = target.lineEnding === '\n' ? rendered : rendered.replace(/\r?\n/g, target.lineEnding);
  const header = provenanceLines({
    profile: input.profile,
    ccenvVersion: input.ccenvVersion,
    runLines: target.runLines(`https://<your CDN>/${input.profile.id}/${target.file}`),
    body,
  })
    .map((line) => target.commentText(line))
    .map((line) => (line === '' ? target.commentPrefix : `${target.commentPrefix} ${line}`));
  return [...(target.shebang ? [target.shebang] : []), ...header, '', body].join(target.lineEnding);
}
