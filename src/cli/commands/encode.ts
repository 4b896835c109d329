import { Command, Option } from 'commander';
import { InputError } from '../../core/errors.js';
import { DENSE_CELL_LIMIT, type Matrix } from '../../core/matrix.js';
import { encode, optionKey } from '../../encoders/encode.js';
import { encoders } from '../../encoders/registry.js';
import type { Encoder, EncoderOptions } from '../../encoders/types.js';
import { excessDenseCells } from '../../io/formats/common.js';
import { FORMATS, inferFormat, writeMatrixFile, type Format } from '../../io/formats/index.js';
import { DEFAULT_PRECISION, parsePrecision } from '../../io/formats/numbers.js';
import { checkOutputPath } from '../../io/output.js';
import { readTable } from '../../io/table.js';
import { note, warn, type CliIO } from '../context.js';
import { addInputOptions, describeInput, loadCorpus, type InputFlags } from '../input-options.js';
import { cliParser, parsedOption } from '../options.js';
import { makeProgress } from '../progress.js';
import type { RegisterCommand } from './index.js';


interface OutputFlags {
  output: string;
  format?: Format;
  precision: number;
}

/**
 * The output format: -f, else the output file's extension, else word2vec text for word vectors
 * (dense, no column labels: pipes straight into `similar`) and TSV for labelled matrices — or, for a
 * sparse matrix too big to print densely, Matrix Market (said on stderr), so that
 * `wordspace encode cooc big.txt | head` works without flags.
 */
function chooseFormat(flags: OutputFlags, matrix: Matrix, warn: (message: string) => void): Format {
  if (flags.format) return flags.format;
  if (flags.output !== '-') {
    const inferred = inferFormat(flags.output);
    if (inferred) return inferred;
  }
  if (matrix.kind === 'dense') return matrix.columns === null ? 'text' : 'tsv';
  const cells = excessDenseCells(matrix, 'tsv');
  if (cells > 0) {
    warn(`writing the sparse matrix as mtx: as TSV it would have ${cells.toExponential(2)} cells (choose with -f)`);
    return 'mtx';
  }
  return 'tsv';
}

/**
 * Refuse a dense output that would be enormous, before writing, with encode's own alternatives
 * (the writers' guard, which this shares, knows nothing of --max-vocab or --dim).
 */
function refuseHugeDense(matrix: Matrix, format: Format): void {
  const cells = excessDenseCells(matrix, format);
  if (cells > 0) {
    throw new InputError(
      `a dense ${format} output would have ${matrix.nRows.toLocaleString('en-US')} × ${matrix.nCols.toLocaleString('en-US')} = ${cells.toExponential(2)} cells, over the limit of ${DENSE_CELL_LIMIT.toExponential(0)}`,
      'write it sparse with -f mtx or -f jsonl, or shrink it with --max-vocab, --min-count or --dim',
    );
  }
}

function addEncoderOptions(command: Command, encoder: Encoder): void {
  for (const spec of encoder.options) {
    const option = new Option(spec.flags, spec.description);
    if (spec.choices) option.choices(spec.choices);
    else if (spec.parse) option.argParser(cliParser(spec.parse));
    if (spec.default !== undefined) option.default(spec.default);
    command.addOption(option);
  }
}

function addOutputOptions(command: Command): void {
  command
    .addOption(new Option('-o, --output <file>', 'write the matrix here (atomically; - is standard output)').default('-'))
    .addOption(new Option('-f, --format <format>', 'output format (default: from the file extension; else text for word vectors, tsv for labelled matrices)').choices(FORMATS))
    .addOption(parsedOption('--precision <digits>', 'decimal places in text formats (trailing zeros dropped)', parsePrecision, DEFAULT_PRECISION));
}

/** Keys that are about input/output, not the encoder; everything else is the encoder's. */
const SHELL_KEYS = new Set(['output', 'format', 'precision', 'quiet', 'csv', 'textColumn', 'docs', 'tokenizer', 'keepCase', 'minCount', 'maxVocab', 'vocab']);

