import { Option } from 'commander';
import { InputError, UsageError } from '../../core/errors.js';
import { integer, number } from '../../core/parse.js';
import { maxStreamEntries } from '../../corpus/budget.js';
import { withOutputs, type OutputJob } from '../../io/output.js';
import { DEFAULT_MAX_BIGRAMS, writePhrased, type PassReport } from '../../phrases/phrases.js';
import { DEFAULT_MIN_COUNT, DEFAULT_THRESHOLD, ENGLISH_CONNECTOR_WORDS, SCORER_NAMES, type ScorerName } from '../../phrases/scorers.js';
import { SEGMENTERS, type SegmenterName } from '../../text/segment.js';
import { TOKENIZERS, type TokenizerName } from '../../text/names.js';
import { note, type CliIO } from '../context.js';
import { loadCorpus } from '../input-options.js';
import { memoryOption } from '../memory.js';
import { parsedOption } from '../options.js';
import { addForceOption, checkOutput } from '../output-options.js';
import { makeProgress } from '../progress.js';
import type { RegisterCommand } from './index.js';

interface PhrasesFlags {
  output: string;
  scorer: ScorerName;
  threshold?: number;
  minCount: number;
  connectors: string;
  passes: number;
  maxBigrams: number;
  savePhrases?: string;
  csv?: boolean;
  textColumn: string;
  header?: boolean;
  tokenizer: TokenizerName;
  segmenter?: SegmenterName;
  keepCase?: boolean;
  memory?: number;
  quiet?: boolean;
  force?: boolean;
}

/** --connectors: english (gensim's ENGLISH_CONNECTOR_WORDS), none, or a comma-separated list. */
function connectorWords(value: string): readonly string[] {
  if (value === 'english') return ENGLISH_CONNECTOR_WORDS;
  if (value === 'none') return [];
  return value.split(',').map((w) => w.trim()).filter((w) => w !== '');
}

function summary(report: PassReport): string {
  const top = report.phrases.slice(0, 5).map((p) => p.phrase).join(', ');
  return (
    `wordspace: pass ${report.pass}: ${report.phrases.length.toLocaleString('en-US')} phrases among ${report.candidates.toLocaleString('en-US')} candidates, ` +
    `${report.joined.toLocaleString('en-US')} joined in the text${top ? ` (best: ${top})` : ''}` +
    (report.pruned > 0 ? `; ${report.pruned.toLocaleString('en-US')} rare candidates pruned at --max-bigrams` : '')
  );
}

