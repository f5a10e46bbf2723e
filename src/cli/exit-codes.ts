/**
 * The exit codes scripts can rely on, declared once; `--help` prints this
 * table. Each command says in its own help what "problems" means for it.
 */
export const EXIT_CODES = {
  /** Done; nothing needs attention. */
  ok: 0,
  /** The command ran and found something that needs attention. */
  problems: 1,
  /** Bad flags or arguments, or a missing or invalid setting; nothing was changed. */
  usage: 2,
  /** The user has no record. */
  notFound: 3,
  /** Aura or the store could not be reached, refused the credentials, or failed. */
  unavailable: 4,
  /** A bug in aura-provisioner: please report it with the output. */
  internal: 5,
} as const;

/** One of {@link EXIT_CODES}. */
export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/** The table `--help` shows. */
export const EXIT_CODE_HELP: readonly [ExitCode, string][] = [
  [EXIT_CODES.ok, 'done; nothing needs attention'],
  [
    EXIT_CODES.problems,
    'ran, and found problems (a failed check, a failed user, orphans, records left unsettled)',
  ],
  [EXIT_CODES.usage, 'bad flags or arguments, or missing or invalid settings; nothing changed'],
  [EXIT_CODES.notFound, 'the user has no database record'],
  [EXIT_CODES.unavailable, 'Aura or the store is unreachable, refused the credentials, or failed'],
  [EXIT_CODES.internal, 'a bug in aura-provisioner; please report it'],
];
