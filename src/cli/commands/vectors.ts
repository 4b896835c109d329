import { DEFAULT_PRECISION, parsePrecision } from '../../io/formats/numbers.js';
import { Sink } from '../../io/output.js';
import type { VectorOrigin } from '../../query/any-word.js';
import { warn } from '../context.js';
import { parsedOption } from '../options.js';
import type { RegisterCommand } from './index.js';
import { VECTORS_ARGUMENT } from './similar.js';

interface VectorsOptions {
  all?: boolean;
  sentence?: boolean;
  precision: number;
}

/** Words named in a warning. */
const EXAMPLES = 3;

export const registerVectors: RegisterCommand = (program, io) => {
  program
    .command('vectors')
    .description('print the vector of each word (built from character n-grams for unseen words of a fastText model), as fasttext print-word-vectors')
    .argument('<model>', `a fastText .bin model, or ${VECTORS_ARGUMENT}`)
    .argument('[words...]', 'the words (default: read from standard input, split on whitespace)')
    .option('--all', 'print every vocabulary word')
    .option('--sentence', "one vector per line (or per argument): the mean of its words' unit-length vectors, as fasttext print-sentence-vectors")
    .addOption(parsedOption('--precision <digits>', 'decimal places (trailing zeros dropped)', parsePrecision, DEFAULT_PRECISION))
    .addHelpText(
      'after',
      '\nOutput: `word v1 … vD` a line (--sentence: `v1 … vD`). A word outside the vocabulary gets the mean\nof its n-gram rows (fastText models) or zeros (no n-gram, or plain vectors); stderr counts them.\n\nExamples:\n  wordspace vectors fixtures/fasttext/tiny.bin cat doggo\n  echo "the cat sat" | wordspace vectors fixtures/fasttext/tiny.bin --sentence',
    )
    .action(async (path: string, words: string[], options: VectorsOptions) => {
      const [{ loadQueryVectors }, { AnyWordVectors }, { numberFormatter }, { textLines }] = await Promise.all([
        import('../../query/load.js'),
        import('../../query/any-word.js'),
        import('../../io/formats/numbers.js'),
        import('../../io/input.js'),
      ]);
      const fromStdin = words.length === 0 && !options.all;
      if (fromStdin && path === '-') throw new (await import('../../core/errors.js')).UsageError('the model and the words cannot both come from standard input', 'give the model as a file, or the words as arguments');
      const loaded = await loadQueryVectors(path, { stdin: io.stdin, warn: (message) => warn(io, message) });
      const source = new AnyWordVectors(loaded.vectors, loaded.caseMode, loaded.model);
      const format = numberFormatter(options.precision);
      const out = new Float32Array(source.dim);
      const sink = new Sink(io.stdout);
      const built: string[] = [];
      const zero: string[] = [];
      let builtCount = 0;
      let zeroCount = 0;
      const note = (word: string, origin: VectorOrigin): void => {
        if (origin === 'ngrams' && builtCount++ < EXAMPLES) built.push(word);
        if (origin === 'none' && zeroCount++ < EXAMPLES) zero.push(word);
      };
      const line = (label: string | undefined): string => {
        let text = label === undefined ? '' : `${label} `;
        for (let j = 0; j < out.length; j++) text += (j > 0 ? ' ' : '') + format(out[j]!);
        return `${text}\n`;
      };
      const emit = async (item: string): Promise<void> => {
        if (options.sentence) source.sentence(item, out, note);
        else note(item, source.vector(item, out));
        const pending = sink.write(line(options.sentence ? undefined : item));
        if (pending) await pending;
      };
      if (options.all) for (const word of source.words) await emit(word);
      for (const word of words) await emit(word);
      if (fromStdin) {
        for await (const text of textLines('-', { stdin: io.stdin })) {
          if (options.sentence) await emit(text);
          else for (const word of text.split(/\s+/)) if (word !== '') await emit(word);
        }
      }
      await sink.flush();
      const list = (examples: string[], count: number): string => `${examples.map((w) => JSON.stringify(w)).join(', ')}${count > EXAMPLES ? ', …' : ''}`;
      if (builtCount > 0) warn(io, `${builtCount} word${builtCount === 1 ? '' : 's'} not in the vocabulary, built from character n-grams (${list(built, builtCount)})`);
      if (zeroCount > 0) warn(io, `${zeroCount} word${zeroCount === 1 ? '' : 's'} not in the vocabulary${loaded.model ? ' and without n-grams in the model' : ''}, printed as zeros (${list(zero, zeroCount)})`);
    });
};
