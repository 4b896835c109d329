/**
 * Collocation detection and rewriting (issue 9 §3): gensim's `Phrases` over a corpus's token stream.
 *
 * Each pass reads the stream twice. First it counts, per sentence, every non-connector word and every
 * candidate `a c₁ … cₖ b` (two non-connector words with only connector words between, gensim's
 * `_learn_vocab`), and scores the candidates with the chosen scorer; those scoring above the
 * threshold are phrases. Then it rewrites each sentence left to right as gensim's `analyze_sentence`
 * does, joining a phrase's tokens with `_` into one token (`new_york`, `bank_of_america`). A further
 * pass runs on the rewritten stream, so `--passes 2` can join `new_york` and `city`.
 *
 * Ids stay ids: words are vocabulary ids, a phrase gets a new id (or that of an identical existing
 * token), and the stream between passes is a TokenSink that spills to a temporary file past its
 * budget. Candidate counts are bounded: past `maxBigrams` entries the rarest are pruned as gensim's
 * `max_vocab_size` does (count below a threshold that rises by one at each pruning).
 */
import { UsageError } from '../core/errors.js';
import { GrowableInt32 } from '../corpus/growable.js';
import { SENTENCE_END, TokenSink, TokenStream } from '../corpus/stream.js';
import { BigramCounter, ConnectorSequences } from './bigram-counter.js';
import { DEFAULT_MIN_COUNT, DEFAULT_THRESHOLD, ENGLISH_CONNECTOR_WORDS, SCORERS, type ScorerName } from './scorers.js';

/** Joins the tokens of a phrase (gensim's default delimiter). */
export const PHRASE_DELIMITER = '_';
/** gensim's default max_vocab_size: the most candidates counted before the rarest are pruned. */
export const DEFAULT_MAX_BIGRAMS = 40_000_000;
/**
 * The first pruning threshold: drop candidates seen once. (gensim starts its min_reduce at 1, which
 * removes nothing — keep_vocab_item keeps count ≥ 1 — and only its second pruning drops anything.)
 */
const FIRST_PRUNE_MIN_COUNT = 2;

export interface PhraseOptions {
  /** `default` (gensim's original_scorer, word2phrase) or `npmi`. */
  scorer?: ScorerName;
  /** A candidate is a phrase when its score is above this (default: DEFAULT_THRESHOLD of the scorer). */
  threshold?: number;
  /** gensim's min_count (default 5): subtracted from the bigram count by `default`, the least count for `npmi`. */
  minCount?: number;
  /** Words allowed inside a phrase but not at its ends (default: gensim's ENGLISH_CONNECTOR_WORDS; [] for none). */
  connectors?: readonly string[];
  /** Passes of detection and rewriting (default 1); each can join the tokens of the previous one. */
  passes?: number;
  /** Candidates counted before the rarest are pruned (default DEFAULT_MAX_BIGRAMS). */
  maxBigrams?: number;
  /** Token-stream entries held in memory between passes before it spills to a temporary file (default: no limit). */
  maxStreamEntries?: number;
}

/** A phrase found by a pass. */
export interface Phrase {
  phrase: string;
  count: number;
  score: number;
}

/** What one pass found and did. */
export interface PassReport {
  pass: number;
  /** Phrases (candidates scoring above the threshold), best score first. */
  phrases: Phrase[];
  /** Distinct candidates counted (after pruning). */
  candidates: number;
  /** The vocab_size the default scorer used: distinct non-connector words + distinct candidates. */
  vocabSize: number;
  /** Tokens read by the pass (connector words included). */
  corpusWords: number;
  /** Candidates removed by pruning (0 when maxBigrams was never reached). */
  pruned: number;
  /** Phrase tokens written by the rewrite. */
  joined: number;
}

interface Settings {
  score: (typeof SCORERS)[ScorerName];
  threshold: number;
  minCount: number;
  connectors: ReadonlySet<string>;
  passes: number;
  maxBigrams: number;
  maxStreamEntries: number;
}

/** The options with their defaults, checked (UsageError naming the option when out of range). */
function settingsOf(options: PhraseOptions): Settings {
  const scorer = options.scorer ?? 'default';
  if (!(scorer in SCORERS)) throw new UsageError(`unknown scorer "${scorer}"`, `use one of ${Object.keys(SCORERS).join(', ')}`);
  const threshold = options.threshold ?? DEFAULT_THRESHOLD[scorer];
  if (scorer === 'default' && !(threshold > 0)) throw new UsageError(`--threshold ${threshold} must be positive with --scorer default`, 'e.g. --threshold 10');
  if (scorer === 'npmi' && !(threshold >= -1 && threshold <= 1)) throw new UsageError(`--threshold ${threshold} must be between -1 and 1 with --scorer npmi`, 'e.g. --threshold 0.5');
  const minCount = options.minCount ?? DEFAULT_MIN_COUNT;
  if (!(minCount >= 1)) throw new UsageError(`--min-count ${minCount} must be at least 1`);
  const passes = options.passes ?? 1;
  if (!Number.isInteger(passes) || passes < 1) throw new UsageError(`--passes ${passes} must be a whole number ≥ 1`);
  const maxBigrams = options.maxBigrams ?? DEFAULT_MAX_BIGRAMS;
  if (!(maxBigrams >= 1)) throw new UsageError(`--max-bigrams ${maxBigrams} must be at least 1`);
  return {
    score: SCORERS[scorer],
    threshold,
    minCount,
    connectors: new Set(options.connectors ?? ENGLISH_CONNECTOR_WORDS),
    passes,
    maxBigrams,
    maxStreamEntries: options.maxStreamEntries ?? Infinity,
  };
}

