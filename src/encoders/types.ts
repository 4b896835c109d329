import type { Matrix } from '../core/matrix.js';
import type { Progress } from '../core/progress.js';
import type { Corpus } from '../corpus/corpus.js';
import type { Table } from '../io/table.js';
import type { TokenizerOptions } from '../text/tokenize.js';

/** One command-line option of an encoder; the CLI builds `wordspace encode <name> --help` from these. */
export interface OptionSpec {
  /** commander flags, e.g. `--window <n>`; the option key is the camelCased long name. */
  flags: string;
  description: string;
  /** Shown in --help and used when the option is absent. */
  default?: string | number | boolean;
  /** Validates and converts the string from the command line (throws UsageError). */
  parse?: (value: string) => unknown;
  /** Allowed values, shown in --help. */
  choices?: readonly string[];
  /**
   * Other long flags accepted for this option: the reference tools' spellings (word2vec `-size`,
   * fastText `-epoch`, glove.c `-eta`). Hidden from the option list, listed in the help footer.
   * An alias never names a different option of another method (one flag, one meaning).
   */
  aliases?: string[];
  /** How --help shows the default when the value alone would mislead (e.g. "all cores"). */
  defaultDescription?: string;
}

export interface EncodeContext {
  progress: Progress;
  warn(message: string): void;
  /** The memory budget in bytes (`--memory`; src/corpus/budget.ts divides it); undefined: unbounded. */
  memory?: number;
  /** Information for the user (e.g. how many runs were spilled); not a warning. */
  note?(message: string): void;
  /** How the corpus was tokenized, for an encoder that saves a model which must tokenize new text the same way (docvec --save-model). */
  tokenizer?: TokenizerOptions;
}

/** Options after parsing: camelCased long option names → values. */
export type EncoderOptions = Record<string, unknown>;

interface EncoderBase {
  name: string;
  /** One line for `wordspace encode --help`. */
  summary: string;
  /** Default --min-count for this method (1 for the count-based ones, 5 for the neural ones, like word2vec). */
  defaultMinCount: number;
  options: OptionSpec[];
  /** Flags refused on this method with a hint, because another method gives them another meaning. */
  refusedFlags?: Record<string, string>;
}

/** An encoder that reads a corpus (text, stdin, a CSV text column). */
export interface CorpusEncoder extends EncoderBase {
  input: 'corpus';
  /** Can start from merged co-occurrence counts (`--counts FILE`) instead of a corpus. */
  countsInput?: boolean;
  /** Can write its raw counts as a mergeable count file (`-f counts`, `-f counts-tsv`). */
  countsOutput?: boolean;
  encode(corpus: Corpus, options: EncoderOptions, context: EncodeContext): Promise<Matrix>;
}

/** An encoder that reads a table of items × features. */
export interface TableEncoder extends EncoderBase {
  input: 'table';
  encode(table: Table, options: EncoderOptions, context: EncodeContext): Promise<Matrix>;
}

export type Encoder = CorpusEncoder | TableEncoder;
