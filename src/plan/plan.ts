/**
 * `--dry-run` (issue 7 §5): what a run will do, before doing it. Pure functions from (input sizes, a
 * calibration on a sample of the input, the options, the --memory budget) to a Plan: the passes over
 * the input, each stage's estimated peak memory and whether it spills, the temporary disk, the
 * output's size, and a reading time. No I/O here (src/plan/calibrate.ts reads the sample; the CLI
 * renders the plan). Every figure is derived from the real structures' per-item sizes and the shares
 * of src/corpus/budget.ts; what cannot be derived is said to be unknown, not guessed.
 */
import { formatSize } from '../core/size.js';
import { BUCKET_MAX_IDS, BUCKET_MAX_WINDOW, BUCKET_PAIR_BYTES, bucketAllowance, bucketFitsWasm, bucketPeakBytes } from '../counts/bucket-layout.js';
import { BYTES_PER_TYPE, dataBytes, MERGE_FAN_IN, maxPairSlots, maxStreamEntries, maxTypes, mergeReadBlock, PAIR_SLOT_BYTES, RUNTIME_RESERVE, streamHoldBytes } from '../corpus/budget.js';

/** Bytes of one token id in the token stream (Int32Array). */
export const TOKEN_BYTES = 4;
/** The pair table holds at most this fraction of its slots (PairCounter.MAX_LOAD). */
export const PAIR_MAX_LOAD = 0.6;
/** Bytes of one pair entry in a spilled run or a binary count file (a, b: int32; weight: float64). */
export const RUN_ENTRY_BYTES = 16;
/** Bytes of one non-zero of a CSR matrix (int32 column, float64 value). */
export const CSR_NNZ_BYTES = 12;
/** A dense vector cell (float32) in memory and in word2vec binary. */
export const FLOAT32_BYTES = 4;
/** First capacity of the growable token stream (src/corpus/corpus.ts). */
const TOKEN_STREAM_START = 1 << 16;

/** Where the input's size came from. */
export type SizeSource = 'stat' | 'gzip-isize' | 'sample' | 'unknown';

export interface InputSize {
  /** Text bytes (decompressed), or null when unknown (standard input, a gzip without a usable trailer). */
  bytes: number | null;
  /** Bytes on disk. */
  diskBytes: number | null;
  source: SizeSource;
  files: number;
}

/** A short read of the input's beginning with the real tokenizer (src/plan/calibrate.ts). */
export interface Calibration {
  /** Text bytes tokenized. */
  sampleBytes: number;
  /** True when the sample is the whole input: the counts are then exact. */
  whole: boolean;
  tokens: number;
  types: number;
  sentences: number;
  /** Types with a count ≥ the min-count asked (in the sample). */
  typesKept: number;
  /** Mean UTF-8 bytes of a type's word. */
  meanWordBytes: number;
  /** (tokens, distinct types) at growing prefixes of the sample, for Heaps' law. */
  typeGrowth: Array<[number, number]>;
  /** (tokens, distinct pairs a ≤ b within the window) at growing prefixes, when pairs are counted. */
  pairGrowth?: Array<[number, number]>;
  /** Distinct pairs in the sample. */
  pairs?: number;
  /** Pair occurrences in the sample (a token and a later one within the window in its sentence). */
  pairOccurrences?: number;
  /** Seconds the sample took to read and tokenize. */
  seconds: number;
}

/** y = k·x^e, fitted by least squares on log-log points. */
export interface PowerLaw {
  k: number;
  e: number;
}

export function fitPowerLaw(points: ReadonlyArray<readonly [number, number]>): PowerLaw | null {
  const pts = points.filter(([x, y]) => x > 0 && y > 0);
  if (pts.length < 2) return null;
  const lx = pts.map(([x]) => Math.log(x));
  const ly = pts.map(([, y]) => Math.log(y));
  const mx = lx.reduce((a, b) => a + b, 0) / pts.length;
  const my = ly.reduce((a, b) => a + b, 0) / pts.length;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < pts.length; i++) {
    sxy += (lx[i]! - mx) * (ly[i]! - my);
    sxx += (lx[i]! - mx) ** 2;
  }
  if (sxx === 0) return null;
  // Growth cannot be faster than linear (each token adds at most one type, a bounded number of pairs).
  const e = Math.min(1, Math.max(0, sxy / sxx));
  return { k: Math.exp(my - e * mx), e };
}

