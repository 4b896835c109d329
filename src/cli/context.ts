/**
 * Everything a command may touch of the outside world, passed in so the program can run in-process
 * in tests (STYLE.md: argv and streams as parameters).
 */
export interface CliIO {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: Record<string, string | undefined>;
}

/** Colour and decorations only on a terminal without NO_COLOR (STYLE.md rule 11). */
export function useColour(io: CliIO, stream: 'stdout' | 'stderr' = 'stdout'): boolean {
  return Boolean(io[stream].isTTY) && io.env.NO_COLOR === undefined;
}

/** Write a line to stderr. */
export function note(io: CliIO, message: string): void {
  io.stderr.write(`${message}\n`);
}

export function warn(io: CliIO, message: string): void {
  io.stderr.write(`wordspace: warning: ${message}\n`);
}
