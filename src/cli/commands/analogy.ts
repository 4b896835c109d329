import { Option } from 'commander';
import { integer } from '../../core/parse.js';
import { ANALOGY_METHODS, DEFAULT_TOP, type AnalogyMethod } from '../../core/vectors.js';
import { METHOD_NAMES, score } from '../../query/format.js';
import { ReportedError, warn } from '../context.js';
import { parsedOption } from '../options.js';
import { defaultResultFormat, renderTables, RESULT_FORMATS, type ResultFormat } from '../render.js';
import type { RegisterCommand } from './index.js';
import { resolveQueryWords, VECTORS_ARGUMENT } from './similar.js';

interface AnalogyOptions {
  top: number;
  method: AnalogyMethod;
  restrict?: number;
  format?: ResultFormat;
}

export const registerAnalogy: RegisterCommand = (program, io) => {
  program
    .command('analogy')
    .description('"a is to b as c is to ?": the words closest to b − a + c (3CosAdd) or by 3CosMul')
    .argument('<vectors>', VECTORS_ARGUMENT)
    .argument('<a>', 'a')
    .argument('<b>', 'is to b')
    .argument('<c>', 'as c is to ?')
    .addOption(parsedOption('-k, --top <n>', 'answers to show', integer('--top', 1), DEFAULT_TOP))
    .addOption(new Option('--method <method>', 'add: 3CosAdd (Mikolov et al. 2013); mul: 3CosMul (Levy & Goldberg 2014)').choices(ANALOGY_METHODS).default('add'))
    .addOption(parsedOption('--restrict <n>', 'answer only from the first n rows (the most frequent words)', integer('--restrict', 1)))
    .addOption(new Option('--format <format>', 'output format (default: table on a terminal, tsv in a pipe)').choices(RESULT_FORMATS))
    .addHelpText('after', '\nExample:\n  wordspace analogy vectors.txt man king woman      # → queen, with good vectors')
    .action(async (path: string, a: string, b: string, c: string, options: AnalogyOptions) => {
      const { loadQueryVectors, answerRestrict } = await import('../../query/load.js');
      const loaded = await loadQueryVectors(path, { stdin: io.stdin, warn: (message) => warn(io, message), queries: [a, b, c] });
      const { vectors, caseMode } = loaded;
      const [ra, rb, rc] = resolveQueryWords(io, vectors, [a, b, c], caseMode);
      if (ra === undefined || rb === undefined || rc === undefined) throw new ReportedError('an analogy word is not in the vectors');
      const format = options.format ?? defaultResultFormat(io);
      const forTable = format === 'table';
      const answers = vectors.analogy(ra, rb, rc, options.top, options.method, answerRestrict(loaded, options.restrict));
      await renderTables(io, format, [
        {
          title: `${a} : ${b} :: ${c} : ? (${METHOD_NAMES[options.method]})`,
          header: ['rank', 'word', 'score'],
          rows: answers.map((n, r) => [r + 1, n.word, score(n.score, forTable)]),
        },
      ]);
    });
};
