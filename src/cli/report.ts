// The one place an error becomes output and an exit code (cli/main.ts calls it once, around every command).
import { CLI_EXIT, UserError } from '../errors.js';

/** A UserError: its message, its exit code. Anything else is a bug: one short line, exit 1 (the stack with `debug`). */
export function reportError(err: unknown, error: (line: string) => void, debug: boolean): number {
  if (err instanceof UserError) {
    error(err.message);
    return err.exitCode;
  }
  error(`ccenv: unexpected error: ${err instanceof Error ? err.message : String(err)}`);
  error(debug && err instanceof Error && err.stack ? err.stack : '(a bug in ccenv: run again with CCENV_DEBUG=1 to see where)');
  return CLI_EXIT.failed;
}
