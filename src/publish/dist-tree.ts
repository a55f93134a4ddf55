// The dist/ tree: one folder per profile holding its installers. Rendering is pure; writing and
// the staleness check are the only places that touch the disk.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, chmodSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Profile } from '../profile/schema.js';
import type { Catalog } from '../messages/catalog.js';
import { buildConfigureProgram } from '../configure/bundle.js';
import { configurePlan } from '../render/context.js';
import { renderInstaller } from '../render/installer.js';
import { TARGET_IDS, TARGETS } from '../render/targets.js';

/** Relative path (posix) → file content. */
export type DistTree = Map<string, string>;

export async function renderDistTree(profiles: Profile[], catalog: Catalog, ccenvVersion: string): Promise<DistTree> {
  const tree: DistTree = new Map();
  for (const profile of [...profiles].sort((a, b) => a.id.localeCompare(b.id))) {
    const program = await buildConfigureProgram(configurePlan(profile, catalog, ccenvVersion));
    for (const target of TARGET_IDS) {
      const text = renderInstaller({ profile, target, catalog, ccenvVersion, configureProgram: program });
      tree.set(`${profile.id}/${TARGETS[target].file}`, text);
    }
  }
  return tree;
}

function isInstallerName(name: string): boolean {
  return /^install\.[a-z0-9]+$/.test(name);
}

/** Installer files under outDir that belong to the given profile folders (or to any, with allFolders). */
function existingInstallers(outDir: string, ids: string[], allFolders: boolean): string[] {
  if (!existsSync(outDir)) return [];
  const folders = allFolders
    ? readdirSync(outDir).filter((d) => statSync(path.join(outDir, d)).isDirectory())
    : ids.filter((id) => existsSync(path.join(outDir, id)));
  return folders.flatMap((d) =>
    readdirSync(path.join(outDir, d))
      .filter(isInstallerName)
      .map((f) => `${d}/${f}`),
  );
}

export interface StaleReport {
  changed: string[];
  missing: string[];
  extra: string[];
}

export function checkDistTree(outDir: string, tree: DistTree, allFolders: boolean): StaleReport {
  const ids = [...new Set([...tree.keys()].map((k) => k.split('/')[0] as string))];
  const report: StaleReport = { changed: [], missing: [], extra: [] };
  for (const [rel, text] of tree) {
    const file = path.join(outDir, rel);
    if (!existsSync(file)) report.missing.push(rel);
    else if (readFileSync(file, 'utf8') !== text) report.changed.push(rel);
  }
  report.extra = existingInstallers(outDir, ids, allFolders).filter((rel) => !tree.has(rel));
  return report;
}

export function isStale(r: StaleReport): boolean {
  return r.changed.length + r.missing.length + r.extra.length > 0;
}

export function writeDistTree(outDir: string, tree: DistTree, allFolders: boolean): StaleReport {
  const report = checkDistTree(outDir, tree, allFolders);
  for (const rel of [...report.changed, ...report.missing]) {
    const file = path.join(outDir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, tree.get(rel) as string);
  }
  for (const rel of tree.keys()) chmodSync(path.join(outDir, rel), rel.endsWith('.sh') ? 0o755 : 0o644);
  for (const rel of report.extra) rmSync(path.join(outDir, rel));
  return report;
}
