import { Command, Option } from 'commander';
import { InputError } from '../../core/errors.js';
import { DENSE_CELL_LIMIT, type Matrix } from '../../core/matrix.js';
import { ENCODER_CATALOG, type EncoderEntry } from '../../encoders/catalog.js';
import type { EncodeContext, Encoder, EncoderOptions } from '../../encoders/types.js';
import type { SegmenterName } from '../../text/segment.js';
import type { TokenizerName } from '../../text/tokenize.js';
import { excessDenseCells, FORMATS, inferFormat, type Format } from '../../io/formats/common.js';
import { DEFAULT_PRECISION, parsePrecision } from '../../io/formats/numbers.js';
import { COUNT_FORMATS, type CountFormat } from '../../counts/write.js';
import { note, warn, type CliIO } from '../context.js';
import { addInputOptions, describeInput, loadCorpus, type InputFlags } from '../input-options.js';
import { addAlias, refuseFlag } from '../flags.js';
import { cliParser, parsedOption } from '../options.js';
import { addForceOption, checkOutput, formatFromName, refuseBinaryOnTerminal } from '../output-options.js';
import { makeProgress } from '../progress.js';
import type { RegisterCommand } from './index.js';


interface OutputFlags {
  output: string;
  format?: Format | CountFormat;
  counts?: string;
  precision: number;
  force?: boolean;
}

/**
 * The output format: -f, else the output file's extension (`named`), else word2vec text for word vectors
 * (dense, no column labels: pipes straight into `similar`) and TSV for labelled matrices — or, for a
 * sparse matrix too big to print densely, Matrix Market (said on stderr), so that
 * `wordspace encode cooc big.txt | head` works without flags.
 */
