// The landing page of a profile folder and the index of all profiles: static HTML, both languages,
// the one-liners with copy buttons (and each one's no-questions and uninstall forms), each script's
// checksum and how to verify it before running; the signature check only on a signed build.
import type { Profile } from '../profile/schema.js';
import { templateNamed } from '../render/environment.js';
import { TARGETS, type TargetId } from '../render/targets.js';
import { CDN_PLACEHOLDER, type Manifest } from './manifest.js';
import { SIGNATURE_NAMESPACE, SUMS_FILE, SIGNATURE_FILE } from './checksums.js';
import type { IndexEntry } from './published.js';

const TITLES: Record<TargetId, { en: string; zh: string }> = {
  sh: { en: 'macOS and Linux (Terminal)', zh: 'macOS 和 Linux（终端）' },
  ps1: { en: 'Windows (PowerShell)', zh: 'Windows（PowerShell）' },
  // The cmd line does not work pasted into PowerShell (&& does not parse in 5.1): the title says where it goes.
  cmd: { en: 'Windows (Command Prompt: paste into cmd.exe, not PowerShell)', zh: 'Windows（命令提示符：粘贴到 cmd.exe，不是 PowerShell）' },
};

/** Each script run with flags (its own spelling of them): no questions, and undo. */
const FLAGGED: Record<TargetId, { run: (url: string, flags: string) => string; yes: string; uninstall: string }> = {
  sh: { run: (url, flags) => `curl -fsSL ${url} | sh -s -- ${flags}`, yes: '--yes', uninstall: '--uninstall' },
  ps1: { run: (url, flags) => `& ([scriptblock]::Create((irm ${url}))) ${flags}`, yes: '-Yes', uninstall: '-Uninstall' },
  cmd: { run: (url, flags) => `curl.exe -fsSL ${url} -o install.cmd && install.cmd ${flags}`, yes: '--yes', uninstall: '--uninstall' },
};

/** A command shown on the page: its text for the build's base, and its template for the page's own address. */
function shown(template: string, base: string): { template: string; text: string } {
  return { template, text: fill(template, base) };
}

/** How to check each script by hand; `{base}` is where the tree is served from. */
function verifyTemplates(id: string, m: Manifest): Record<TargetId, string> {
  const url = (file: string) => `{base}${id}/${file}`;
  const sum = (t: TargetId) => m.files.find((f) => f.target === t)?.sha256 ?? '';
  return {
    sh: [
      `curl -fsSL -O ${url('install.sh')} -O ${url(SUMS_FILE)}`,
      `sha256sum -c --ignore-missing ${SUMS_FILE}     # macOS: shasum -a 256 -c --ignore-missing ${SUMS_FILE}`,
      'less install.sh && sh install.sh',
    ].join('\n'),
    ps1: [
      `Invoke-WebRequest ${url('install.ps1')} -OutFile install.ps1 -UseBasicParsing`,
      `(Get-FileHash install.ps1 -Algorithm SHA256).Hash -eq '${sum('ps1').toUpperCase()}'`,
      'powershell -ExecutionPolicy Bypass -File .\\install.ps1',
    ].join('\n'),
    cmd: [
      `curl.exe -fsSL -o install.cmd ${url('install.cmd')}`,
      `certutil -hashfile install.cmd SHA256     & rem expect ${sum('cmd')}`,
      'install.cmd',
    ].join('\n'),
  };
}

function fill(text: string, base: string): string {
  return text.split('{base}').join(base);
}

export interface Signer {
  /** The public half (`ssh-ed25519 AAAA…`), shown for verification. */
  publicKey: string;
}

export function landingPage(profile: Profile, manifest: Manifest, signer: Signer | null): string {
  const base = manifest.cdnBase ?? CDN_PLACEHOLDER;
  const verify = verifyTemplates(profile.id, manifest);
  return templateNamed('landing.html.hbs')({
    ccenvVersion: manifest.ccenvVersion,
    profile,
    commands: manifest.files.map((f) => ({
      target: f.target,
      titleEn: TITLES[f.target].en,
      titleZh: TITLES[f.target].zh,
      oneLiner: manifest.oneLiners[f.target],
      oneLinerTemplate: TARGETS[f.target].oneLiner(`{base}${f.path}`),
      noQuestions: shown(FLAGGED[f.target].run(`{base}${f.path}`, FLAGGED[f.target].yes), base),
      uninstall: shown(FLAGGED[f.target].run(`{base}${f.path}`, FLAGGED[f.target].uninstall), base),
    })),
    // a versioned build names its release and the address that pins it
    release: manifest.version ? { version: manifest.version, ...shown(TARGETS.sh.oneLiner(`{base}${profile.id}/${manifest.version}/${TARGETS.sh.file}`), base) } : null,
    files: manifest.files.map((f) => ({ name: f.name, bytes: String(f.bytes), sha256: f.sha256 })),
    verify: (Object.keys(verify) as TargetId[]).map((t) => ({ target: t, template: verify[t], text: fill(verify[t], base) })),
    // only a signed build has a SHA256SUMS.sig to link and check
    signatureCheck: signer
      ? shown(
          [
            `curl -fsSL -O {base}${profile.id}/${SUMS_FILE} -O {base}${profile.id}/${SIGNATURE_FILE}`,
            `echo 'ccenv namespaces="${SIGNATURE_NAMESPACE}" ${signer.publicKey}' > allowed_signers`,
            `ssh-keygen -Y verify -f allowed_signers -I ccenv -n ${SIGNATURE_NAMESPACE} -s ${SIGNATURE_FILE} < ${SUMS_FILE}`,
          ].join('\n'),
          base,
        )
      : null,
    manifest,
  });
}

/** The root page: every profile in the tree (this build's and those earlier builds left), sorted by id. */
export function indexPage(profiles: IndexEntry[], ccenvVersion: string): string {
  return templateNamed('index.html.hbs')({
    ccenvVersion,
    profiles: profiles.map((p) => ({ id: p.id, name: p.name, baseUrl: p.baseUrl })),
  });
}