export function powerLaw(law: PowerLaw, x: number): number {
  return law.k * x ** law.e;
}

/**
 * Peak bytes of the growable token stream holding n ids: it doubles from 2^16 (old and new arrays
 * live together while copying: 1.5 × the new capacity), then is trimmed by a copy (capacity + n).
 */
export function tokenStreamPeak(n: number): number {
  let capacity = TOKEN_STREAM_START;
  while (capacity < n) capacity *= 2;
  const growing = capacity > TOKEN_STREAM_START ? capacity * 1.5 : capacity;
  return TOKEN_BYTES * Math.max(growing, capacity + n);
}

/** Slots the pair table grows to for `pairs` distinct pairs (a power of two, load ≤ 0.6, from 1024). */
export function pairTableSlots(pairs: number): number {
  let slots = 1024;
  while (pairs > slots * PAIR_MAX_LOAD) slots *= 2;
  return slots;
}

export interface Stage {
  name: string;
  /** What it holds, in words. */
  structure: string;
  /** Estimated peak bytes of the stage's own structures (runtime excluded); null: not estimated. */
  bytes: number | null;
  /** Its share of --memory, when the budget bounds it. */
  limit: number | null;
  /** 'prune', 'spill', 'no', or 'unbounded' (the budget does not bound it). */
  spills: 'prune' | 'spill' | 'no' | 'unbounded';
  note?: string;
}

export interface Plan {
  command: string;
  memory: number;
  input: InputSize & { calibratedOn: number | null; calibratedWhole: boolean };
  /** Estimated tokens, types seen, types kept (rows), and how they were estimated. */
  corpus: { tokens: number | null; types: number | null; kept: number | null; bytesPerToken: number | null; heaps: PowerLaw | null; exact: boolean; pairs: number | null };
  passes: number;
  passesNote: string;
  stages: Stage[];
  /** Runtime reserve + the largest stage (stages run one after another, the token stream stays). */
  peakBytes: number | null;
  tempDiskBytes: number;
  tempDiskNote?: string;
  output: { format: string; bytes: number | null; note: string };
  time: { readMBps: number | null; readSeconds: number | null; note: string };
  notes: string[];
}

export interface CorpusPlanOptions {
  command: 'vocab' | 'prepare' | 'encode';
  /** The encode method. */
  method?: string;
  memory: number;
  minCount: number;
  maxVocab?: number;
  /** Words in a fixed --vocab file. */
  fixedVocab?: number;
  window?: number;
  dim?: number;
  epochs?: number;
  /** Output format (resolved, or undefined: chosen by the data as encode does). */
  format?: string;
  precision: number;
  /** The values are integer counts (cooc --weight count, --distance-weighting none): ~2 characters, not `precision` decimals. */
  integerValues?: boolean;
}

/** Methods whose counting stage is the pair table (cooc, glove, autoencoder --input cooc). */
export const PAIR_METHODS = new Set(['cooc', 'glove', 'autoencoder']);

/** Digits of a positive integer. */
function digits(n: number): number {
  return Math.max(1, Math.floor(Math.log10(Math.max(1, n))) + 1);
}