export const registerPhrases: RegisterCommand = (program, io: CliIO) => {
  const command = program
    .command('phrases')
    .summary('rewrite a corpus with collocations joined (new_york)')
    .description(
      "Find collocations as gensim's Phrases does and rewrite the corpus with their tokens joined by _ (new_york,\n" +
        'bank_of_america): one line per sentence, the tokens as tokenized (lowercased unless --keep-case), separated by spaces.\n' +
        '--scorer default: (count(ab) − min-count) / (count(a) · count(b)) · vocab size (word2phrase); npmi: normalised PMI.\n' +
        'A candidate is a phrase when its score is above --threshold. --passes 2 joins phrases of the first pass again.',
    )
    .argument('[inputs...]', 'text files, .gz, CSV/TSV, a prepared corpus; - or nothing for standard input')
    .addOption(new Option('-o, --output <file>', 'the rewritten corpus (written atomically; - for standard output)').makeOptionMandatory())
    .addOption(new Option('--scorer <name>', 'default (word2phrase, gensim original_scorer) or npmi').choices(SCORER_NAMES).default('default'))
    .addOption(parsedOption('--threshold <x>', `a phrase scores above this (default: ${DEFAULT_THRESHOLD.default} for default, ${DEFAULT_THRESHOLD.npmi} for npmi)`, number('--threshold', -1)))
    .addOption(parsedOption('--min-count <n>', "gensim's min_count: subtracted from the pair's count by default, the least pair count for npmi", integer('--min-count', 1), DEFAULT_MIN_COUNT))
    .addOption(new Option('--connectors <words>', 'words allowed inside a phrase but not at its ends: english (a, an, the, for, of, with, without, at, from, to, in, on, by, and, or), none, or a comma-separated list').default('english'))
    .addOption(parsedOption('--passes <n>', 'passes of detection and rewriting (2 finds phrases of phrases: new_york_city)', integer('--passes', 1, 10), 1))
    .addOption(parsedOption('--max-bigrams <n>', "candidates counted before the rarest are pruned (gensim's max_vocab_size)", integer('--max-bigrams', 1), DEFAULT_MAX_BIGRAMS))
    .addOption(new Option('--save-phrases <file>', 'also write the phrases found: pass, phrase, count, score (TSV)'))
    .addOption(new Option('--csv', 'read the inputs as CSV/TSV even without a .csv/.tsv extension'))
    .addOption(new Option('--text-column <name|index>', 'CSV column holding the text (name or 1-based index)').default('text'))
    .addOption(new Option('--header', 'the first CSV row names the columns (default: yes, unless all its cells are numbers)'))
    .addOption(new Option('--no-header', 'the CSV has no header row'))
    .addOption(new Option('--tokenizer <name>', 'word: Unicode words (keeps _-joined tokens), whitespace: pre-tokenized text; char: characters').choices(TOKENIZERS).default('word'))
    .addOption(new Option('--segmenter <name>', 'how the word tokenizer cuts Chinese: jieba or icu').choices(SEGMENTERS))
    .addOption(new Option('--keep-case', 'do not lowercase'))
    .addOption(memoryOption())
    .addOption(new Option('-q, --quiet', 'no progress or summary on stderr'));
  addForceOption(command)
    .addHelpText('after', '\nExamples:\n  wordspace phrases corpus.txt -o phrased.txt\n  wordspace phrases corpus.txt --passes 2 --scorer npmi --threshold 0.5 -o phrased.txt\n  wordspace encode sgns phrased.txt -o sgns.vec')
    .action(async (inputs: string[], flags: PhrasesFlags) => {
      if (flags.threshold !== undefined && flags.scorer === 'default' && !(flags.threshold > 0)) {
        throw new UsageError(`--threshold must be positive with --scorer default, got ${flags.threshold}`, 'e.g. --threshold 10');
      }
      if (flags.threshold !== undefined && flags.scorer === 'npmi' && flags.threshold > 1) {
        throw new UsageError(`--threshold must be between -1 and 1 with --scorer npmi, got ${flags.threshold}`, 'e.g. --threshold 0.5');
      }
      const files = inputs.length > 0 ? inputs : ['-'];
      await checkOutput({ output: flags.output, inputs: files, force: flags.force });
      if (flags.savePhrases) await checkOutput({ output: flags.savePhrases, inputs: files, force: flags.force });
      const progress = makeProgress(io, flags.quiet === true);
      const started = Date.now();
      // Every token is kept (min-count 1): the rewrite must not lose words; --min-count is the scorer's.
      const corpus = await loadCorpus(files, { ...flags, minCount: 1, maxVocab: undefined, vocab: undefined, docs: undefined }, io, progress);
      const reports: PassReport[] = [];
      try {
        if (corpus.pruned) {
          throw new InputError(
            `the type table reached its share of --memory: ${corpus.pruned.types.toLocaleString('en-US')} rare types were pruned, and the rewritten corpus would lose their tokens`,
            'give a larger --memory',
          );
        }
        const options = {
          scorer: flags.scorer,
          threshold: flags.threshold,
          minCount: flags.minCount,
          connectors: connectorWords(flags.connectors),
          passes: flags.passes,
          maxBigrams: flags.maxBigrams,
          maxStreamEntries: flags.memory === undefined ? undefined : maxStreamEntries(flags.memory),
        };
        const jobs: OutputJob[] = [
          {
            path: flags.output,
            body: async (sink) => {
              await writePhrased(corpus.stream, corpus.vocab.words, options, (text) => sink.write(text), (report) => {
                reports.push(report);
                if (!flags.quiet) note(io, summary(report));
              });
            },
          },
        ];
        if (flags.savePhrases) {
          jobs.push({
            path: flags.savePhrases,
            body: async (sink) => {
              await sink.write('pass\tphrase\tcount\tscore\n');
              for (const r of reports) for (const p of r.phrases) await sink.write(`${r.pass}\t${p.phrase}\t${p.count}\t${p.score}\n`);
            },
          });
        }
        await withOutputs(jobs, io.stdout, { force: flags.force });
      } finally {
        corpus.stream.dispose();
      }
      if (!flags.quiet) {
        const seconds = (Date.now() - started) / 1000;
        const joined = reports.reduce((n, r) => n + r.joined, 0);
        note(io, `wordspace: ${corpus.tokensRead.toLocaleString('en-US')} tokens, ${corpus.stream.sentences.toLocaleString('en-US')} lines, ${joined.toLocaleString('en-US')} phrases joined in ${reports.length} pass${reports.length === 1 ? '' : 'es'}, ${seconds.toFixed(1)} s`);
      }
    });
};
