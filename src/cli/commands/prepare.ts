import { Option } from 'commander';
import { UsageError } from '../../core/errors.js';
import { writePrepared, type PreparedSettings } from '../../corpus/prepared.js';
import { withOutput } from '../../io/output.js';
import { note, type CliIO } from '../context.js';
import { addInputOptions, loadCorpus, type InputFlags } from '../input-options.js';
import { addForceOption, checkOutput } from '../output-options.js';
import { makeProgress } from '../progress.js';
import type { RegisterCommand } from './index.js';

interface PrepareFlags extends InputFlags {
  output: string;
  force?: boolean;
}

export const registerPrepare: RegisterCommand = (program, io: CliIO) => {
  const command = program
    .command('prepare')
    .summary('tokenize once → a compact binary corpus every command reads')
    .description(
      'Tokenize the inputs once and save them as a prepared corpus: the vocabulary with its counts, the token ids,\n' +
        'sentence and document boundaries, document labels, the tokenizer settings and a checksum.\n' +
        'Every command that takes a corpus (vocab, encode <method>) accepts the file in place of text, also on\n' +
        'standard input, and gives the same results; each applies its own --min-count, --max-vocab or --vocab.',
    )
    .argument('[inputs...]', 'text files, .gz, CSV/TSV; - or nothing for standard input');
  addInputOptions(command, 1)
    .addOption(new Option('-o, --output <file>', 'the prepared corpus to write (atomically; - is standard output, not a terminal)').makeOptionMandatory())
  addForceOption(command)
    .addHelpText('after', '\nExamples:\n  wordspace prepare corpus.txt -o corpus.wsc\n  wordspace encode sgns corpus.wsc -o sgns.vec\n  wordspace encode cooc corpus.wsc --weight ppmi --dim 100 -o ppmi.vec')
    .action(async (inputs: string[], flags: PrepareFlags) => {
      if (flags.dryRun) return (await import('../plan.js')).dryRunCorpus(inputs, flags, { command: 'prepare', precision: 0 }, io);
      if (flags.output === '-' && io.stdout.isTTY) {
        throw new UsageError('refusing to write a prepared corpus (binary) to a terminal', 'give -o FILE, or pipe the output elsewhere');
      }
      await checkOutput({ output: flags.output, inputs: [...(inputs.length > 0 ? inputs : ['-']), flags.vocab], force: flags.force });
      const progress = makeProgress(io, flags.quiet === true);
      const started = Date.now();
      const corpus = await loadCorpus(inputs, flags, io, progress);
      const settings: PreparedSettings = corpus.prepared
        ? { ...corpus.prepared, minCount: Math.max(flags.minCount ?? 1, corpus.prepared.minCount), maxVocab: flags.maxVocab ?? corpus.prepared.maxVocab, vocabFile: flags.vocab ?? corpus.prepared.vocabFile }
        : {
            tokenizer: flags.tokenizer,
            keepCase: flags.keepCase === true,
            docs: flags.docs,
            textColumn: flags.csv || flags.docs === 'row' ? flags.textColumn : undefined,
            minCount: flags.vocab ? 1 : (flags.minCount ?? 1),
            maxVocab: flags.maxVocab,
            vocabFile: flags.vocab,
          };
      let bytes = 0;
      try {
        await withOutput(flags.output, io.stdout, async (sink) => {
          bytes = await writePrepared(corpus, settings, (chunk) => sink.write(chunk));
        }, { force: flags.force });
      } finally {
        corpus.stream.dispose();
      }
      if (!flags.quiet) {
        const seconds = (Date.now() - started) / 1000;
        note(
          io,
          `wordspace: prepared ${corpus.tokensRead.toLocaleString('en-US')} tokens, ${corpus.stream.tokens.toLocaleString('en-US')} kept, vocabulary ${corpus.vocab.size.toLocaleString('en-US')}, ` +
            `${corpus.stream.sentences.toLocaleString('en-US')} sentences, ${(corpus.docStarts.length - 1).toLocaleString('en-US')} documents → ${(bytes / 1e6).toFixed(1)} MB in ${seconds.toFixed(1)} s`,
        );
      }
    });
};