/** The corpus estimates: exact when the sample is the whole input, else scaled from the sample. */
export function estimateCorpus(size: InputSize, cal: Calibration | null, options: Pick<CorpusPlanOptions, 'minCount' | 'maxVocab' | 'fixedVocab'>): Plan['corpus'] {
  if (!cal) return { tokens: null, types: null, kept: null, bytesPerToken: null, heaps: null, exact: false, pairs: null };
  const bytesPerToken = cal.tokens > 0 ? cal.sampleBytes / cal.tokens : null;
  const heaps = fitPowerLaw(cal.typeGrowth);
  const pairLaw = cal.pairGrowth ? fitPowerLaw(cal.pairGrowth) : null;
  let tokens: number | null;
  let types: number | null;
  let pairs: number | null;
  let kept: number | null;
  if (cal.whole) {
    tokens = cal.tokens;
    types = cal.types;
    pairs = cal.pairs ?? null;
    kept = cal.typesKept;
  } else {
    tokens = size.bytes !== null && bytesPerToken ? Math.round(size.bytes / bytesPerToken) : null;
    types = tokens !== null && heaps ? Math.max(cal.types, Math.round(powerLaw(heaps, tokens))) : null;
    pairs = tokens !== null && pairLaw ? Math.max(cal.pairs ?? 0, Math.round(powerLaw(pairLaw, tokens))) : null;
    // Types seen ≥ m times in N tokens ≈ types seen at all in N/m tokens (the counts scale with N).
    kept = tokens !== null && heaps ? Math.min(types!, Math.round(powerLaw(heaps, tokens / options.minCount))) : null;
  }
  if (kept !== null && options.maxVocab !== undefined) kept = Math.min(kept, options.maxVocab);
  if (options.fixedVocab !== undefined) kept = options.fixedVocab;
  return { tokens, types, kept, bytesPerToken, heaps, exact: cal.whole, pairs };
}

/** Bytes of a number printed with `precision` decimals (sign, integer digit, point, decimals: typical). */
function numberBytes(precision: number): number {
  return precision + 3;
}

/** Output size of a matrix of `rows` × `cols` (dense) or `nnz` non-zeros (sparse) in a format. */
export function outputBytes(format: string, shape: { rows: number; cols: number; nnz: number | null; dense: boolean; wordBytes: number; integerValues?: boolean }, precision: number): number | null {
  const { rows, cols, nnz, dense, wordBytes } = shape;
  const num = shape.integerValues ? 2 : numberBytes(precision);
  const label = wordBytes + 1;
  switch (format) {
    case 'binary':
      return rows * (label + FLOAT32_BYTES * cols + 1);
    case 'npy':
      // A 128-byte header at most for any shape we write, the float32 data, the labels in X.rows.txt.
      return 128 + rows * (FLOAT32_BYTES * cols + label);
    case 'projector':
      return rows * (label + (num + 1) * cols);
    case 'text':
    case 'tsv':
    case 'csv':
      return rows * (label + (num + 1) * cols);
    case 'json':
    case 'jsonl':
      return dense ? rows * (label + 12 + (num + 1) * cols) : nnz === null ? null : rows * (label + 12) + nnz * (digits(cols) + num + 3);
    case 'mtx':
      // "r c v" lines, and a %row "word" and %column "word" line for each word.
      return nnz === null ? null : nnz * (digits(rows) + digits(cols) + num + 3) + rows * (2 * label + 18);
    default:
      return null;
  }
}

