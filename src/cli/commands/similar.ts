import { Option } from 'commander';
import { integer } from '../../core/parse.js';
import { DEFAULT_TOP } from '../../core/vectors.js';
import { score } from '../../query/format.js';
import { loadVectors } from '../../query/load.js';
import { warn } from '../context.js';
import { parsedOption } from '../options.js';
import { defaultResultFormat, renderTables, RESULT_FORMATS, type ResultFormat, type ResultTable } from '../render.js';
import type { RegisterCommand } from './index.js';

interface SimilarOptions {
  top: number;
  restrict?: number;
  format?: ResultFormat;
}

export const VECTORS_ARGUMENT = 'word vectors: a file in any format wordspace writes (json, jsonl, csv, tsv, word2vec text or binary, GloVe), or - for standard input';

export const registerSimilar: RegisterCommand = (program, io) => {
  program
    .command('similar')
    .description('nearest neighbours of each word, by cosine similarity')
    .argument('<vectors>', VECTORS_ARGUMENT)
    .argument('<words...>', 'the query words')
    .addOption(parsedOption('-k, --top <n>', 'neighbours per word', integer('--top', 1), DEFAULT_TOP))
    .addOption(parsedOption('--restrict <n>', 'answer only from the first n rows (the most frequent words)', integer('--restrict', 1)))
    .addOption(new Option('--format <format>', 'output format (default: table on a terminal, tsv in a pipe)').choices(RESULT_FORMATS))
    .addHelpText('after', '\nExample:\n  wordspace encode cooc corpus.txt --weight ppmi -f mtx | wordspace similar - data model')
    .action(async (path: string, words: string[], options: SimilarOptions) => {
      const vectors = await loadVectors(path, { stdin: io.stdin, warn: (message) => warn(io, message) });
      for (const word of words) vectors.lookup(word); // every word checked before any output
      const format = options.format ?? defaultResultFormat(io);
      const forTable = format === 'table';
      const tables: ResultTable[] = words.map((word) => ({
        title: word,
        header: forTable ? ['rank', 'word', 'similarity'] : ['query', 'rank', 'word', 'similarity'],
        rows: vectors
          .nearest(word, options.top, options.restrict === undefined ? {} : { restrict: options.restrict })
          .map((n, r) => (forTable ? [r + 1, n.word, score(n.score, true)] : [word, r + 1, n.word, score(n.score, false)])),
      }));
      await renderTables(io, format, tables);
    });
};
