/** A mistake in how a command was called: the CLI prints it with a pointer to --help and exits 2. */
export class UsageError extends Error {}
