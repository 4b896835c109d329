import { Option } from 'commander';
import { integer } from '../../core/parse.js';
import { DEFAULT_TOP } from '../../core/vectors.js';
import { score } from '../../query/format.js';
import { InputError, UsageError, WordspaceError } from '../../core/errors.js';
import type { WordVectors } from '../../core/vectors.js';
import { resolveWord, type QueryCase } from '../../query/fold.js';
import { errorLine, ReportedError, warn, type CliIO } from '../context.js';
import { parsedOption } from '../options.js';
import { similarTable } from '../quick-similar.js';
import { defaultResultFormat, renderTables, RESULT_FORMATS, type ResultFormat, type ResultTable } from '../render.js';
import type { RegisterCommand } from './index.js';

interface SimilarOptions {
  text?: string;
  model?: string;
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
    .argument('[words...]', 'the query words (document ids, for document vectors)')
    .addOption(new Option('--text <text>', 'instead of query words: the documents nearest to this new text (- reads it from standard input), embedded with the document model'))
    .addOption(new Option('--model <file>', 'the document model for --text (`encode docvec --save-model`); default: the one the vectors\' metadata names (meta.options.model)'))
    .addOption(parsedOption('-k, --top <n>', 'neighbours per word', integer('--top', 1), DEFAULT_TOP))
    .addOption(parsedOption('--restrict <n>', 'answer only from the first n rows (the most frequent words)', integer('--restrict', 1)))
    .addOption(new Option('--format <format>', 'output format (default: table on a terminal, tsv in a pipe)').choices(RESULT_FORMATS))
    .addHelpText('after', '\nQuery words are lowercased when the vectors were (their metadata says keepCase: false; without\nmetadata, a word missing as typed is tried lowercased). An unknown word gets its error line and the\nothers their rows; the exit status is then 1.')
    .addHelpText('after', '\nExamples:\n  wordspace encode cooc corpus.txt --weight ppmi -f mtx | wordspace similar - data model\n  wordspace encode docvec reviews.csv --text-column text --id-column id --method pv-dbow --save-model m.wsdv -o docs.vec\n  echo "a gripping thriller" | wordspace similar docs.vec --text -')
    .action(async (path: string, words: string[], options: SimilarOptions) => {
      if (options.text !== undefined) return similarToText(io, path, words, options);
      if (words.length === 0) throw new UsageError('no query words', 'give words (or document ids) after the vectors, or --text');
      const { loadQueryVectors, answerRestrict } = await import('../../query/load.js');
      const loaded = await loadQueryVectors(path, { stdin: io.stdin, warn: (message) => warn(io, message), queries: words });
      const { vectors, caseMode } = loaded;
      const rows = resolveQueryWords(io, vectors, words, caseMode);
      const format = options.format ?? defaultResultFormat(io);
      const tables: ResultTable[] = [];
      words.forEach((word, q) => {
        const row = rows[q];
        if (row === undefined) return;
        tables.push(similarTable(word, vectors.nearest(row, options.top, answerRestrict(loaded, options.restrict)), format));
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

async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks).toString('utf8');
}

/** `similar DOCVECS --text …`: embed a new text with the document model, then its nearest rows. */
async function similarToText(io: CliIO, path: string, words: string[], options: SimilarOptions): Promise<void> {
  if (words.length > 0) throw new UsageError(`--text and query words (${words[0]}) together`, 'give either document ids or --text, not both');
  if (options.text === '-' && path === '-') throw new UsageError('--text - and the vectors both from standard input', 'give the vectors as a file');
  const [{ loadQueryVectors, answerRestrict }, { embedDocuments, loadModel, textDocument }] = await Promise.all([
    import('../../query/load.js'),
    import('../../encoders/docvec/model.js'),
  ]);
  const loaded = await loadQueryVectors(path, { stdin: io.stdin, warn: (message) => warn(io, message) });
  const recorded = loaded.meta.options?.model;
  const modelPath = options.model ?? (typeof recorded === 'string' ? recorded : undefined);
  if (modelPath === undefined) throw new UsageError(`--text needs the document model, and ${path === '-' ? 'the vectors' : path} name none`, 'give --model FILE, or encode the documents with --save-model FILE');
  const model = await loadModel(modelPath);
  if (model.dim !== loaded.vectors.dim) throw new InputError(`the model ${modelPath} makes ${model.dim}-dimensional vectors, ${path} has ${loaded.vectors.dim}`, 'give the model the vectors were encoded with (--model)');
  const text = options.text === '-' ? await readStdin(io.stdin) : options.text!;
  const { documents } = textDocument(model, text);
  const { data, empty } = await embedDocuments(model, documents);
  if (empty > 0) throw new InputError(text.trim() === '' ? 'the --text is empty' : 'none of the words of the --text is in the model\'s vocabulary', 'give a longer text in the language of the documents');
  const format = options.format ?? defaultResultFormat(io);
  const forTable = format === 'table';
  const title = options.text === '-' ? '(standard input)' : 'text';
  await renderTables(io, format, [{
    title,
    header: forTable ? ['rank', 'document', 'similarity'] : ['query', 'rank', 'document', 'similarity'],
    rows: loaded.vectors
      .nearest(data, options.top, answerRestrict(loaded, options.restrict))
      .map((n, r) => (forTable ? [r + 1, n.word, score(n.score, true)] : [title, r + 1, n.word, score(n.score, false)])),
  }]);
}
