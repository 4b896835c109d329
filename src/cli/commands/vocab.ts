import { Option } from 'commander';
import { withOutput } from '../../io/output.js';
import { note, type CliIO } from '../context.js';
import { addInputOptions, loadCorpus, type InputFlags } from '../input-options.js';
import { addForceOption, checkOutput } from '../output-options.js';
import { makeProgress } from '../progress.js';
import { defaultResultFormat, renderTables, RESULT_FORMATS, type ResultFormat } from '../render.js';
import type { RegisterCommand } from './index.js';

interface VocabFlags extends InputFlags {
  output?: string;
  format?: ResultFormat;
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
    .addOption(new Option('-f, --format <format>', 'how to print it: table on a terminal, tsv in a pipe').choices(RESULT_FORMATS));
  addForceOption(command)
    .action(async (inputs: string[], flags: VocabFlags) => {
      if (flags.output) await checkOutput({ output: flags.output, inputs: [...(inputs.length > 0 ? inputs : ['-']), flags.vocab], force: flags.force });
      const progress = makeProgress(io, flags.quiet === true);
      const corpus = await loadCorpus(inputs, flags, io, progress, false);
      const { vocab } = corpus;
      if (flags.output) {
        await withOutput(flags.output, io.stdout, async (sink) => {
          for (const line of vocab.lines()) await sink.write(line);
        }, { force: flags.force });
      } else {
        const rows = vocab.words.map((w, i) => [w, vocab.counts[i]!]);
        await renderTables(io, flags.format ?? defaultResultFormat(io), [{ header: ['word', 'count'], rows }]);
      }
      if (!flags.quiet) {
        note(io, `wordspace: ${corpus.tokensRead.toLocaleString('en-US')} tokens, ${corpus.typesSeen.toLocaleString('en-US')} types, ${vocab.size.toLocaleString('en-US')} kept (${flags.vocab ? `fixed vocabulary${flags.minCount === undefined ? '' : `, min-count ${flags.minCount} on its counts`}` : `min-count ${flags.minCount}`})`);
      }
    });
};
