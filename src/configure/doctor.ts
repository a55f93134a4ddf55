// --doctor: why Claude Code may still say "Invalid API key". Reads, never writes: the tools on
// PATH, every settings file and which one decides each connection variable, exports in shell
// start-up files (or Windows user variables), the endpoint; --check adds one real request.

import * as fs from 'node:fs';
import { childProcess } from './lazy-builtin.js';
import { CLAUDE_ENV, EXIT, INPUT_ENV, MAX_TIMEOUT_MS } from '../contract.js';
import { checkEndpoint, probeEndpoint } from './endpoint.js';
import { findProgram } from './find-program.js';
import { isSecretName, maskSecret } from './key.js';
import { activeCloudSwitches } from './merge.js';
import { reportMcp } from './mcp-doctor.js';
import type { Messages } from './messages.js';
import type { ConfigPaths } from './paths.js';
import type { BakedProfile } from './baked-profile.js';
import { scrub } from './report.js';
import { effectiveValues, managedSettingsPath, readSource, settingsFiles, type EffectiveValue, type Setter, type SettingsSource } from './settings-sources.js';
import { scanStartupFiles, windowsUserVariables, type ShellExport } from './shell-exports.js';

/** How long the endpoint may take to answer unless CCENV_CHECK_TIMEOUT_MS says otherwise. */
const DEFAULT_TIMEOUT_MS = 15_000;
/** A model every provider either serves or maps (used when no mapping is configured). */
const FALLBACK_MODEL = 'claude-haiku-4-5';

export interface DoctorIo {
  env: Record<string, string | undefined>;
  homedir: string;
  cwd: string;
  platform: NodeJS.Platform;
  out: (line: string) => void;
  err: (line: string) => void;
  /** Where managed settings live (default: the platform's place). */
  managedSettings?: string;
  /** The kernel's description (default: /proc/version); WSL's names Microsoft. */
  procVersion?: string;
}

interface Ctx {
  plan: BakedProfile;
  io: DoctorIo;
  t: Messages['t'];
  paths: ConfigPaths;
}

function timeoutMs(env: Record<string, string | undefined>): number {
  const raw = env[INPUT_ENV.checkTimeout];
  const n = raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : NaN;
  return n > 0 && n <= MAX_TIMEOUT_MS ? n : DEFAULT_TIMEOUT_MS;
}

/** Message id naming each place a value can come from. */
const SOURCE_KIND_MESSAGE: Record<SettingsSource['kind'] | 'environment', string> = {
  managed: 'cfg_doc_kind_managed',
  local: 'cfg_doc_kind_local',
  project: 'cfg_doc_kind_project',
  user: 'cfg_doc_kind_user',
  environment: 'cfg_doc_kind_environment',
};

const shown = (name: string, value: string) => (isSecretName(name) ? maskSecret(value) : value);

function describeSetter(ctx: Ctx, s: Setter): string {
  return s.kind === 'environment' ? ctx.t(SOURCE_KIND_MESSAGE.environment) : `${ctx.t(SOURCE_KIND_MESSAGE[s.kind])} ${s.path}`;
}

/** The program a new shell would run for `name`. */
function onPath(name: string, io: DoctorIo): string | null {
  return findProgram(name, io.env, io.platform);
}

function claudeVersion(file: string, io: DoctorIo): string {
  const r =
    io.platform === 'win32'
      ? childProcess().spawnSync(`"${file}" --version`, { shell: true, encoding: 'utf8', timeout: 20_000, windowsHide: true, stdio: ['ignore', 'pipe', 'ignore'] })
      : childProcess().spawnSync(file, ['--version'], { encoding: 'utf8', timeout: 20_000, stdio: ['ignore', 'pipe', 'ignore'] });
  const first = typeof r.stdout === 'string' ? r.stdout.trim().split(/\r?\n/)[0] : '';
  return r.status === 0 && first ? first.replace(/\s*\(Claude Code\)$/, '') : '?';
}

