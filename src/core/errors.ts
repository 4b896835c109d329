/**
 * Errors the CLI knows how to report in one line.
 *
 * `InputError` (exit 1): the input or the run failed — a missing file, a malformed CSV, an empty vocabulary.
 * `UsageError` (exit 2): the command line itself is wrong — a bad number, an unknown method.
 * The message says what went wrong; `hint` says what to do about it.
 */
export class WordspaceError extends Error {
  readonly exitCode: number;
  readonly hint: string | undefined;
  constructor(message: string, hint?: string, exitCode = 1) {
    super(message);
    this.name = new.target.name;
    this.hint = hint;
    this.exitCode = exitCode;
  }
}

export class InputError extends WordspaceError {
  constructor(message: string, hint?: string) {
    super(message, hint, 1);
  }
}

export class UsageError extends WordspaceError {
  constructor(message: string, hint?: string) {
    super(message, hint, 2);
  }
}