/** The plan of `vocab`, `prepare` or `encode <method>` on a corpus. */
export function planCorpus(size: InputSize, cal: Calibration | null, options: CorpusPlanOptions): Plan {
  const { memory } = options;
  const est = estimateCorpus(size, cal, options);
  const keepTokens = options.command !== 'vocab';
  const stages: Stage[] = [];
  const notes: string[] = [];
  const method = options.method ?? '';
  const wordBytes = cal?.meanWordBytes ?? 8;

  // Reading: a gzip input held whole to be split among the threads (src/corpus/fast-count.ts; twice
  // its text while it is copied into shared memory), the type table, and the token stream when kept.
  const holdLimit = streamHoldBytes(memory);
  if (size.source === 'gzip-isize' && size.bytes !== null && size.bytes <= holdLimit) {
    stages.push({
      name: 'reading: gzip text held',
      structure: `${formatSize(size.bytes)} of text, decompressed into memory the reading threads share`,
      bytes: 2 * size.bytes,
      limit: 2 * holdLimit,
      spills: 'no',
      note: 'let go once the input is read; over the limit the input is streamed on one thread instead',
    });
  }
  const typeLimit = maxTypes(memory, keepTokens);
  const types = est.types;
  stages.push({
    name: 'reading: type table',
    structure: `${fmt(types)} types × ${BYTES_PER_TYPE} B`,
    bytes: types === null ? null : Math.min(types, typeLimit) * BYTES_PER_TYPE,
    limit: typeLimit * BYTES_PER_TYPE,
    spills: types === null ? 'no' : types > typeLimit ? 'prune' : 'no',
    note: types !== null && types > typeLimit ? `over ${typeLimit.toLocaleString('en-US')} types: rare types are pruned (approximate counts)` : undefined,
  });
  const tokens = est.tokens;
  let held = 0;
  let streamOnDisk = false;
  let streamDisk = 0;
  if (keepTokens) {
    const sentences = cal && tokens !== null && cal.tokens > 0 ? Math.round((cal.sentences / cal.tokens) * tokens) : null;
    const entries = tokens === null ? null : tokens + (sentences ?? 0);
    const limit = maxStreamEntries(memory);
    streamOnDisk = entries !== null && entries > limit;
    streamDisk = streamOnDisk ? TOKEN_BYTES * entries! : 0;
    const bytes = entries === null ? null : streamOnDisk ? tokenStreamPeak(limit) : tokenStreamPeak(entries);
    held = entries === null || streamOnDisk ? 0 : TOKEN_BYTES * entries;
    stages.push({
      name: 'reading: token stream',
      structure: `${fmt(tokens)} tokens + ${fmt(sentences)} sentence ends × ${TOKEN_BYTES} B (doubling while it grows)`,
      bytes,
      limit: tokenStreamPeak(limit),
      spills: streamOnDisk ? 'spill' : 'no',
      note: streamOnDisk ? `over ${limit.toLocaleString('en-US')} entries: written to a temporary file in $TMPDIR and streamed from there` : undefined,
    });
  }

  let passes = 1;
  let passesNote = 'one pass over the input (tokenize and count)';
  let tempDisk = 0;
  let tempNote: string | undefined;
  const kept = est.kept;
  let output: Plan['output'];

  if (options.command === 'vocab') {
    const lineBytes = wordBytes + 2 + 2;
    output = { format: options.format ?? 'vocab', bytes: kept === null ? null : kept * lineBytes, note: `${fmt(kept)} words × ~${lineBytes.toFixed(0)} B ("word count" lines)` };
  } else if (options.command === 'prepare') {
    const sentences = cal && tokens !== null && cal.tokens > 0 ? Math.round((cal.sentences / cal.tokens) * tokens) : null;
    const bytes = tokens === null || kept === null ? null : TOKEN_BYTES * tokens + TOKEN_BYTES * (sentences ?? 0) + kept * (wordBytes + 1 + 8);
    output = { format: 'prepared', bytes, note: `${TOKEN_BYTES} B a token, ${TOKEN_BYTES} B a sentence, the vocabulary (word + count)` };
  } else {
    const dim = options.dim;
    if (PAIR_METHODS.has(method)) {
      passes = 2;
      passesNote = `one pass over the input (tokenize), one over the token stream ${streamOnDisk ? 'on disk' : 'in memory'} (count pairs)`;
      const pairs = est.pairs;
      const maxSlots = maxPairSlots(memory, held);
      // The bucket counter (src/counts/bucket-count.ts) is the path when its memory fits the pair
      // table's share and 4 GiB; it does not spill, so beyond that the hash table counts and spills.
      const entries = tokens === null ? null : tokens + (cal && cal.tokens > 0 ? Math.round((cal.sentences / cal.tokens) * tokens) : 0);
      const occurrences = cal?.pairOccurrences !== undefined && cal.tokens > 0 && tokens !== null ? Math.round((cal.pairOccurrences / cal.tokens) * tokens) : null;
      const window = options.window ?? 0;
      const bucketBytes = entries === null || kept === null || occurrences === null || pairs === null ? null : bucketPeakBytes(entries, Math.max(1, kept), occurrences, pairs);
      const bucketFits = bucketBytes !== null && window >= 1 && window <= BUCKET_MAX_WINDOW && kept! < BUCKET_MAX_IDS && bucketFitsWasm(bucketBytes) && bucketBytes <= bucketAllowance(maxSlots);
      if (bucketFits) {
        stages.push({
          name: 'counting: buckets',
          structure: `${fmt(entries)} stream entries × 4 B (a copy), ${fmt(occurrences)} pair occurrences × 4 B, ${fmt(pairs)} distinct pairs × ${BUCKET_PAIR_BYTES} B sorted, ${fmt(kept)} rows × 28 B`,
          bytes: bucketBytes,
          limit: bucketAllowance(maxSlots),
          spills: 'no',
          note: 'WebAssembly bucket counting: pairs sorted by (a, b) without a hash table',
        });
        const nnz = pairs === null ? null : 2 * pairs;
        stages.push({
          name: 'count matrix (CSR)',
          structure: `≤ ${fmt(nnz)} non-zeros × ${CSR_NNZ_BYTES} B (twice per pair off the diagonal), built while the sorted pairs are held`,
          bytes: nnz === null || kept === null ? null : nnz * CSR_NNZ_BYTES + (kept + 1) * 8 + bucketBytes!,
          limit: null,
          spills: 'unbounded',
          note: 'the result, not bounded by --memory',
        });
      }
      const slots = pairs === null || bucketFits ? null : pairTableSlots(pairs);
      const spill = slots !== null && slots > maxSlots;
      const tableSlots = slots === null ? null : Math.min(slots, maxSlots);
      if (!bucketFits) {
        const why = bucketBytes === null ? undefined : window > BUCKET_MAX_WINDOW ? `window over ${BUCKET_MAX_WINDOW}` : !bucketFitsWasm(bucketBytes) ? 'the bucket counter would need over 4 GiB' : `the bucket counter would need ${formatSize(bucketBytes)}, over its share of ${formatSize(bucketAllowance(maxSlots))}`;
        stages.push({
          name: 'counting: pair table',
          structure: `${fmt(pairs)} distinct pairs (a ≤ b), ${fmt(tableSlots)} slots × ${PAIR_SLOT_BYTES} B, ≤ ${PAIR_MAX_LOAD} full`,
          bytes: tableSlots === null ? null : tableSlots * PAIR_SLOT_BYTES * (tableSlots > 1024 ? 1.5 : 1),
          limit: maxSlots * PAIR_SLOT_BYTES * 1.5,
          spills: spill ? 'spill' : 'no',
          note: [why, spill ? `over ${maxSlots.toLocaleString('en-US')} slots: sorted runs spill to $TMPDIR` : undefined].filter((n) => n !== undefined).join('; ') || undefined,
        });
      }
      if (spill && pairs !== null && tokens !== null && cal?.pairGrowth) {
        // Each run holds a full table's pairs; a run is written every time a chunk of text fills it.
        const law = fitPowerLaw(cal.pairGrowth);
        const perRun = Math.floor(maxSlots * PAIR_MAX_LOAD);
        const chunk = law ? (perRun / law.k) ** (1 / law.e) : null;
        const runs = chunk ? Math.max(2, Math.ceil(tokens / chunk)) : null;
        const vocabBytes = (kept ?? 0) * (wordBytes + 1);
        tempDisk = runs === null ? 0 : runs * (perRun * RUN_ENTRY_BYTES + vocabBytes);
        tempNote = runs === null ? 'unknown' : `~${runs} runs × (${perRun.toLocaleString('en-US')} pairs × ${RUN_ENTRY_BYTES} B + the vocabulary); merged ${runs > MERGE_FAN_IN ? `in rounds of ${MERGE_FAN_IN}` : 'in one pass'}`;
        passes += 1;
        passesNote += ', one over the spilled runs';
        stages.push({
          name: 'merging runs',
          structure: `${runs === null ? '?' : Math.min(runs, MERGE_FAN_IN)} open runs × ${(mergeReadBlock(memory, Infinity) / 1024).toFixed(0)} KiB read buffers`,
          bytes: runs === null ? null : Math.min(runs, MERGE_FAN_IN) * mergeReadBlock(memory, Infinity),
          limit: null,
          spills: 'no',
        });
      }
      const nnz = pairs === null ? null : 2 * pairs;
      if (!bucketFits) stages.push({
        name: 'count matrix (CSR)',
        structure: `≤ ${fmt(nnz)} non-zeros × ${CSR_NNZ_BYTES} B (twice per pair off the diagonal)` + (spill ? '' : ', plus the pairs copied out of the table (16 B each)'),
        bytes: nnz === null || kept === null ? null : nnz * CSR_NNZ_BYTES + (kept + 1) * 8 + (spill ? 0 : pairs! * RUN_ENTRY_BYTES) + (tableSlots === null || spill ? 0 : tableSlots * PAIR_SLOT_BYTES),
        limit: null,
        spills: 'unbounded',
        note: 'the result, not bounded by --memory',
      });
      if (method === 'cooc') {
        const dense = dim !== undefined;
        if (dense && kept !== null) {
          stages.push({ name: 'SVD', structure: `${fmt(kept)} × ${dim} dense (float64) and the Lanczos basis`, bytes: null, limit: null, spills: 'unbounded', note: 'not estimated' });
        }
        const format = options.format ?? (dense ? 'text' : kept !== null && kept * kept > 1e9 ? 'mtx' : 'tsv');
        const cols = dense ? dim! : (kept ?? 0);
        const bytes = kept === null ? null : outputBytes(format, { rows: kept, cols, nnz: dense ? null : nnz, dense: dense || format === 'tsv' || format === 'csv' || format === 'text' || format === 'binary', wordBytes, integerValues: !dense && options.integerValues }, options.precision);
        output = { format, bytes, note: dense ? `${fmt(kept)} rows × ${dim} numbers` : `${fmt(kept)} rows, ≤ ${fmt(nnz)} non-zeros` };
      } else {
        output = denseOutput(options, kept, dim, wordBytes);
        stages.push({ name: `training (${method})`, structure: 'weights and the training state', bytes: null, limit: null, spills: 'unbounded', note: 'not estimated' });
      }
    } else if (method === 'sgns' || method === 'cbow') {
      const epochs = options.epochs ?? 1;
      passes = 1 + epochs;
      passesNote = `one pass over the input (tokenize), ${epochs} over the token stream ${streamOnDisk ? 'on disk' : 'in memory'} (epochs)`;
      stages.push({
        name: `training (${method})`,
        structure: `2 × ${fmt(kept)} words × ${dim} × ${FLOAT32_BYTES} B (input and output weights)`,
        bytes: kept === null || dim === undefined ? null : 2 * kept * dim * FLOAT32_BYTES,
        limit: null,
        spills: 'unbounded',
        note: 'the result, not bounded by --memory',
      });
      output = denseOutput(options, kept, dim, wordBytes);
    } else {
      stages.push({ name: `encoding (${method})`, structure: 'the method\'s matrices', bytes: null, limit: null, spills: 'unbounded', note: 'not estimated for this method' });
      output = { format: options.format ?? '?', bytes: null, note: 'not estimated for this method' };
    }
  }

  const known = stages.map((s) => s.bytes).filter((b): b is number => b !== null);
  // The token stream (and the type table's vocabulary) stay while the later stages run.
  const base = stages.filter((s) => s.name.startsWith('reading')).reduce((a, s) => a + (s.bytes ?? 0), 0);
  const later = stages.filter((s) => !s.name.startsWith('reading')).reduce((a, s) => Math.max(a, s.bytes ?? 0), 0);
  const peakBytes = known.length === 0 ? null : RUNTIME_RESERVE + base + later;
  if (stages.some((s) => s.bytes === null && s.note === 'not estimated')) notes.push('stages marked "not estimated" are left out of the peak');
  if (peakBytes !== null && peakBytes > memory) notes.push(`the estimated peak is over --memory: what is over is not bounded by it (docs/memory.md)`);
  if (cal && !cal.whole) notes.push(`estimated from the first ${(cal.sampleBytes / 1e6).toFixed(2)} MB: ${est.bytesPerToken?.toFixed(2)} bytes a token; types by Heaps' law V = ${est.heaps?.k.toFixed(1)}·N^${est.heaps?.e.toFixed(3)}; words kept by min-count m ≈ V(N/m)`);
  if (cal?.whole) notes.push('the sample is the whole input: tokens, types and pairs are exact');
  if (dataBytes(memory) === 0) notes.push('--memory is below the runtime: the tables keep their smallest sizes');

  const readMBps = cal && cal.seconds > 0 ? cal.sampleBytes / 1e6 / cal.seconds : null;
  const readSeconds = readMBps !== null && size.bytes !== null ? size.bytes / 1e6 / readMBps : null;
  return {
    command: options.command === 'encode' ? `encode ${method}` : options.command,
    memory,
    input: { ...size, calibratedOn: cal?.sampleBytes ?? null, calibratedWhole: cal?.whole ?? false },
    corpus: est,
    passes,
    passesNote,
    stages,
    peakBytes,
    tempDiskBytes: tempDisk + streamDisk,
    tempDiskNote: streamDisk > 0 ? [`the token stream ${fmt(streamDisk / TOKEN_BYTES)} entries × ${TOKEN_BYTES} B`, tempNote].filter((n) => n !== undefined).join('; ') : tempNote,
    output,
    time: {
      readMBps,
      readSeconds,
      note: readMBps === null ? 'no calibration' : 'reading and tokenizing, at the rate measured on the sample by one thread (worker threads on large plain files read faster); the later stages are not timed',
    },
    notes,
  };
}

