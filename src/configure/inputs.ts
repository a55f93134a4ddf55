// Runtime inputs: flags from argv, the key and the model mapping from the environment.

import { CLAUDE_ENV, EXIT, INPUT_ENV, USE_MODELS_ENV } from '../contract.js';
import { CcenvError } from './errors.js';
import { checkKey, findBadChar, maskSecret, type CharKind } from './key.js';
import type { ModelMapping } from './baked-profile.js';

export interface Args {
  /**
   * check-key: validate the key typed at the installer's prompt, change nothing.
   * doctor: report what Claude Code will use and why (with check: also the live request).
   * check: only the live request against the configured endpoint.
   * mcp-conflicts: name the user's own MCP servers a configure run would keep (the installer asks).
   */
  mode: 'configure' | 'uninstall' | 'check-key' | 'doctor' | 'check' | 'mcp-conflicts';
  dryRun: boolean;
  /** --check was given (alone, or with --doctor). */
  check: boolean;
  /** --doctor or --check: the diagnosis, which reads only and talks to the endpoint. */
  diagnosis: boolean;
  /** --uninstall --purge: also remove ccenv's own folder (receipt, backups). */
  purge: boolean;
}

/** An argument as shown in a message: flags as typed, anything else (maybe a pasted key) masked. */
function showArg(arg: string): string {
  return JSON.stringify(/^--?[A-Za-z0-9][A-Za-z0-9-]{0,40}$/.test(arg) ? arg : maskSecret(arg));
}

export function parseArgs(argv: readonly string[]): Args {
  const args: Args = { mode: 'configure', dryRun: false, check: false, diagnosis: false, purge: false };
  for (const arg of argv) {
    if (arg === '--dry-run') args.dryRun = true;
    else if (arg === '--uninstall') args.mode = 'uninstall';
    else if (arg === '--purge') args.purge = true;
    else if (arg === '--check-key') args.mode = 'check-key';
    else if (arg === '--mcp-conflicts') args.mode = 'mcp-conflicts';
    else if (arg === '--doctor') args.mode = 'doctor';
    else if (arg === '--check') args.mode = args.mode === 'doctor' ? 'doctor' : 'check';
    else throw new CcenvError(EXIT.usage, 'cfg_err_unknown_option', { option: showArg(arg) });
    if (arg === '--check') args.check = true;
    if (arg === '--doctor' || arg === '--check') args.diagnosis = true;
  }
  if (args.purge && args.mode !== 'uninstall') throw new CcenvError(EXIT.usage, 'cfg_err_purge_needs_uninstall');
  return args;
}

/** Message id per kind of unusable character. */
export const CHAR_KIND_MESSAGE: Record<CharKind, string> = {
  space: 'cfg_kind_space',
  tab: 'cfg_kind_tab',
  control: 'cfg_kind_control',
  fullwidth: 'cfg_kind_fullwidth',
  ideographic_space: 'cfg_kind_ideographic_space',
  non_ascii: 'cfg_kind_non_ascii',
};

type Env = Record<string, string | undefined>;

/**
 * The key from CCENV_API_KEY: unset → exit 5; empty or unusable → exit 2. When `optional`
 * (dry run), unset gives null.
 */
export function readKey(env: Env, optional: boolean, typed = false): string | null {
  const raw = env[INPUT_ENV.apiKey];
  if (raw === undefined) {
    if (optional) return null;
    throw new CcenvError(EXIT.noKey, 'cfg_err_no_key', { name: INPUT_ENV.apiKey });
  }
  const checked = checkKey(raw);
  if (checked.ok) return checked.key;
  if (checked.problem === 'empty') throw new CcenvError(EXIT.usage, 'cfg_err_key_empty', { name: INPUT_ENV.apiKey });
  const where = { position: checked.position, codepoint: checked.codePoint, kind: { id: CHAR_KIND_MESSAGE[checked.kind] } };
  // A key typed at the installer's prompt is not "in CCENV_API_KEY" as far as the user knows.
  if (typed) throw new CcenvError(EXIT.usage, 'cfg_err_typed_key_char', where);
  throw new CcenvError(EXIT.usage, 'cfg_err_key_char', { name: INPUT_ENV.apiKey, ...where });
}

const MODEL_VARS: ReadonlyArray<[keyof ModelMapping, string, string]> = [
  ['opus', INPUT_ENV.modelOpus, CLAUDE_ENV.opus],
  ['sonnet', INPUT_ENV.modelSonnet, CLAUDE_ENV.sonnet],
  ['haiku', INPUT_ENV.modelHaiku, CLAUDE_ENV.haiku],
];

/**
 * The model entries to set, in the order opus, sonnet, haiku: the profile's mapping when
 * CCENV_USE_MODELS=1, each overridden by a non-empty CCENV_MODEL_* (surrounding blanks trimmed).
 */
export function readModels(env: Env, planModels: ModelMapping): Array<[string, string]> {
  const useProfile = env[USE_MODELS_ENV] === '1';
  const result: Array<[string, string]> = [];
  for (const [which, variable, settingName] of MODEL_VARS) {
    const override = (env[variable] ?? '').trim();
    if (override !== '') {
      const bad = findBadChar(override);
      if (bad) {
        throw new CcenvError(EXIT.usage, 'cfg_err_model_char', {
          name: variable,
          position: bad.position,
          codepoint: bad.codePoint,
        });
      }
      result.push([settingName, override]);
      continue;
    }
    const fromPlan = useProfile ? planModels[which] : undefined;
    if (fromPlan !== undefined && fromPlan !== '') result.push([settingName, fromPlan]);
  }
  return result;
}
