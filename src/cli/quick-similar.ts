import { fs } from '../io/node-fs.js';
import { integer } from '../core/parse.js';
import { DEFAULT_TOP } from '../core/cosine.js';
import type { Neighbour } from '../core/vectors.js';
import type { CliIO } from './context.js';
import { defaultResultFormat, RESULT_FORMATS, resultText, score, type ResultFormat, type ResultTable } from './results.js';

const { fstatSync, writeSync } = fs;

/*
 * `similar VECTORS WORDS…` without commander (issue 8's `.bin` row; quick.ts does the same for
 * --version and --help). parseQuickSimilar reads only the arguments `similar` defines and only in
 * their plain spellings; anything else (--help, --text, --model, --debug, `--`, an unknown or
 * misspelt flag, a bad value, `-` for standard input) gives undefined, and the run goes to the
 * commander program, so usage errors, their messages and their exit codes stay commander's.
 * test/quick-similar.test.ts checks that both parsers agree over a table of argument lists.
 */

/** What `similar` takes, as its commander action receives it. */
export interface QuickSimilarArgs {
  path: string;
  words: string[];
  top: number;
  restrict?: number;
  format?: ResultFormat;
}

/** Flags taking a value, by every spelling commander accepts for them here (`--flag=value` too). */
const VALUE_FLAGS: Record<string, 'top' | 'restrict' | 'format'> = { '-k': 'top', '--top': 'top', '--restrict': 'restrict', '--format': 'format' };

const parseTop = integer('--top', 1);
const parseRestrict = integer('--restrict', 1);

/** The arguments of `similar` (argv[0]) when the quick path can read them all, else undefined. */
export function parseQuickSimilar(argv: readonly string[]): QuickSimilarArgs | undefined {
  if (argv[0] !== 'similar') return undefined;
  const operands: string[] = [];
  const values: { top?: string; restrict?: string; format?: string } = {};
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('-')) {
      operands.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq !== -1 ? arg.slice(0, eq) : arg;
    const name = Object.prototype.hasOwnProperty.call(VALUE_FLAGS, flag) ? VALUE_FLAGS[flag] : undefined;
    if (name === undefined) return undefined;
    let value: string | undefined;
    if (flag !== arg) value = arg.slice(eq + 1);
    else {
      value = argv[++i];
      // A value that looks like a flag (or none at all) is commander's to judge.
      if (value === undefined || value.startsWith('-')) return undefined;
    }
    values[name] = value; // a repeated flag: the last one counts, as in commander
  }
  if (operands.length < 2 || operands[0] === '-') return undefined;
  const parsed: QuickSimilarArgs = { path: operands[0]!, words: operands.slice(1), top: DEFAULT_TOP };
  try {
    if (values.top !== undefined) parsed.top = parseTop(values.top);
    if (values.restrict !== undefined) parsed.restrict = parseRestrict(values.restrict);
  } catch {
    return undefined; // commander reports the bad value
  }
  if (values.format !== undefined) {
    if (!(RESULT_FORMATS as readonly string[]).includes(values.format)) return undefined;
    parsed.format = values.format as ResultFormat;
  }
  return parsed;
}

/** One query word's result table, as `similar` prints it (a terminal table, or rows for tsv/csv/json). */
export function similarTable(word: string, neighbours: readonly Neighbour[], format: ResultFormat): ResultTable {
  const forTable = format === 'table';
  return {
    title: word,
    header: forTable ? ['rank', 'word', 'similarity'] : ['query', 'rank', 'word', 'similarity'],
    rows: neighbours.map((n, r) => (forTable ? [r + 1, n.word, score(n.score, true)] : [word, r + 1, n.word, score(n.score, false)])),
  };
}

/**
 * Run `similar` on the quick path: the exit status, or undefined when the full program must run
 * (arguments it does not read, or vectors the streaming reader leaves to the full path). Nothing
 * is written before that is decided.
 */
export async function quickSimilar(argv: readonly string[], io: CliIO): Promise<number | undefined> {
  const args = parseQuickSimilar(argv);
  if (!args) return undefined;
  const { streamSimilar } = await import('../query/stream-similar.js');
  let answers;
  try {
    answers = await streamSimilar({ path: args.path, words: args.words, top: args.top, ...(args.restrict === undefined ? {} : { restrict: args.restrict }) });
  } catch {
    return undefined; // a read error: the full path reports it as it always has
  }
  if (!answers) return undefined;
  // A pipe or a file behind stdout: the answer is written to it directly, and it is not a terminal.
  const direct = plainDescriptor(io.stdoutDescriptor);
  const format = args.format ?? (direct === undefined ? defaultResultFormat(io) : 'tsv');
  try {
    await printTables(io, format, answers.map((a) => similarTable(a.word, a.neighbours, format)), direct);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException | undefined)?.code;
    // A closed pipe (`| head`) ends the run quietly with status 0, as on the full path.
    if (code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED' || code === 'ERR_STREAM_WRITE_AFTER_END') return 0;
    throw err;
  }
  return 0;
}

/**
 * renderTables' output: TSV and JSON written here (to the descriptor `direct` when given, else to
 * io.stdout), the formats that need packages (CSV, terminal tables) by render.ts.
 */
async function printTables(io: CliIO, format: ResultFormat, tables: ResultTable[], direct: number | undefined): Promise<void> {
  const text = resultText(format, tables);
  if (text === undefined) {
    const { renderTables } = await import('./render.js');
    return renderTables(io, format, tables);
  }
  if (direct !== undefined) return writeToDescriptor(io, direct, Buffer.from([...text].join(''), 'utf8'));
  // The stream (a terminal, a device such as /dev/null, or an in-process run): through a Sink.
  const { Sink } = await import('../io/sink.js');
  const sink = new Sink(io.stdout);
  for (const piece of text) await sink.write(piece);
  await sink.flush();
}

/**
 * All of `data` to the descriptor with blocking writes; when the descriptor is non-blocking and
 * full (EAGAIN), the rest goes through io.stdout, which waits for room.
 */
async function writeToDescriptor(io: CliIO, fd: number, data: Buffer): Promise<void> {
  let at = 0;
  try {
    while (at < data.length) at += writeSync(fd, data, at, data.length - at);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
    const stream = io.stdout;
    await new Promise<void>((done, fail) => {
      stream.write(data.subarray(at), (e?: Error | null) => (e ? fail(e) : done()));
    });
  }
}

/** `fd` when it is a pipe, a socket or a regular file (so never a terminal), else undefined. */
function plainDescriptor(fd: number | undefined): number | undefined {
  if (fd === undefined) return undefined;
  try {
    const stat = fstatSync(fd);
    return stat.isFIFO() || stat.isSocket() || stat.isFile() ? fd : undefined;
  } catch {
    return undefined;
  }
}