function chooseFormat(named: Format | undefined, matrix: Matrix, warn: (message: string) => void): Format {
  if (named) return named;
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

/** Width of the alias list in --help. */
const HELP_WIDTH = 78;

function addEncoderOptions(command: Command, encoder: Encoder): void {
  const aliases: string[] = [];
  for (const spec of encoder.options) {
    const option = new Option(spec.flags, spec.description);
    if (spec.choices) option.choices(spec.choices);
    else if (spec.parse) option.argParser(cliParser(spec.parse));
    if (spec.default !== undefined) option.default(spec.default, spec.defaultDescription);
    command.addOption(option);
    for (const alias of spec.aliases ?? []) {
      addAlias(command, option, alias);
      aliases.push(`${alias} = ${option.long!}`);
    }
  }
  for (const [flag, hint] of Object.entries(encoder.refusedFlags ?? {})) refuseFlag(command, flag, hint);
  if (aliases.length > 0) {
    const lines = aliases.reduce<string[]>((out, a) => {
      const last = out.length - 1;
      if (last >= 0 && out[last]!.length + a.length + 2 <= HELP_WIDTH) out[last] += `, ${a}`;
      else out.push(`  ${a}`);
      return out;
    }, []);
    command.addHelpText('after', `\nAlso accepted, as the word2vec, GloVe and fastText spellings (with two dashes):\n${lines.join(',\n')}`);
  }
}

function addOutputOptions(command: Command, encoder: Encoder): void {
  const counts = encoder.input === 'corpus' && encoder.countsOutput;
  command
    .addOption(new Option('-o, --output <file>', 'write the matrix here (atomically; - is standard output)').default('-'))
    .addOption(
      new Option(
        '-f, --format <format>',
        `output format (default: from the file extension; else text for word vectors, tsv for labelled matrices)${counts ? '; counts/counts-tsv: the raw pair counts for `wordspace merge` and --counts' : ''}`,
      ).choices(counts ? [...FORMATS, ...COUNT_FORMATS] : FORMATS),
    )
    .addOption(parsedOption('--precision <digits>', 'decimal places in text formats (trailing zeros dropped)', parsePrecision, DEFAULT_PRECISION));
  addForceOption(command);
}

/** Keys that are about input/output, not the encoder; everything else is the encoder's. */
const SHELL_KEYS = new Set(['dryRun', 'planFormat', 'output', 'format', 'counts', 'precision', 'force', 'quiet', 'csv', 'textColumn', 'header', 'docs', 'tokenizer', 'keepCase', 'minCount', 'maxVocab', 'vocab', 'memory']);

async function runEncoder(encoder: Encoder, inputs: string[], flags: InputFlags & OutputFlags & EncoderOptions, io: CliIO): Promise<void> {
  if (flags.dryRun && encoder.input === 'corpus') {
    const { dryRunCorpus } = await import('../plan.js');
    const format = (flags.format as string | undefined) ?? (flags.output !== '-' ? inferFormat(flags.output) : undefined);
    const number = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
    const method = encoder.name === 'autoencoder' && flags.input !== 'cooc' ? 'autoencoder-doc' : encoder.name;
    return dryRunCorpus(inputs, flags, { command: 'encode', method, window: number(flags.window), dim: number(flags.dim), epochs: number(flags.epochs), format, precision: flags.precision, integerValues: flags.weight === 'count' && flags.distanceWeighting === 'none' }, io);
  }
  // Loaded when a method runs, not at start-up (DESIGN.md: the command line starts in node's time).
  const [{ encode, optionKey }, { readTable }, { fastTextModelOf, writeFastTextFile, writeMatrixFile }, { checkCountOutput, countOutputFormat, countsCorpus, writePairCounts }] = await Promise.all([
    import('../../encoders/encode.js'),
    import('../../io/table.js'),
    import('../../io/formats/index.js'),
    import('../counts.js'),
  ]);
  const countFormat = countOutputFormat(encoder, flags);
  refuseBinaryOnTerminal(flags.output, countFormat === 'counts' ? 'binary' : (flags.format as Format | undefined), io);
  const corpusInputs = flags.counts ? [flags.counts] : inputs.length > 0 ? inputs : ['-'];
  const reads = encoder.input === 'table' ? inputs : [...corpusInputs, flags.vocab, typeof flags.init === 'string' ? flags.init : undefined];
  const target = await checkOutput({ output: flags.output, inputs: reads, force: flags.force, ...(flags.format === 'projector' ? { format: 'projector' as const } : {}) });
  const named = countFormat ? undefined : ((flags.format as Format | undefined) ?? formatFromName(flags.output, target, '-f'));
  if (named) await checkOutput({ output: flags.output, inputs: reads, force: flags.force, format: named });
  const progress = makeProgress(io, flags.quiet === true);
  const context: EncodeContext = { progress, warn: (m: string) => warn(io, m), memory: flags.memory, note: flags.quiet ? undefined : (m: string) => note(io, `wordspace: ${m}`) };
  const options: EncoderOptions = {};
  const encoderKeys = new Set(encoder.options.map(optionKey));
  for (const [key, value] of Object.entries(flags)) if (!SHELL_KEYS.has(key) && encoderKeys.has(key)) options[key] = value;
  const started = Date.now();
  let matrix: Matrix;
  let summary: string;
  let wordsProcessed = 0;
  if (encoder.input === 'table') {
    if (inputs.length !== 1) throw new InputError(`encode ${encoder.name} reads exactly one table, got ${inputs.length}`, 'give one CSV/TSV file (or - for standard input)');
    const table = await readTable(inputs[0]!, { stdin: io.stdin, warn: (m) => warn(io, m), header: flags.header });
    matrix = await encode(encoder, table, { ...options, idColumn: flags.idColumn }, context);
    summary = `${table.rows.length} items`;
  } else {
    if (countFormat) checkCountOutput(options);
    const corpus = flags.counts ? await countsCorpus(encoder, flags.counts, inputs, options) : await loadCorpus(inputs, flags, io, progress);
    const read = describeInput(flags, corpus);
    context.tokenizer = { tokenizer: read.tokenizer as TokenizerName, keepCase: read.keepCase === true, ...(read.segmenter ? { segmenter: read.segmenter as SegmenterName } : {}) };
    try {
      matrix = await encode(encoder, corpus, options, context);
    } finally {
      corpus.stream.dispose(); // a spilled stream's temporary files
    }
    matrix.meta.options = { ...(flags.counts ? { counts: flags.counts } : describeInput(flags, corpus)), ...matrix.meta.options };
    if (countFormat) {
      const pairs = await writePairCounts(matrix, corpus, countFormat, { output: flags.output, force: flags.force, ...describeInput(flags, corpus) }, options, io);
      if (!flags.quiet) note(io, `wordspace: ${encoder.name}: ${corpus.tokensRead.toLocaleString('en-US')} tokens, vocabulary ${corpus.vocab.size.toLocaleString('en-US')} → ${pairs.toLocaleString('en-US')} pairs (${countFormat}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return;
    }
    matrix.meta.vocabularySize = corpus.vocab.size;
    summary = `${corpus.tokensRead.toLocaleString('en-US')} tokens, vocabulary ${corpus.vocab.size.toLocaleString('en-US')}`;
    // Words/s as the reference tools count it: corpus tokens × passes over them / wall time.
    wordsProcessed = corpus.tokensRead * (typeof options.epochs === 'number' ? options.epochs : 1);
  }
  const format = chooseFormat(named, matrix, context.warn);
  // `-o X.bin` of a method that trained a fastText model (encode fasttext) writes that model; -f overrides.
  const model = flags.format === undefined && format === 'binary' ? fastTextModelOf(matrix) : undefined;
  if (model) await writeFastTextFile(model, flags.output, io.stdout, { force: flags.force });
  else {
    refuseHugeDense(matrix, format);
    await writeMatrixFile(matrix, flags.output, format, io.stdout, { precision: flags.precision, warn: context.warn, force: flags.force });
  }
  if (!flags.quiet) {
    const seconds = (Date.now() - started) / 1000;
    const rate = wordsProcessed > 0 && seconds > 0 ? `, ${Math.round(wordsProcessed / seconds).toLocaleString('en-US')} words/s` : '';
    note(io, `wordspace: ${encoder.name}: ${summary} → ${matrix.nRows.toLocaleString('en-US')} × ${matrix.nCols.toLocaleString('en-US')} ${matrix.kind} matrix (${model ? "fastText .bin model" : format}) in ${seconds.toFixed(1)} s${rate}`);
  }
}

export const registerEncode: RegisterCommand = (program, io) => {
  const encode = program
    .command('encode')
    .summary('corpus (or feature table) → matrix')
    .description('Encode a corpus (or a feature table) as a matrix with the chosen method.\nRun `wordspace encode <method> --help` for the options of a method.');
  // Each method registers from the catalog (name, summary, input); the encoder itself loads when
  // `encode <method>` is dispatched (its --help included), and then adds its options and action.
  const entries = new Map<Command, EncoderEntry>();
  for (const entry of ENCODER_CATALOG) {
    const command = encode
      .command(entry.name)
      .summary(entry.summary)
      .description(entry.summary);
    entries.set(command, entry);
    if (entry.input === 'table') {
      command
        .argument('<table>', 'CSV/TSV of items × features (first column: the item, unless --id-column); - for standard input')
        .addOption(new Option('--id-column <name|index>', 'column naming the items (default: the first)'))
        .addOption(new Option('--header', 'the first row names the columns (default: yes, unless all its cells are numbers)'))
        .addOption(new Option('--no-header', 'the table has no header row: columns are numbered 1, 2, …'))
        .addOption(new Option('-q, --quiet', 'no summary on stderr'));
    } else {
      command.argument('[inputs...]', 'text files, .gz, CSV/TSV; - or nothing for standard input');
      addInputOptions(command, entry.defaultMinCount);
    }
  }
  encode.hook('preSubcommand', async (_encode, command) => {
    const entry = entries.get(command);
    if (!entry) return;
    entries.delete(command);
    const encoder = await entry.load();
    addEncoderOptions(command, encoder);
    if (encoder.input === 'corpus' && encoder.countsInput) {
      command.addOption(new Option('--counts <file>', 'start from merged co-occurrence counts (encode cooc -f counts, wordspace merge) instead of a corpus'));
    }
    addOutputOptions(command, encoder);
    command.action(async (inputs: string[] | string, flags: InputFlags & OutputFlags & EncoderOptions) => {
      await runEncoder(encoder, Array.isArray(inputs) ? inputs : [inputs], flags, io);
    });
  });
};