function denseOutput(options: CorpusPlanOptions, kept: number | null, dim: number | undefined, wordBytes: number): Plan['output'] {
  const format = options.format ?? 'text';
  if (kept === null || dim === undefined) return { format, bytes: null, note: 'unknown' };
  return { format, bytes: outputBytes(format, { rows: kept, cols: dim, nnz: null, dense: true, wordBytes }, options.precision), note: `${fmt(kept)} rows × ${dim} numbers` };
}

export interface MergeInput {
  bytes: number;
  binary: boolean;
}

/** The plan of `wordspace merge`: one streaming pass; binary files k-way through read buffers, text through a hash table. */
export function planMerge(inputs: MergeInput[], memory: number, format: string): Plan {
  const total = inputs.reduce((a, i) => a + i.bytes, 0);
  const binary = inputs.every((i) => i.binary);
  const stages: Stage[] = [];
  if (binary) {
    const block = mergeReadBlock(memory, inputs.length);
    const open = Math.min(inputs.length, MERGE_FAN_IN);
    const rounds = inputs.length > MERGE_FAN_IN ? Math.ceil(Math.log(inputs.length) / Math.log(MERGE_FAN_IN)) : 1;
    stages.push({
      name: 'k-way merge',
      structure: `${open} files open at once × ${(block / 1024).toFixed(0)} KiB read buffers`,
      bytes: open * block,
      limit: null,
      spills: rounds > 1 ? 'spill' : 'no',
      note: rounds > 1 ? `more than ${MERGE_FAN_IN} inputs: pair counts are merged in ${rounds} rounds through temporary runs (vocabularies: in groups, summed in memory)` : undefined,
    });
  } else {
    stages.push({ name: 'text counts', structure: 'vocabularies: a hash table of every distinct word; pairs: the pair table', bytes: null, limit: null, spills: 'spill', note: `pairs beyond the table's share of --memory spill as sorted runs (at most the inputs' ${(total / 1e6).toFixed(1)} MB)` });
  }
  return {
    command: 'merge',
    memory,
    input: { bytes: total, diskBytes: total, source: 'stat', files: inputs.length, calibratedOn: null, calibratedWhole: false },
    corpus: { tokens: null, types: null, kept: null, bytesPerToken: null, heaps: null, exact: false, pairs: null },
    passes: 1,
    passesNote: 'one streaming pass over every input',
    stages,
    peakBytes: stages[0]!.bytes === null ? null : RUNTIME_RESERVE + stages[0]!.bytes,
    tempDiskBytes: 0,
    output: { format, bytes: total, note: 'at most the sum of the inputs (equal keys are summed)' },
    time: { readMBps: null, readSeconds: null, note: 'not timed' },
    notes: [],
  };
}

function fmt(n: number | null | undefined): string {
  return n === null || n === undefined ? '?' : Math.round(n).toLocaleString('en-US');
}
