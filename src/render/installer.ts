// Rendering one installer: a pure function of (profile, target, catalog, configure program, its address).
import type { Profile } from '../profile/schema.js';
import type { Catalog } from '../messages/catalog.js';
import { templateNamed } from './environment.js';
import { templateContext } from './context.js';
import { provenanceLines } from './provenance.js';
import { TARGETS, type TargetId } from './targets.js';

export interface RenderInput {
  profile: Profile;
  target: TargetId;
  catalog: Catalog;
  ccenvVersion: string;
  configureProgram: string;
  /** The installer's own address (`ccenv build --base-url`); unknown: the commands show a placeholder. */
  installUrl?: string | undefined;
}

export function renderInstaller(input: RenderInput): string {
  const target = TARGETS[input.target];
  const context = templateContext(input.profile, input.catalog, input.ccenvVersion, input.configureProgram, input.target, input.installUrl);
  const rendered = templateNamed(target.template)(context);
  // The header's content hash covers the bytes as written, line ends included.
  const body = target.lineEnding === '\n' ? rendered : rendered.replace(/\r?\n/g, target.lineEnding);
  const header = provenanceLines({
    profile: input.profile,
    ccenvVersion: input.ccenvVersion,
    runLines: target.runLines(input.installUrl ?? `https://<your CDN>/${input.profile.id}/${target.file}`),
    body,
  })
    .map((line) => target.commentText(line))
    .map((line) => (line === '' ? target.commentPrefix : `${target.commentPrefix} ${line}`));
  return [...(target.shebang ? [target.shebang] : []), ...header, '', body].join(target.lineEnding);
}