/** The phrases of one pass, and what the rewrite needs to find them. */
interface Learned {
  report: PassReport;
  /** (first word, connector sequence, last word) → the phrase's token id, in the counter's count field. */
  accepted: BigramCounter;
  sequences: ConnectorSequences;
}

/** Per word id: 1 when it is a connector word. */
function connectorFlags(words: readonly string[], connectors: ReadonlySet<string>): Uint8Array {
  const flags = new Uint8Array(words.length);
  if (connectors.size > 0) for (let i = 0; i < words.length; i++) if (connectors.has(words[i]!)) flags[i] = 1;
  return flags;
}

/** Count unigrams and candidates over the stream (gensim's _learn_vocab), score them, name the phrases. */
function learn(stream: TokenStream, words: string[], isConnector: Uint8Array, settings: Settings, pass: number): Learned {
  const unigrams = new Float64Array(words.length);
  const counter = new BigramCounter();
  const sequences = new ConnectorSequences();
  const between = new GrowableInt32(16);
  let corpusWords = 0;
  let pruned = 0;
  let pruneMinCount = FIRST_PRUNE_MIN_COUNT;
  stream.forEachSentence((ids, begin, end) => {
    let start = -1;
    between.length = 0;
    for (let i = begin; i < end; i++) {
      const w = ids[i]!;
      if (isConnector[w] === 0) {
        unigrams[w]!++;
        if (start >= 0) counter.add(start, sequences.id(between.data, between.length, true), w);
        start = w;
        between.length = 0;
      } else if (start >= 0) between.push(w);
    }
    corpusWords += end - begin;
    if (counter.size > settings.maxBigrams) {
      pruned += counter.prune(pruneMinCount);
      pruneMinCount++;
    }
  });
  let unigramTypes = 0;
  for (let w = 0; w < unigrams.length; w++) if (unigrams[w]! > 0) unigramTypes++;
  const vocabSize = unigramTypes + counter.size;

  const accepted = new BigramCounter(1024);
  const phrases: Phrase[] = [];
  const known = new Map<string, number>();
  const stats = { countA: 0, countB: 0, countAB: 0, vocabSize, minCount: settings.minCount, corpusWords };
  for (const [a, s, b, count] of counter.entries()) {
    stats.countA = unigrams[a]!;
    stats.countB = unigrams[b]!;
    stats.countAB = count;
    const score = settings.score(stats);
    if (!(score > settings.threshold)) continue;
    const parts = [words[a]!];
    for (const c of sequences.sequences[s]!) parts.push(words[c]!);
    parts.push(words[b]!);
    const phrase = parts.join(PHRASE_DELIMITER);
    if (known.size === 0) for (let i = 0; i < words.length; i++) known.set(words[i]!, i);
    let id = known.get(phrase);
    if (id === undefined) {
      id = words.length;
      words.push(phrase);
      known.set(phrase, id);
    }
    accepted.add(a, s, b, id);
    phrases.push({ phrase, count, score });
  }
  phrases.sort((x, y) => y.score - x.score || (x.phrase < y.phrase ? -1 : x.phrase > y.phrase ? 1 : 0));
  return { report: { pass, phrases, candidates: counter.size, vocabSize, corpusWords, pruned, joined: 0 }, accepted, sequences };
}

/**
 * Rewrite ids[begin .. end) into `out` as gensim's analyze_sentence does: a candidate that is a phrase
 * becomes its token and the scan starts afresh after it; otherwise its first word (and the connector
 * words after it) is written and its last word starts the next candidate. Returns the phrases written.
 */
function rewriteSentence(ids: Int32Array, begin: number, end: number, isConnector: Uint8Array, learned: Learned, between: GrowableInt32, out: GrowableInt32): number {
  out.length = 0;
  between.length = 0;
  let start = -1;
  let joined = 0;
  for (let i = begin; i < end; i++) {
    const w = ids[i]!;
    if (isConnector[w] === 0) {
      if (start >= 0) {
        const s = learned.sequences.id(between.data, between.length, false);
        const slot = s < 0 ? -1 : learned.accepted.find(start, s, w);
        if (slot >= 0) {
          out.push(learned.accepted.countAt(slot));
          joined++;
          start = -1;
        } else {
          out.push(start);
          out.append(between.data, between.length);
          start = w;
        }
      } else start = w;
      between.length = 0;
    } else if (start >= 0) between.push(w);
    else out.push(w);
  }
  if (start >= 0) {
    out.push(start);
    out.append(between.data, between.length);
  }
  return joined;
}

