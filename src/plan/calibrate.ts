/**
 * The "short calibration" of `--dry-run`: the input's size (stat; a gzip's ISIZE trailer) and the
 * first ~1 MiB of its text tokenized with the real tokenizer, timed, with the growth of the types
 * (and of the distinct pairs within the window, for the pair-counting methods) along the sample.
 * src/plan/plan.ts turns these into the plan.
 */
import { promises as fs } from 'node:fs';
import { Readable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { UsageError } from '../core/errors.js';
import { isPreparedCorpus } from '../corpus/prepared.js';
import type { TokenStream } from '../corpus/stream.js';
import { decompressedBytes, isCsvPath } from '../io/input.js';
import type { ReadCorpusOptions } from '../io/read-corpus.js';
import type { Calibration, InputSize } from './plan.js';

/** Text bytes tokenized by the calibration. */
export const SAMPLE_BYTES = 1 << 20;
/** Points of the growth curves: the sample's 1/16, 1/8, …, 1. */
const GROWTH_POINTS = 5;

const GZIP = [0x1f, 0x8b];

/** Size of the inputs: stat for plain files, the ISIZE trailer (uncompressed size mod 2^32) for gzip. */
export async function inputSize(files: string[]): Promise<InputSize> {
  let bytes = 0;
  let disk = 0;
  let source: InputSize['source'] = 'stat';
  for (const path of files) {
    if (path === '-') return { bytes: null, diskBytes: null, source: 'unknown', files: files.length };
    const handle = await fs.open(path, 'r');
    try {
      const { size } = await handle.stat();
      disk += size;
      const head = Buffer.alloc(2);
      await handle.read(head, 0, 2, 0);
      if (size >= 18 && head[0] === GZIP[0] && head[1] === GZIP[1]) {
        const tail = Buffer.alloc(4);
        await handle.read(tail, 0, 4, size - 4);
        let isize = tail.readUInt32LE(0);
        // ISIZE is the size mod 2^32: a file that big is at least its compressed size.
        while (isize < size) isize += 2 ** 32;
        bytes += isize;
        source = 'gzip-isize';
      } else bytes += size;
    } finally {
      await handle.close();
    }
  }
  return { bytes, diskBytes: disk, source, files: files.length };
}

/**
 * A prepared corpus is not text to sample: say what its header knows (exact sizes) instead of a
 * misleading "binary file" from the text sampler.
 */
async function refusePrepared(path: string): Promise<void> {
  if (path === '-') return;
  const handle = await fs.open(path, 'r').catch(() => undefined);
  if (!handle) return; // the reader reports a missing file
  try {
    const fixed = Buffer.alloc(16);
    const { bytesRead } = await handle.read(fixed, 0, 16, 0);
    if (bytesRead < 16 || !isPreparedCorpus(fixed)) return;
    const length = Math.min(fixed.readUInt32LE(12), 1 << 16);
    const json = Buffer.alloc(length);
    await handle.read(json, 0, length, 16);
    let sizes = '';
    try {
      const header = JSON.parse(json.toString('utf8')) as { tokens?: number; types?: number; sentences?: number };
      sizes = ` of ${header.tokens?.toLocaleString('en-US')} tokens, ${header.types?.toLocaleString('en-US')} types and ${header.sentences?.toLocaleString('en-US')} sentences`;
    } catch {
      // no sizes to tell
    }
    throw new UsageError(`${path} is a prepared corpus${sizes}; --dry-run estimates from text inputs`, 'plan with the text it was prepared from, or run the command: a prepared corpus is read without tokenizing');
  } finally {
    await handle.close();
  }
}

/** The first ~SAMPLE_BYTES of text of a source, cut at a line end; whole when the source ended. */
async function sampleText(path: string, stdin?: NodeJS.ReadableStream): Promise<{ text: Buffer; whole: boolean }> {
  const chunks: Buffer[] = [];
  let length = 0;
  let whole = true;
  for await (const chunk of decompressedBytes(path, stdin)) {
    chunks.push(chunk);
    length += chunk.length;
    if (length > SAMPLE_BYTES) {
      whole = false;
      break;
    }
  }
  let text = Buffer.concat(chunks, length);
  if (!whole) {
    const end = text.lastIndexOf(0x0a, SAMPLE_BYTES);
    text = text.subarray(0, end > 0 ? end + 1 : SAMPLE_BYTES);
  }
  return { text, whole };
}

/** The sample's tokens in one array and where each sentence starts in it (length = sentences + 1). */
function flatten(stream: TokenStream): { tokens: Int32Array; sentenceStarts: Int32Array } {
  const tokens = new Int32Array(stream.tokens);
  const sentenceStarts = new Int32Array(stream.sentences + 1);
  let at = 0;
  let s = 0;
  stream.forEachSentence((ids, begin, end) => {
    tokens.set(ids.subarray(begin, end), at);
    at += end - begin;
    sentenceStarts[++s] = at;
  });
  return { tokens, sentenceStarts };
}

/** Distinct types of tokens[0 .. n) at growing prefixes. */
function typeGrowth(tokens: Int32Array, types: number, points: number[]): Array<[number, number]> {
  const seen = new Uint8Array(types);
  const out: Array<[number, number]> = [];
  let distinct = 0;
  let p = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (!seen[t]) {
      seen[t] = 1;
      distinct++;
    }
    while (p < points.length && i + 1 === points[p]) out.push([points[p++]!, distinct]);
  }
  return out;
}

