import type { CliIO } from './context.js';

const STDOUT_DESCRIPTOR = 1;

/**
 * Run the program on argv and return the exit status: 0 success, 1 bad input or runtime failure,
 * 2 bad usage. `--version` and the program's own help are answered here without commander or any
 * command (quick.ts, issue 8's start-up row); `similar` on a plain word2vec binary file is answered
 * without commander too (quick-similar.ts); everything else goes through program.ts.
 */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const quick = await quickText(argv);
  if (quick !== undefined) {
    io.stdout.write(quick);
    return 0;
  }
  const code = await quickCommand(argv, io);
  if (code !== undefined) return code;
  const { runProgram } = await import('./program.js');
  return runProgram(argv, io);
}

/**
 * The text of `--version` or of the program's help (quick.ts), else undefined. Imported only when
 * it may answer: a `similar` run loads none of quick.ts, the version and the command list.
 */
async function quickText(argv: string[]): Promise<string | undefined> {
  if (argv[0] === 'similar') return undefined;
  const { quickAnswer } = await import('./quick.js');
  return quickAnswer(argv, outputHelpWidth());
}

/**
 * A command answered without commander when its arguments and input allow (`similar` on a word2vec
 * binary file, quick-similar.ts): its exit status, else undefined and the program runs.
 */
async function quickCommand(argv: string[], io: CliIO): Promise<number | undefined> {
  if (argv[0] !== 'similar') return undefined;
  const { quickSimilar } = await import('./quick-similar.js');
  return quickSimilar(argv, io);
}

/** The width commander wraps help to on standard output (its default getOutHelpWidth). */
function outputHelpWidth(): number | undefined {
  return process.stdout.isTTY ? process.stdout.columns : undefined;
}

/** Entry point of bin/wordspace: the only place that touches the real process. */
export function main(argv: string[]): void {
  let stdoutReady = false;
  const stdout = (): NodeJS.WriteStream => {
    if (!stdoutReady) {
      stdoutReady = true;
      // A closed downstream pipe ends the program quietly with status 0.
      process.stdout.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'EPIPE') process.exit(0);
      });
    }
    return process.stdout;
  };
  // The standard streams are made on first use: each costs a fresh process a few ms of stream
  // set-up, and `similar` on the quick path (issue 8's row) reads no input, writes no error, and
  // writes its answer to the descriptor when standard output is a pipe or a file (quick-similar.ts).
  const io: CliIO = {
    get stdin() {
      return process.stdin;
    },
    get stdout() {
      return stdout();
    },
    get stderr() {
      return process.stderr;
    },
    env: process.env,
    stdoutDescriptor: STDOUT_DESCRIPTOR,
  };
  (async () => {
    const quick = await quickText(argv);
    if (quick !== undefined) {
      stdout().write(quick);
      return;
    }
    const quickCode = await quickCommand(argv, io);
    if (quickCode !== undefined) {
      process.exitCode = quickCode;
      return;
    }
    stdout();
    const { installProcessHandlers, runProgram } = await import('./program.js');
    installProcessHandlers();
    process.exitCode = await runProgram(argv, io);
  })().catch((err: unknown) => {
    process.stderr.write(`wordspace: ${String(err)}\n`);
    process.exitCode = 1;
  });
}
