/**
 * Bad input from the user: printed as one line, exit code 2. `cause`: the
 * error it was made from (a model's shape the checker refused, a search that
 * threw), whose stack PVCHECK_DEBUG=1 prints after the line (cli/main.ts), so
 * that a checker bug behind a one-line error can still be traced.
 */
export class UsageError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'UsageError';
  }
}

/** Exit codes of every pvcheck command. */
export const EXIT = {
  ok: 0,
  violation: 1,
  badInput: 2,
  incomplete: 3,
  diverged: 4,
  internal: 70,
} as const;