async function runEncoder(encoder: Encoder, inputs: string[], flags: InputFlags & OutputFlags & EncoderOptions, io: CliIO): Promise<void> {
  await checkOutputPath(flags.output);
  const progress = makeProgress(io, flags.quiet === true);
  const context = { progress, warn: (m: string) => warn(io, m) };
  const options: EncoderOptions = {};
  const encoderKeys = new Set(encoder.options.map(optionKey));
  for (const [key, value] of Object.entries(flags)) if (!SHELL_KEYS.has(key) && encoderKeys.has(key)) options[key] = value;
  const started = Date.now();
  let matrix: Matrix;
  let summary: string;
  let wordsProcessed = 0;
  if (encoder.input === 'table') {
    if (inputs.length !== 1) throw new InputError(`encode ${encoder.name} reads exactly one table, got ${inputs.length}`, 'give one CSV/TSV file (or - for standard input)');
    const table = await readTable(inputs[0]!, { stdin: io.stdin, warn: (m) => warn(io, m) });
    matrix = await encode(encoder, table, { ...options, idColumn: flags.idColumn }, context);
    summary = `${table.rows.length} items`;
  } else {
    const corpus = await loadCorpus(inputs, flags, io, progress);
    matrix = await encode(encoder, corpus, options, context);
    matrix.meta.options = { ...describeInput(flags), ...matrix.meta.options };
    matrix.meta.vocabularySize = corpus.vocab.size;
    summary = `${corpus.tokensRead.toLocaleString('en-US')} tokens, vocabulary ${corpus.vocab.size.toLocaleString('en-US')}`;
    // Words/s as the reference tools count it: corpus tokens × passes over them / wall time.
    wordsProcessed = corpus.tokensRead * (typeof options.epochs === 'number' ? options.epochs : 1);
  }
  const format = chooseFormat(flags, matrix, context.warn);
  refuseHugeDense(matrix, format);
  await writeMatrixFile(matrix, flags.output, format, io.stdout, { precision: flags.precision, warn: context.warn });
  if (!flags.quiet) {
    const seconds = (Date.now() - started) / 1000;
    const rate = wordsProcessed > 0 && seconds > 0 ? `, ${Math.round(wordsProcessed / seconds).toLocaleString('en-US')} words/s` : '';
    note(io, `wordspace: ${encoder.name}: ${summary} → ${matrix.nRows.toLocaleString('en-US')} × ${matrix.nCols.toLocaleString('en-US')} ${matrix.kind} matrix (${format}) in ${seconds.toFixed(1)} s${rate}`);
  }
}

export const registerEncode: RegisterCommand = (program, io) => {
  const encode = program
    .command('encode')
    .summary('corpus (or feature table) → matrix')
    .description('Encode a corpus (or a feature table) as a matrix with the chosen method.\nRun `wordspace encode <method> --help` for the options of a method.');
  for (const encoder of encoders()) {
    const command = encode
      .command(encoder.name)
      .summary(encoder.summary)
      .description(encoder.summary);
    if (encoder.input === 'table') {
      command
        .argument('<table>', 'CSV/TSV of items × features (first column: the item, unless --id-column); - for standard input')
        .addOption(new Option('--id-column <name|index>', 'column naming the items (default: the first)'))
        .addOption(new Option('-q, --quiet', 'no summary on stderr'));
    } else {
      command.argument('[inputs...]', 'text files, .gz, CSV/TSV; - or nothing for standard input');
      addInputOptions(command, encoder.defaultMinCount);
    }
    addEncoderOptions(command, encoder);
    addOutputOptions(command);
    command.action(async (inputs: string[] | string, flags: InputFlags & OutputFlags & EncoderOptions) => {
      await runEncoder(encoder, Array.isArray(inputs) ? inputs : [inputs], flags, io);
    });
  }
};