function reportTools(ctx: Ctx): void {
  const { io, t } = ctx;
  io.out(t('cfg_doc_node', { node_version: process.version, path: process.execPath }));
  const claude = onPath('claude', io);
  io.out(claude ? t('cfg_doc_claude', { claude_version: claudeVersion(claude, io), path: claude }) : t('cfg_doc_claude_missing'));
  // Inside WSL, a Windows npm (or claude) on PATH installs and runs the Windows build.
  let wsl = false;
  try {
    wsl = io.platform === 'linux' && /microsoft/i.test(io.procVersion ?? fs.readFileSync('/proc/version', 'utf8'));
  } catch {
    /* not Linux */
  }
  if (wsl) {
    for (const tool of ['npm', 'claude']) {
      const found = onPath(tool, io);
      if (found && /^\/mnt\/[a-z]\//i.test(found)) io.out(t('cfg_doc_windows_tool', { tool, path: found }));
    }
  }
  const dir = io.env[CLAUDE_ENV.configDir];
  io.out(dir ? t('cfg_doc_config_dir', { dir, settings: ctx.paths.settings, state: ctx.paths.state }) : t('cfg_doc_config_default', { dir: ctx.paths.configDir }));
}

function reportFiles(ctx: Ctx, sources: SettingsSource[]): void {
  const { io, t } = ctx;
  io.out(t('cfg_doc_files'));
  for (const s of sources) {
    const kind = t(SOURCE_KIND_MESSAGE[s.kind]);
    if (!s.exists) io.out(t('cfg_doc_file_absent', { kind, path: s.path }));
    else if (s.problem) io.out(t('cfg_doc_file_bad', { kind, path: s.path, problem: s.problem }));
    else {
      const names = Object.keys(s.env).filter((n) => /^(ANTHROPIC_|API_TIMEOUT_MS|CLAUDE_CODE_)/.test(n));
      io.out(t('cfg_doc_file_present', { kind, path: s.path, names: names.length > 0 ? names.join(', ') : '-' }));
    }
  }
}

function reportValues(ctx: Ctx, values: EffectiveValue[]): void {
  const { io, t } = ctx;
  io.out(t('cfg_doc_values'));
  if (values.length === 0) io.out(t('cfg_doc_values_none'));
  for (const v of values) {
    io.out(t('cfg_doc_value', { name: v.name, value: shown(v.name, v.winner.value), source: describeSetter(ctx, v.winner) }));
    for (const s of v.shadowed) io.out(t('cfg_doc_value_ignored', { value: shown(v.name, s.value), source: describeSetter(ctx, s) }));
  }
}

function reportExports(ctx: Ctx, exports: ShellExport[] | null, sources: SettingsSource[]): void {
  const { io, t } = ctx;
  if (exports === null) {
    io.out(t('cfg_doc_exports_unknown'));
    return;
  }
  if (exports.length === 0) return;
  io.out(t('cfg_doc_exports'));
  for (const e of exports) {
    const where = e.line === undefined ? e.where : `${e.where}:${e.line}`;
    const overridden = sources.some((s) => e.name in s.env);
    io.out(t('cfg_doc_export', { where, name: e.name, value: shown(e.name, e.value), status: { id: overridden ? 'cfg_doc_export_overridden' : 'cfg_doc_export_in_effect' } }));
  }
}

function problems(ctx: Ctx, sources: SettingsSource[], values: EffectiveValue[], exports: ShellExport[] | null): string[] {
  const { t, plan, paths } = ctx;
  const found: string[] = [];
  const value = (name: string) => values.find((v) => v.name === name);
  for (const s of sources) if (s.exists && s.problem) found.push(t('cfg_doc_p_unreadable', { path: s.path, problem: s.problem }));
  const staleKey = [
    ...sources.filter((s) => CLAUDE_ENV.apiKey in s.env).map((s) => describeSetter(ctx, { kind: s.kind, path: s.path, value: '' })),
    ...(exports ?? []).filter((e) => e.name === CLAUDE_ENV.apiKey).map((e) => (e.line === undefined ? e.where : `${e.where}:${e.line}`)),
    ...(ctx.io.env[CLAUDE_ENV.apiKey] ? [t(SOURCE_KIND_MESSAGE.environment)] : []),
  ];
  if (staleKey.length > 0) found.push(t('cfg_doc_p_stale_api_key', { sources: [...new Set(staleKey)].join('; ') }));
  const token = value(CLAUDE_ENV.authToken);
  if (!token) found.push(t('cfg_doc_p_no_token'));
  else if (token.winner.kind !== 'user') found.push(t('cfg_doc_p_token_elsewhere', { source: describeSetter(ctx, token.winner), user: paths.settings }));
  const base = value(CLAUDE_ENV.baseUrl);
  const wanted = plan.env[CLAUDE_ENV.baseUrl];
  if (wanted && base && base.winner.value.replace(/\/+$/, '') !== wanted) {
    found.push(t('cfg_doc_p_base_elsewhere', { value: base.winner.value, source: describeSetter(ctx, base.winner) }));
  } else if (wanted && !base) found.push(t('cfg_doc_p_no_base'));
  const timeout = value(CLAUDE_ENV.timeout);
  if (timeout && !(/^\d+$/.test(timeout.winner.value) && Number(timeout.winner.value) <= MAX_TIMEOUT_MS)) {
    found.push(t('cfg_doc_p_timeout', { value: timeout.winner.value, source: describeSetter(ctx, timeout.winner) }));
  }
  const user = sources.find((s) => s.kind === 'user');
  for (const name of activeCloudSwitches({ env: user?.env ?? {} })) found.push(t('cfg_warn_cloud_provider', { key: `env.${name}`, path: paths.settings }));
  return found;
}

/** The key Claude Code will send, and how (Bearer token first, as Claude Code does). */
function effectiveAuth(values: EffectiveValue[]): { kind: 'token' | 'api-key'; value: string } | null {
  const token = values.find((v) => v.name === CLAUDE_ENV.authToken);
  if (token) return { kind: 'token', value: token.winner.value };
  const key = values.find((v) => v.name === CLAUDE_ENV.apiKey);
  return key ? { kind: 'api-key', value: key.winner.value } : null;
}

async function runCheck(ctx: Ctx, values: EffectiveValue[], baseUrl: string): Promise<number> {
  const { io, t } = ctx;
  const auth = effectiveAuth(values);
  if (!auth) {
    io.err(t('cfg_check_no_key'));
    return EXIT.noKey;
  }
  const pick = (...names: string[]) => names.map((n) => values.find((v) => v.name === n)?.winner.value).find(Boolean);
  const model = pick(CLAUDE_ENV.haiku, 'ANTHROPIC_SMALL_FAST_MODEL', 'ANTHROPIC_MODEL', CLAUDE_ENV.sonnet) ?? FALLBACK_MODEL;
  const r = await checkEndpoint({ baseUrl, auth, model, timeoutMs: timeoutMs(io.env) });
  const url = baseUrl;
  switch (r.kind) {
    case 'works':
      io.out(t('cfg_check_works', { url, status: r.status, ms: r.ms, model }));
      return EXIT.ok;
    case 'rejected':
      io.err(scrub(t('cfg_check_rejected', { url, status: r.status, key: maskSecret(auth.value), message: r.message || '-' }), [auth.value]));
      return EXIT.usage;
    case 'refused':
      io.err(scrub(t('cfg_check_refused', { url, status: r.status, model, message: r.message || '-' }), [auth.value]));
      return EXIT.unexpected;
    case 'unreachable':
      io.err(t('cfg_check_unreachable', { url, reason: r.reason }));
      return EXIT.download;
  }
}

/**
 * The diagnosis (when `report`) and the request (when `check`). Exit 0 for a report; with the
 * check: 0 works · 2 key rejected (401/403) · 3 no answer · 1 another HTTP error · 5 no key.
 */
export async function diagnose(plan: BakedProfile, io: DoctorIo, t: Messages['t'], paths: ConfigPaths, opts: { report: boolean; check: boolean }): Promise<number> {
  const ctx: Ctx = { plan, io, t, paths };
  const sources = settingsFiles(paths, io.cwd, io.managedSettings ?? managedSettingsPath(io.platform)).map((f) => readSource(f.kind, f.path));
  const environment = Object.fromEntries(Object.entries(io.env).filter(([n]) => n !== 'CCENV_API_KEY'));
  const values = effectiveValues(sources, environment);
  const baseUrl = values.find((v) => v.name === CLAUDE_ENV.baseUrl)?.winner.value ?? plan.env[CLAUDE_ENV.baseUrl] ?? 'https://api.anthropic.com';
  if (opts.report) {
    const exports = io.platform === 'win32' ? windowsUserVariables() : scanStartupFiles(io.homedir);
    io.out(t('cfg_doc_title'));
    reportTools(ctx);
    reportFiles(ctx, sources);
    reportValues(ctx, values);
    reportExports(ctx, exports, sources);
    const found = problems(ctx, sources, values, exports);
    found.push(...(await reportMcp(io, t, paths, timeoutMs(io.env))));
    const probe = await probeEndpoint(baseUrl, timeoutMs(io.env));
    if (probe.kind === 'answered') io.out(t('cfg_doc_endpoint_ok', { url: baseUrl, status: probe.status, ms: probe.ms }));
    else found.push(t('cfg_doc_endpoint_down', { url: baseUrl, reason: probe.reason }));
    io.out(found.length > 0 ? t('cfg_doc_problems', { count: found.length }) : t('cfg_doc_no_problems'));
    for (const p of found) io.out(`  ! ${p}`);
    if (!opts.check) io.out(t('cfg_doc_hint_check'));
  }
  return opts.check ? runCheck(ctx, values, baseUrl) : EXIT.ok;
}
