import { Option } from 'commander';
import { UsageError } from '../../core/errors.js';
import { COUNT_FORMATS, inferCountFormat, writeVocabularyCounts, type CountFormat } from '../../counts/write.js';
import { withOutput } from '../../io/output.js';
import { note, type CliIO } from '../context.js';
import { addInputOptions, describeInput, loadCorpus, type InputFlags } from '../input-options.js';
import { addForceOption, checkOutput } from '../output-options.js';
import { makeProgress } from '../progress.js';
import { defaultResultFormat, renderTables, RESULT_FORMATS, type ResultFormat } from '../render.js';
import type { RegisterCommand } from './index.js';

interface VocabFlags extends InputFlags {
  output?: string;
  format?: ResultFormat | CountFormat;
  force?: boolean;
}

export const registerVocab: RegisterCommand = (program, io: CliIO) => {
  const command = program
    .command('vocab')
    .summary('count tokens → vocabulary')
    .description('Count the tokens of the inputs and print the vocabulary as "word count", most frequent first.\n-o saves it in the word2vec/GloVe vocabulary format ("word count" per line), usable with --vocab (which also reads the TSV printed in a pipe).')
    .argument('[inputs...]', 'text files, .gz, CSV/TSV; - or nothing for standard input');
  addInputOptions(command, 1)
    .addOption(new Option('-o, --output <file>', 'save the vocabulary to this file ("word count" lines)'))
    .addOption(new Option('-f, --format <format>', 'how to print it: table on a terminal, tsv in a pipe; counts (binary) or counts-tsv (word<TAB>count, by word) for `wordspace merge`').choices([...RESULT_FORMATS, ...COUNT_FORMATS]));
  addForceOption(command)
    .action(async (inputs: string[], flags: VocabFlags) => {
      if (flags.dryRun) return (await import('../plan.js')).dryRunCorpus(inputs, flags, { command: 'vocab', format: flags.format, precision: 0 }, io);
      if (flags.output) await checkOutput({ output: flags.output, inputs: [...(inputs.length > 0 ? inputs : ['-']), flags.vocab], force: flags.force });
      const progress = makeProgress(io, flags.quiet === true);
      const corpus = await loadCorpus(inputs, flags, io, progress, false);
      corpus.stream.dispose(); // only the counts are used (a prepared corpus from stdin has a temporary copy)
      const { vocab } = corpus;
      const countFormat = COUNT_FORMATS.find((f) => f === flags.format) ?? (flags.output ? inferCountFormat(flags.output) : undefined);
      if (countFormat) {
        const output = flags.output ?? '-';
        if (countFormat === 'counts' && output === '-' && io.stdout.isTTY) throw new UsageError('refusing to write a binary count file to a terminal', 'give -o FILE, or pipe the output elsewhere');
        const settings = describeInput(flags, corpus);
        await withOutput(output, io.stdout, (sink) =>
          writeVocabularyCounts(sink, countFormat, { kind: 'vocab', tokenizer: settings.tokenizer as string, keepCase: settings.keepCase as boolean }, vocab),
        { force: flags.force });
      } else if (flags.output) {
        await withOutput(flags.output, io.stdout, async (sink) => {
          for (const line of vocab.lines()) await sink.write(line);
        }, { force: flags.force });
      } else {
        const rows = vocab.words.map((w, i) => [w, vocab.counts[i]!]);
        await renderTables(io, (flags.format as ResultFormat | undefined) ?? defaultResultFormat(io), [{ header: ['word', 'count'], rows }]);
      }
      if (!flags.quiet) {
        note(io, `wordspace: ${corpus.tokensRead.toLocaleString('en-US')} tokens, ${corpus.typesSeen.toLocaleString('en-US')} types, ${vocab.size.toLocaleString('en-US')} kept (${flags.vocab ? `fixed vocabulary${flags.minCount === undefined ? '' : `, min-count ${flags.minCount} on its counts`}` : `min-count ${flags.minCount}`})`);
      }
    });
};
