import { WordspaceError } from '../core/errors.js';

/**
 * Everything a command may touch of the outside world, passed in so the program can run in-process
 * in tests (STYLE.md: argv and streams as parameters).
 */
export interface CliIO {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  /**
   * The descriptor behind `stdout` (main sets 1; in-process runs leave it out). When it is a pipe, a
   * socket or a regular file, `similar`'s quick path writes its answer straight to it
   * (quick-similar.ts) instead of through `stdout`, whose stream set-up costs a fresh process ms.
   */
  stdoutDescriptor?: number;
}

/**
 * Colour only on a terminal that can show it: not with a non-empty NO_COLOR (no-color.org: an empty
 * value does not disable colour), not on TERM=dumb (STYLE.md rule 11).
 */
export function useColour(io: CliIO, stream: 'stdout' | 'stderr' = 'stdout'): boolean {
  return Boolean(io[stream].isTTY) && !io.env.NO_COLOR && !isDumbTerminal(io);
}

/** TERM=dumb: a terminal without cursor movement, colour or box-drawing characters. */
export function isDumbTerminal(io: CliIO): boolean {
  return io.env.TERM === 'dumb';
}

const CONTROL_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * A message as exactly one line: control characters (C0, DEL, C1) and the Unicode line and paragraph
 * separators become visible escapes (`\n`, `\r`, `\t`, `\xNN`, `\uNNNN`), so a file name or a line
 * of a binary file echoed in a message can neither break the line nor move the cursor.
 */
export function oneLine(message: string): string {
  return message.replace(/[\x00-\x1f\x7f-\x9f\u2028\u2029]/g, (c) => {
    const named = CONTROL_ESCAPES[c];
    if (named) return named;
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Write a line to stderr. */
export function note(io: CliIO, message: string): void {
  io.stderr.write(`${oneLine(message)}\n`);
}

export function warn(io: CliIO, message: string): void {
  io.stderr.write(`wordspace: warning: ${oneLine(message)}\n`);
}

/** The one error line: `wordspace: <what> (<what to do>)`. */
export function errorLine(message: string, hint?: string): string {
  return `wordspace: ${oneLine(message)}${hint ? ` (${oneLine(hint)})` : ''}\n`;
}

/**
 * The exit status of a command that has already printed its error lines (e.g. `similar` with some
 * unknown words): run() prints nothing more and returns `exitCode`.
 */
export class ReportedError extends WordspaceError {
  constructor(message: string, exitCode = 1) {
    super(message, undefined, exitCode);
  }
}