/** The rewritten stream of a pass that is not the last (its tokens ids into the grown `words`). */
function rewriteToStream(stream: TokenStream, words: readonly string[], isConnector: Uint8Array, learned: Learned, maxStreamEntries: number): TokenStream {
  const sink = new TokenSink(maxStreamEntries);
  const between = new GrowableInt32(16);
  const out = new GrowableInt32(1024);
  let tokens = 0;
  try {
    stream.forEachSentence((ids, begin, end) => {
      learned.report.joined += rewriteSentence(ids, begin, end, isConnector, learned, between, out);
      tokens += out.length;
      sink.sentence(out.data, out.length);
    });
    const identity = new Int32Array(words.length);
    for (let i = 0; i < identity.length; i++) identity[i] = i;
    return sink.finish(identity, tokens);
  } catch (err) {
    sink.discard();
    throw err;
  }
}

/** The last pass's rewrite as text: a line per sentence, tokens joined by spaces, handed to `write` a piece at a time. */
async function rewriteToText(stream: TokenStream, words: readonly string[], isConnector: Uint8Array, learned: Learned, write: (text: string) => Promise<void> | void): Promise<void> {
  const between = new GrowableInt32(16);
  const out = new GrowableInt32(1024);
  const carry = new GrowableInt32(1024);
  let lines: string[] = [];
  const sentence = (ids: Int32Array, begin: number, end: number): void => {
    learned.report.joined += rewriteSentence(ids, begin, end, isConnector, learned, between, out);
    let line = '';
    for (let i = 0; i < out.length; i++) line += i === 0 ? words[out.data[i]!]! : ` ${words[out.data[i]!]!}`;
    lines.push(`${line}\n`);
  };
  for (const piece of stream.pieces()) {
    let from = 0;
    for (let i = 0; i < piece.length; i++) {
      if (piece[i] !== SENTENCE_END) continue;
      if (carry.length > 0) {
        carry.append(piece.subarray(from, i));
        sentence(carry.data, 0, carry.length);
        carry.length = 0;
      } else sentence(piece, from, i);
      from = i + 1;
    }
    if (from < piece.length) carry.append(piece.subarray(from));
    if (lines.length > 0) {
      const text = lines.join('');
      lines = [];
      await write(text);
    }
  }
  if (carry.length > 0) {
    sentence(carry.data, 0, carry.length);
    await write(lines.join(''));
  }
}

/**
 * Find phrases in a corpus's token stream (ids into `words`, e.g. a Corpus's `stream` and
 * `vocab.words` read with min-count 1, so that every token is there) and write the rewritten text:
 * one line per sentence, tokens joined by spaces, phrases joined by `_`. `write` gets the text in
 * pieces. The given stream is left as it is (dispose it yourself); the reports say what each pass found.
 */
export async function writePhrased(
  stream: TokenStream,
  vocabularyWords: readonly string[],
  options: PhraseOptions,
  write: (text: string) => Promise<void> | void,
  onPass?: (report: PassReport) => void,
): Promise<PassReport[]> {
  const settings = settingsOf(options);
  const words = [...vocabularyWords];
  const reports: PassReport[] = [];
  let current = stream;
  try {
    for (let pass = 1; pass <= settings.passes; pass++) {
      const isConnector = connectorFlags(words, settings.connectors);
      const learned = learn(current, words, isConnector, settings, pass);
      const flags = connectorFlags(words, settings.connectors);
      if (pass === settings.passes) await rewriteToText(current, words, flags, learned, write);
      else {
        const next = rewriteToStream(current, words, flags, learned, settings.maxStreamEntries);
        if (current !== stream) current.dispose();
        current = next;
      }
      reports.push(learned.report);
      onPass?.(learned.report);
    }
  } finally {
    if (current !== stream) current.dispose();
  }
  return reports;
}

/** writePhrased over sentences given as token arrays (in memory): the rewritten sentences and the reports. */
export async function phraseSentences(sentences: readonly (readonly string[])[], options: PhraseOptions = {}): Promise<{ sentences: string[][]; passes: PassReport[] }> {
  const ids = new Map<string, number>();
  const words: string[] = [];
  const entries: number[] = [];
  for (const sentence of sentences) {
    for (const word of sentence) {
      let id = ids.get(word);
      if (id === undefined) {
        id = words.length;
        ids.set(word, id);
        words.push(word);
      }
      entries.push(id);
    }
    entries.push(SENTENCE_END);
  }
  let text = '';
  const passes = await writePhrased(TokenStream.fromArray(Int32Array.from(entries)), words, options, (t) => {
    text += t;
  });
  const lines = text.split('\n');
  lines.pop();
  return { sentences: lines.map((line) => (line === '' ? [] : line.split(' '))), passes };
}