/** Distinct pairs (a ≤ b) within `window` in a sentence, at growing prefixes of the token stream (what the pair table counts). */
function pairGrowth(tokens: Int32Array, sentenceStarts: Int32Array, types: number, window: number, points: number[]): { growth: Array<[number, number]>; pairs: number; occurrences: number } {
  const seen = new Set<number>();
  let occurrences = 0;
  const out: Array<[number, number]> = [];
  let p = 0;
  for (let s = 0; s + 1 < sentenceStarts.length; s++) {
    const end = sentenceStarts[s + 1]!;
    for (let i = sentenceStarts[s]!; i < end; i++) {
      const u = tokens[i]!;
      const last = Math.min(end - 1, i + window);
      occurrences += Math.max(0, last - i);
      for (let j = i + 1; j <= last; j++) {
        const v = tokens[j]!;
        seen.add(u <= v ? u * types + v : v * types + u);
      }
      while (p < points.length && i + 1 === points[p]) out.push([points[p++]!, seen.size]);
    }
  }
  return { growth: out, pairs: seen.size, occurrences };
}

export interface CalibrateOptions extends Omit<ReadCorpusOptions, 'keepTokens' | 'minCount' | 'maxVocab' | 'vocabulary' | 'progress' | 'memory' | 'totalBytes' | 'stdin'> {
  stdin?: NodeJS.ReadableStream;
  /** The min-count asked (typesKept counts the sample's types at or above it). */
  minCount: number;
  /** Count distinct pairs within this window (pair-counting methods). */
  window?: number;
}

/** Tokenize the beginning of the first input with the real reader and tokenizer, and time it. */
export async function calibrate(files: string[], options: CalibrateOptions): Promise<Calibration> {
  const first = files[0] ?? '-';
  await refusePrepared(first);
  const { text, whole } = await sampleText(first, options.stdin);
  const { readCorpus } = await import('../io/read-corpus.js');
  const started = performance.now();
  const corpus = await readCorpus(['-'], {
    ...options,
    csv: options.csv || isCsvPath(first),
    stdin: Readable.from([text]),
    keepTokens: true,
    minCount: 1,
  });
  const seconds = (performance.now() - started) / 1000;
  const { tokens, sentenceStarts } = flatten(corpus.stream);
  corpus.stream.dispose();
  const n = tokens.length;
  const points = Array.from({ length: GROWTH_POINTS }, (_, i) => Math.max(1, Math.round(n / 2 ** (GROWTH_POINTS - 1 - i))));
  const types = corpus.vocab.size;
  const pairs = options.window === undefined ? undefined : pairGrowth(tokens, sentenceStarts, types, options.window, points);
  let wordBytes = 0;
  let kept = 0;
  for (let i = 0; i < types; i++) {
    wordBytes += Buffer.byteLength(corpus.vocab.words[i]!);
    if (corpus.vocab.counts[i]! >= options.minCount) kept++;
  }
  return {
    sampleBytes: text.length,
    whole: whole && files.length <= 1,
    tokens: corpus.tokensRead,
    types: corpus.typesSeen,
    sentences: corpus.stream.sentences,
    typesKept: kept,
    meanWordBytes: types > 0 ? wordBytes / types : 0,
    typeGrowth: typeGrowth(tokens, types, points),
    pairGrowth: pairs?.growth,
    pairs: pairs?.pairs,
    pairOccurrences: pairs?.occurrences,
    seconds,
  };
}
