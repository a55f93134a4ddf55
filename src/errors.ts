// The ccenv CLI's one user-facing error: thrown anywhere, caught once in cli/main.ts, which prints the
// message (no stack) and exits with its code. (src/configure/errors.ts is the installers' own, apart.)

/** The CLI's exit codes (README): 1 a check found a problem; 2 the input cannot be used. */
export const CLI_EXIT = {
  ok: 0,
  /** A check failed: lint findings, a stale dist/, a failed test cell, a missing linter. */
  failed: 1,
  /** Usage, a bad profile or flag, nothing that could be tested. */
  badInput: 2,
} as const;
export type CliExitCode = (typeof CLI_EXIT)[keyof typeof CLI_EXIT];

export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: CliExitCode = CLI_EXIT.badInput,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** Runs `fn`; a UserError from it gets `context: ` in front of its message (e.g. the command's name). */
export async function withContext<T>(context: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof UserError) throw new UserError(`${context}: ${err.message.trim()}`, err.exitCode);
    throw err;
  }
}
