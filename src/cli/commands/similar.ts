import { Option } from 'commander';
import { integer } from '../../core/parse.js';
import { DEFAULT_TOP } from '../../core/vectors.js';
import { score } from '../../query/format.js';
import { WordspaceError } from '../../core/errors.js';
import type { WordVectors } from '../../core/vectors.js';
import { resolveWord, type QueryCase } from '../../query/fold.js';
import { errorLine, ReportedError, warn, type CliIO } from '../context.js';
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
    .addHelpText('after', '\nQuery words are lowercased when the vectors were (their metadata says keepCase: false; without\nmetadata, a word missing as typed is tried lowercased). An unknown word gets its error line and the\nothers their rows; the exit status is then 1.')
    .addHelpText('after', '\nExample:\n  wordspace encode cooc corpus.txt --weight ppmi -f mtx | wordspace similar - data model')
    .action(async (path: string, words: string[], options: SimilarOptions) => {
      const { loadQueryVectors, answerRestrict } = await import('../../query/load.js');
      const loaded = await loadQueryVectors(path, { stdin: io.stdin, warn: (message) => warn(io, message), queries: words });
      const { vectors, caseMode } = loaded;
      const rows = resolveQueryWords(io, vectors, words, caseMode);
      const format = options.format ?? defaultResultFormat(io);
      const forTable = format === 'table';
      const tables: ResultTable[] = [];
      words.forEach((word, q) => {
        const row = rows[q];
        if (row === undefined) return;
        tables.push({
          title: word,
          header: forTable ? ['rank', 'word', 'similarity'] : ['query', 'rank', 'word', 'similarity'],
          rows: vectors
            .nearest(row, options.top, answerRestrict(loaded, options.restrict))
            .map((n, r) => (forTable ? [r + 1, n.word, score(n.score, true)] : [word, r + 1, n.word, score(n.score, false)])),
        });
      });
      if (tables.length > 0) await renderTables(io, format, tables);
      const missing = rows.filter((r) => r === undefined).length;
      if (missing > 0) throw new ReportedError(`${missing} of ${words.length} query words not in the vectors`);
    });
};

/**
 * The row label of each query word, folded as the vectors were built (see query/fold.ts); an unknown
 * word gets its error line (with suggestions) here and `undefined`, so the others still get answers.
 */
export function resolveQueryWords(io: CliIO, vectors: WordVectors, words: string[], caseMode: QueryCase): (string | undefined)[] {
  return words.map((word) => {
    try {
      return resolveWord(vectors, word, caseMode);
    } catch (err) {
      if (!(err instanceof WordspaceError)) throw err;
      io.stderr.write(errorLine(err.message, err.hint));
      return undefined;
    }
  });
}
