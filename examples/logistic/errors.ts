/**
 * A mistake in what the user asked for (a flag, a file, a column): main prints its message on one
 * line and exits with status 2, without a stack trace. Anything else is a bug and exits with 1.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const EXIT_USAGE = 2;
