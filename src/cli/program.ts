import { Command, CommanderError, Help } from 'commander';
import { WordspaceError } from '../core/errors.js';
import { removeTemporaryFiles } from '../io/output.js';
import { VERSION } from '../version.js';
import { COMMANDS, loadCommands, type RegisterCommand } from './commands/index.js';
import { errorLine, ReportedError, type CliIO } from './context.js';
import { installFlagSuggestions } from './flags.js';
import { restoreTerminal } from './progress.js';
import { PROGRAM_DESCRIPTION, PROGRAM_OPTIONS } from './quick.js';
import { runStopHandlers } from './stop.js';

/*
 * The commander program: everything a run needs beyond the quick answers of main.ts/quick.ts
 * (--version, the program's help), loaded only when a run needs it.
 */

/**
 * commander's error message as our one line: "wordspace: <message> (<hint>)". commander puts its
 * "Did you mean …?" on a second line; it becomes the hint, else the hint is "see --help".
 */
export function commanderErrorLine(text: string): string {
  let message = text.trimEnd().replace(/^error: /, '').replace(/ is invalid\. /, ' is invalid: ');
  let hint = 'see --help';
  const second = /\n\(([^\n]*)\)$/.exec(message);
  if (second) {
    message = message.slice(0, second.index);
    hint = second[1]!.replace(/^Did you mean/, 'did you mean');
  }
  return errorLine(message, hint);
}

/**
 * The io a run hands to its commands: stderr stops taking writes once the run has reported its
 * outcome, so that a warning from a reader still draining its input cannot follow the error line.
 */
function guardedIO(io: CliIO): { io: CliIO; close(): void } {
  let closed = false;
  const stderr = new Proxy(io.stderr, {
    get(target, property) {
      if (property === 'write') return (...args: Parameters<NodeJS.WritableStream['write']>) => (closed ? true : target.write(...args));
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { io: { ...io, stderr }, close: () => (closed = true) };
}

/**
 * Build the commander program. The commands in `registered` register themselves from
 * src/cli/commands/; the others are listed only (name, term and summary, for --help and "did you
 * mean"), so that a run loads the modules of the command it runs and no other (loadCommands).
 */
export function buildProgram(io: CliIO, registered: ReadonlyMap<string, RegisterCommand> = new Map()): Command {
  const listed = new Map<Command, string>();
  const program = new Command('wordspace')
    .description(PROGRAM_DESCRIPTION)
    .version(VERSION, PROGRAM_OPTIONS.version.flags, PROGRAM_OPTIONS.version.description)
    .option(PROGRAM_OPTIONS.debug.flags, PROGRAM_OPTIONS.debug.description)
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(commanderErrorLine(s)),
    })
    .exitOverride()
    .configureHelp({
      subcommandTerm(command: Command): string {
        return listed.get(command) ?? Help.prototype.subcommandTerm.call(this, command);
      },
    });
  for (const entry of COMMANDS) {
    const register = registered.get(entry.name);
    if (register) register(program, io);
    else listed.set(program.command(entry.name).summary(entry.summary), entry.term);
  }
  for (const command of program.commands) {
    command.exitOverride();
    command.configureOutput(program.configureOutput());
  }
  installFlagSuggestions(program);
  return program;
}

/** True for the errors a closed pipe produces (`wordspace ... | head`). */
function isClosedPipe(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED' || code === 'ERR_STREAM_WRITE_AFTER_END';
}

/**
 * Run the commander program on argv and return the exit status: 0 success, 1 bad input or runtime failure,
 * 2 bad usage. One line on stderr for known errors; a stack trace only with --debug.
 */
export async function runProgram(argv: string[], outerIO: CliIO): Promise<number> {
  const guard = guardedIO(outerIO);
  try {
    return await runGuarded(argv, guard.io);
  } finally {
    guard.close();
  }
}

async function runGuarded(argv: string[], io: CliIO): Promise<number> {
  const program = buildProgram(io, await loadCommands(argv));
  if (argv.length === 0) {
    program.outputHelp();
    return 0;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    // A bar left on screen by the failed stage: cursor and line wrap back, the error on its own line.
    restoreTerminal(io.stderr);
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      // commander already printed its one-line message.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (isClosedPipe(err)) return 0;
    if (err instanceof WordspaceError) {
      const cause = err.cause as CommanderError | undefined;
      if (cause instanceof CommanderError) return 2;
      if (!(err instanceof ReportedError)) io.stderr.write(errorLine(err.message, err.hint));
      if (argv.includes('--debug')) io.stderr.write(`${err.stack}\n`);
      return err.exitCode;
    }
    const message = err instanceof Error ? err.message : String(err);
    io.stderr.write(errorLine(message));
    if (argv.includes('--debug')) io.stderr.write(`${(err as Error).stack ?? ''}\n`);
    else io.stderr.write('wordspace: this looks like a bug; run again with --debug and report the trace\n');
    return 1;
  }
}

/** The signals that end a run early, and their numbers (the exit status is 128 + the number, as in a shell). */
const STOP_SIGNALS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const;

/**
 * On Ctrl-C, `kill` or a closed terminal: remove the temporary output files, give the terminal its
 * cursor and line wrap back if a progress bar hid them, run the commands' stop handlers
 * (src/cli/stop.ts) and exit 128 + the signal's number.
 */
function stopOnSignals(): void {
  for (const [signal, number] of Object.entries(STOP_SIGNALS)) {
    process.once(signal, () => {
      removeTemporaryFiles();
      restoreTerminal(process.stderr);
      runStopHandlers(); // e.g. compare's finished rows
      process.exit(128 + number);
    });
  }
}

/**
 * What bin/wordspace installs once it runs the program: on Ctrl-C, `kill` or a closed terminal the
 * temporary output files go (stopOnSignals), and whatever way the process ends (an error, a closed
 * pipe), no temporary file outlives it. (The quick answers write no file and need none of this.)
 */
export function installProcessHandlers(): void {
  stopOnSignals();
  process.on('exit', removeTemporaryFiles);
}
