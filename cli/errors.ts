/** Bad input from the user: printed as one line, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
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
