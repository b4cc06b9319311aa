export interface CommandResult {
  code: number;
  stdout?: string;
  stderr?: string;
}

/** Unreadable input: exit 2 with the message (1 for the rpmautospec commands, as rpmautospec). */
export class InputError extends Error {}

/**
 * What every command answers for what it threw, never a stack trace: a usage mistake or a bad option
 * with the command's usage (exit 2), unreadable input (`inputCode`), anything else as a message (2).
 */
export function commandFailure(err: unknown, usage: string, inputCode = 2): CommandResult {
  if (err instanceof UsageError) return { code: 2, stderr: `gitoverlay: ${err.message}\n${err.usage}\n` };
  if (err instanceof InputError) return { code: inputCode, stderr: `gitoverlay: ${err.message}\n` };
  const e = err as { code?: string; message?: string };
  if (typeof e.code === 'string' && e.code.startsWith('ERR_PARSE_ARGS')) return { code: 2, stderr: `gitoverlay: ${e.message}\n${usage}\n` };
  return { code: 2, stderr: `gitoverlay: ${e.message ?? String(err)}\n` };
}

/** A mistake in the command line: printed with the usage, exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message);
  }
}
