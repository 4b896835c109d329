import { Command, CommanderError } from 'commander';
import { WordspaceError } from '../core/errors.js';
import { removeTemporaryFiles } from '../io/output.js';
import { VERSION } from '../version.js';
import { COMMANDS } from './commands/index.js';
import type { CliIO } from './context.js';
import { restoreTerminal } from './progress.js';

/** Build the commander program; every command registers itself from src/cli/commands/. */
export function buildProgram(io: CliIO): Command {
  const program = new Command('wordspace')
    .description('Turn a corpus into vectors: one-hot, feature tables, term-document, co-occurrence (PPMI, SVD), autoencoder, word2vec, GloVe.')
    .version(VERSION, '-V, --version', 'print the version')
    .option('--debug', 'show stack traces of errors')
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      // One line: "wordspace: <commander's message> (see --help)".
      outputError: (s, write) => write(`${s.replace(/^error: /, 'wordspace: ').replace(/ is invalid\. /, ' is invalid: ').trimEnd()} (see --help)\n`),
    })
    .exitOverride();
  for (const register of COMMANDS) register(program, io);
  for (const command of program.commands) {
    command.exitOverride();
    command.configureOutput(program.configureOutput());
  }
  return program;
}

/** True for the errors a closed pipe produces (`wordspace ... | head`). */
function isClosedPipe(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED' || code === 'ERR_STREAM_WRITE_AFTER_END';
}

/**
 * Run the program on argv and return the exit status: 0 success, 1 bad input or runtime failure,
 * 2 bad usage. One line on stderr for known errors; a stack trace only with --debug.
 */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const program = buildProgram(io);
  if (argv.length === 0) {
    program.outputHelp();
    return 0;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      // commander already printed its one-line message.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (isClosedPipe(err)) return 0;
    if (err instanceof WordspaceError) {
      const cause = err.cause as CommanderError | undefined;
      if (cause instanceof CommanderError) return 2;
      io.stderr.write(`wordspace: ${err.message}${err.hint ? ` (${err.hint})` : ''}\n`);
      if (argv.includes('--debug')) io.stderr.write(`${err.stack}\n`);
      return err.exitCode;
    }
    const message = err instanceof Error ? err.message : String(err);
    io.stderr.write(`wordspace: ${message}\n`);
    if (argv.includes('--debug')) io.stderr.write(`${(err as Error).stack ?? ''}\n`);
    else io.stderr.write('wordspace: this looks like a bug; run again with --debug and report the trace\n');
    return 1;
  }
}

/** The signals that end a run early, and their numbers (the exit status is 128 + the number, as in a shell). */
const STOP_SIGNALS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const;

/**
 * On Ctrl-C, `kill` or a closed terminal: remove the temporary output files, give the terminal its
 * cursor and line wrap back if a progress bar hid them, and exit 128 + the signal's number.
 */
function stopOnSignals(): void {
  for (const [signal, number] of Object.entries(STOP_SIGNALS)) {
    process.once(signal, () => {
      removeTemporaryFiles();
      restoreTerminal(process.stderr);
      process.exit(128 + number);
    });
  }
}

/** Entry point of bin/wordspace: the only place that touches the real process. */
export function main(argv: string[]): void {
  const io: CliIO = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env };
  stopOnSignals();
  // A closed downstream pipe ends the program quietly with status 0.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
  });
  run(argv, io).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`wordspace: ${String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
