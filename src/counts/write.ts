/**
 * Writing counts in either form to a sink: binary count files (`counts`) and `key<TAB>count` text
 * (`counts-tsv`).
 */
import type { Sink } from '../io/output.js';
import { compareStrings, type Vocabulary } from '../vocab/vocabulary.js';
import { CountFileWriter, type CountHeader } from './format.js';

export const COUNT_FORMATS = ['counts', 'counts-tsv'] as const;
export type CountFormat = (typeof COUNT_FORMATS)[number];

/** `.counts` names a binary count file. */
export function inferCountFormat(path: string): CountFormat | undefined {
  return /\.counts(\.gz)?$/i.test(path) ? 'counts' : undefined;
}

/** A vocabulary's counts in the mergeable order (by word, code-unit order). */
export async function writeVocabularyCounts(sink: Sink, format: CountFormat, header: CountHeader, vocab: Vocabulary): Promise<void> {
  const order = vocab.words.map((_, i) => i).sort((x, y) => compareStrings(vocab.words[x]!, vocab.words[y]!));
  await writeWordCounts(
    sink,
    format,
    header,
    order.map((i) => vocab.words[i]!),
    order.map((i) => vocab.counts[i]!),
  );
}

/** Vocabulary counts, sorted by word. */
export async function writeWordCounts(sink: Sink, format: CountFormat, header: CountHeader, words: string[], counts: ArrayLike<number>): Promise<void> {
  if (format === 'counts-tsv') {
    for (let i = 0; i < words.length; i++) await sink.write(`${words[i]}\t${counts[i]}\n`);
    return;
  }
  const writer = new CountFileWriter((chunk) => sink.write(chunk));
  await writer.header(header);
  await writer.words(words, counts);
  await writer.finish();
}

/** Streams pair counts (a ≤ b, sorted) out in batches: `begin`, any number of `batch`, `finish`. */
export class PairCountOutput {
  private writer: CountFileWriter | undefined;
  constructor(
    private readonly sink: Sink,
    private readonly format: CountFormat,
    private readonly words: string[],
  ) {}

  async begin(header: CountHeader): Promise<void> {
    if (this.format === 'counts') {
      this.writer = new CountFileWriter((chunk) => this.sink.write(chunk));
      await this.writer.header({ ...header, types: this.words.length }, this.words);
    }
  }

  async batch(a: ArrayLike<number>, b: ArrayLike<number>, weight: ArrayLike<number>, n = a.length): Promise<void> {
    if (this.writer) {
      await this.writer.pairs(a, b, weight, 0, n);
      return;
    }
    for (let i = 0; i < n; i++) await this.sink.write(`${this.words[a[i]!]} ${this.words[b[i]!]}\t${weight[i]}\n`);
  }

  async finish(): Promise<void> {
    await this.writer?.finish();
  }
}
