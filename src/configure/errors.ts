// The one error type the configure program throws on purpose: it carries an exit code from the
// installer contract and a message id (from messages/configure.yaml) with its parameters, so the
// text is localized where it is printed, never where it is thrown.

/** A message to be localized later; usable as a parameter of another message. */
export interface MessageRef {
  id: string;
  params?: MessageParams;
}
export type MessageParams = { [name: string]: string | number | MessageRef };

export class CcenvError extends Error {
  readonly exitCode: number;
  readonly messageId: string;
  readonly params: MessageParams;

  constructor(exitCode: number, messageId: string, params: MessageParams = {}) {
    super(messageId);
    this.name = 'CcenvError';
    this.exitCode = exitCode;
    this.messageId = messageId;
    this.params = params;
  }
}

/** The errno-style code of a Node.js system error, if it is one. */
export function errnoCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** Message id explaining a file-system error code, used as {reason} in messages. */
export function reasonId(code: string | undefined): string {
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'cfg_reason_permission';
    case 'EROFS':
      return 'cfg_reason_read_only';
    case 'ENOSPC':
      return 'cfg_reason_disk_full';
    case 'EDQUOT':
      return 'cfg_reason_quota';
    case 'ENOTDIR':
    case 'EEXIST':
      return 'cfg_reason_not_dir';
    case 'EISDIR':
      return 'cfg_reason_is_dir';
    case 'EBUSY':
    case 'ETXTBSY':
      return 'cfg_reason_busy';
    default:
      return 'cfg_reason_other';
  }
}
