import { Option } from 'commander';
import { UsageError } from '../../core/errors.js';
import { FORMATS, inferFormat, type Format } from '../../io/formats/common.js';
import { DEFAULT_PRECISION, parsePrecision } from '../../io/formats/numbers.js';
import { warn } from '../context.js';
import { parsedOption } from '../options.js';
import { addForceOption, checkOutput, refuseBinaryOnTerminal } from '../output-options.js';
import type { RegisterCommand } from './index.js';

interface ConvertOptions {
  from?: Format;
  to?: Format;
  precision: number;
  force?: boolean;
}

/** The output format: --to, else the output file's extension. */
function outputFormat(output: string, to: Format | undefined): Format {
  if (to) return to;
  const inferred = output === '-' ? undefined : inferFormat(output);
  if (inferred) return inferred;
  const what = output === '-' ? 'standard output' : `${output} (its extension names no format)`;
  throw new UsageError(`cannot tell the output format of ${what}`, `give --to, one of ${FORMATS.join(', ')}`);
}

export const registerConvert: RegisterCommand = (program, io) => {
  const command = program
    .command('convert')
    .description('convert vectors or a matrix between formats: json, jsonl, csv, tsv, text (word2vec/GloVe), binary (word2vec), mtx (Matrix Market), npy (NumPy, labels in X.rows.txt), projector (TensorBoard, a directory)')
    .argument('<input>', 'file to read (any format, gzipped or not); - for standard input')
    .argument('<output>', 'file to write (atomically; a .gz name is gzipped); - for standard output')
    .addOption(new Option('--from <format>', 'input format (default: from the extension, else from the content)').choices(FORMATS))
    .addOption(new Option('--to <format>', 'output format (default: from the output extension)').choices(FORMATS))
    .addOption(parsedOption('--precision <digits>', 'decimal places in text formats (trailing zeros dropped)', parsePrecision, DEFAULT_PRECISION))
    .addHelpText(
      'after',
      '\nExamples:\n  wordspace convert vectors.bin vectors.txt\n  wordspace convert cooc.mtx - --to jsonl | head\n  zcat glove.6B.50d.txt.gz | wordspace convert - glove.bin',
    );
  addForceOption(command)
    .action(async (input: string, output: string, options: ConvertOptions) => {
      const format = outputFormat(output, options.to);
      refuseBinaryOnTerminal(output, format, io);
      await checkOutput({ output, inputs: [input], force: options.force, format });
      const report = (message: string): void => warn(io, message);
      const { readMatrix, writeMatrixFile } = await import('../../io/formats/index.js');
      const matrix = await readMatrix(input, { stdin: io.stdin, warn: report, ...(options.from ? { format: options.from } : {}) });
      await writeMatrixFile(matrix, output, format, io.stdout, { precision: options.precision, warn: report, force: options.force });
    });
};
