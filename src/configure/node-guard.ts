// The first lines of the configure program: an older Node.js is refused before anything else runs,
// so the installers need not start `node --version` first. Written in ES5 (these lines must parse
// and run on any Node.js) and placed after the bundle's "use strict" directive.
import { NODE_FOUND_ENV, NODE_TOO_OLD_EXIT } from '../contract.js';
import type { BakedProfile } from './baked-profile.js';

/** JSON as pure ASCII (the installers carry the program as ASCII text). */
function asciiLiteral(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** The message id (messages/configure.yaml) the guard prints when it refuses a run of its own. */
export const NODE_TOO_OLD_MESSAGE = 'cfg_err_node_too_old';

/** The oldest Node.js the bundle itself runs on (bundle.ts builds it for Node 18). */
export const BUNDLE_NODE_MIN = 18;

/**
 * The guard for `baked`. Asked by an installer (CCENV_NODE_FOUND: the node it found, its version not
 * checked), a Node.js below baked.nodeMin exits NODE_TOO_OLD_EXIT at once and silently: the installer
 * says node_too_old and downloads a newer one. Run otherwise, only a Node.js below BUNDLE_NODE_MIN is
 * refused, with one line. --uninstall and --doctor take any Node.js that runs (they restore or
 * report, and the installers never download one for them).
 */
export function nodeGuard(baked: BakedProfile): string {
  if (baked.nodeMin === undefined) return '';
  const text = { en: baked.messages.en[NODE_TOO_OLD_MESSAGE] ?? '', zh: baked.messages.zh[NODE_TOO_OLD_MESSAGE] ?? '' };
  return [
    '(function (min, floor, text) {',
    `  var v = process.versions.node, a = process.argv, asked = process.env.${NODE_FOUND_ENV};`,
    "  if (a.indexOf('--uninstall') >= 0 || a.indexOf('--doctor') >= 0 || +v.split('.')[0] >= (asked ? min : floor)) return;",
    '  if (!asked) {',
    "    var t = /^zh/i.test(process.env.CCENV_LANG || '') && text.zh ? text.zh : text.en;",
    "    process.stderr.write(t.replace('{node_version}', 'v' + v).replace('{path}', process.execPath).replace('{required}', floor) + '\\n');",
    '  }',
    `  process.exit(${NODE_TOO_OLD_EXIT});`,
    `})(${baked.nodeMin}, ${BUNDLE_NODE_MIN}, ${asciiLiteral(text)});`,
    '',
  ].join('\n');
}

/** The bundle with the guard as its first statement (after "use strict", which must stay first). */
export function withNodeGuard(bundle: string, baked: BakedProfile): string {
  const guard = nodeGuard(baked);
  const strict = '"use strict";\n';
  return bundle.startsWith(strict) ? strict + guard + bundle.slice(strict.length) : guard + bundle;
}
