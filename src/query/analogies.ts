import { InputError } from '../core/errors.js';
import { COSMUL_EPSILON, type AnalogyMethod, type WordVectors } from '../core/vectors.js';
import { displayName, textLines } from '../io/input.js';
import { analogyHelper, queryKernel, type QueryExports } from './analogy-kernel.js';
import { layout } from './kernel.js';
import type { WasmHelperThread } from '../linalg/wasm-helper.js';

/**
 * Analogy benchmarks in the format of word2vec's questions-words.txt (Mikolov et al. 2013):
 * `: section` headers, then one question `a b c d` a line ("a is to b as c is to d"). Sections
 * whose name starts with `gram` are syntactic, the others semantic. Words are lowercased.
 */
export interface AnalogySet {
  name: string;
  /** Section names in file order. */
  sections: string[];
  /** Four word strings per question: a, b, c, expected d. */
  words: string[];
  /** Section (index into `sections`) of each question. */
  sectionOf: Int32Array;
}

/** Prefix of the syntactic sections of questions-words.txt (`gram1-adjective-to-adverb`, …). */
export const SYNTACTIC_PREFIX = 'gram';
/** Section name for questions that come before any `: section` line. */
export const NO_SECTION = '(no section)';

export interface AccuracyCount {
  name: string;
  /** Questions in the group. */
  questions: number;
  /** Questions whose four words are all in the restricted vocabulary. */
  answered: number;
  correct: number;
  /** correct / answered (NaN when nothing was answered). */
  accuracy: number;
}

export interface AnalogyResult extends AccuracyCount {
  method: AnalogyMethod;
  /** Rows searched for answers and required of the question words (the first R words). */
  restrict: number;
  /** Questions left out because a word is outside the restricted vocabulary. */
  skipped: number;
  semantic: AccuracyCount;
  syntactic: AccuracyCount;
  sections: AccuracyCount[];
}

export function parseAnalogySet(lines: Iterable<string>, name: string): AnalogySet {
  const sections: string[] = [];
  const words: string[] = [];
  const sectionOf: number[] = [];
  let current = -1;
  let line = 0;
  for (const text of lines) {
    line++;
    const trimmed = text.trim().toLowerCase();
    if (trimmed === '') continue;
    if (trimmed.startsWith(':')) {
      sections.push(trimmed.slice(1).trim());
      current = sections.length - 1;
      continue;
    }
    const fields = trimmed.split(/\s+/);
    if (fields.length !== 4) {
      throw new InputError(
        `${name}, line ${line}: expected ": section" or four words "a b c d", got ${fields.length} field${fields.length === 1 ? '' : 's'}`,
        'an analogy set has the format of word2vec questions-words.txt',
      );
    }
    if (current === -1) {
      sections.push(NO_SECTION);
      current = 0;
    }
    words.push(...fields);
    sectionOf.push(current);
  }
  if (sectionOf.length === 0) throw new InputError(`${name} has no analogy questions`, 'an analogy set has one question "a b c d" a line');
  return { name, sections, words, sectionOf: Int32Array.from(sectionOf) };
}

export async function readAnalogySet(path: string, stdin?: NodeJS.ReadableStream): Promise<AnalogySet> {
  const lines: string[] = [];
  for await (const line of textLines(path, { stdin })) lines.push(line);
  return parseAnalogySet(lines, displayName(path));
}

/**
 * Similarity matrix cells held at once while evaluating (4M float32 = 16 MB): the questions are
 * processed in chunks whose distinct question words fit in this many columns of R rows. Memory
 * touched for the first time costs more than recomputing a few columns (issue 8, questions-words
 * on 28.8k rows: 16 MB took 620 ms of CPU, 32 MB 670, 64 MB 760, though its 145-column chunks
 * compute 783 columns where 582-column ones compute 683).
 */
export const ANALOGY_CELL_BUDGET = 1 << 22;
/** Rows per block of the similarity computation (512 rows × 100 dims × 4 bytes = 200 KB, about an L2 cache). */
const ROW_BLOCK = 512;

/**
 * Accuracy on an analogy set over the first `restrict` rows (the most frequent words): only the
 * questions whose four words are among those rows count, the three question words are never an
 * answer, and ties go to the earlier row. Identical in protocol to evaluate.py and gensim's
 * `evaluate_word_analogies`.
 *
 * Batched: for a chunk of questions, the cosines of every candidate row with every distinct
 * question word are computed once (a blocked R × U product, S[u] = X̂[:R] · x̂_u), then each
 * question is one pass over three columns of S.
 */
export function evaluateAnalogies(vectors: WordVectors, set: AnalogySet, options: AnalogyOptions): AnalogyResult {
  const { rows, asked, answers, ids } = answerAnalogies(vectors, set, options);
  const correct = new Uint8Array(asked.length);
  for (let k = 0; k < asked.length; k++) correct[k] = answers[k] === ids[4 * k + 3] ? 1 : 0;
  return summarise(set, asked, correct, options.method, rows);
}

export interface AnalogyOptions {
  method: AnalogyMethod;
  restrict: number;
  /** Similarity cells held at once (default ANALOGY_CELL_BUDGET). */
  cellBudget?: number;
  /** false: the TypeScript reference path even when the WebAssembly kernel loads (dense vectors). */
  kernel?: boolean;
  /** Threads of the kernel path, 1 or 2 (default: 2 on two cores for a large enough job; tests force it). */
  threads?: number;
}

/**
 * The answer row of every answerable question (see evaluateAnalogies): `asked` holds their
 * numbers in the set, `answers[k]` the best row for question asked[k] (-1 when no row is left),
 * `ids[4k…4k+3]` the rows of its four words; `rows` is the restricted vocabulary's size.
 */
export function answerAnalogies(vectors: WordVectors, set: AnalogySet, options: AnalogyOptions): { rows: number; asked: number[]; answers: Int32Array; ids: number[] } {
  const rows = Math.min(options.restrict, vectors.size);
  const total = set.sectionOf.length;
  // Row of each word of each answerable question (rows < R), and its question number.
  const ids: number[] = [];
  const asked: number[] = [];
  for (let q = 0; q < total; q++) {
    let answerable = true;
    for (let k = 0; k < 4; k++) {
      const i = vectors.indexOf(set.words[4 * q + k]!);
      ids.push(i);
      if (i < 0 || i >= rows) answerable = false;
    }
    if (answerable) asked.push(q);
    else ids.length -= 4;
  }
  const answers = new Int32Array(asked.length);
  const maxColumns = Math.max(3, Math.floor((options.cellBudget ?? ANALOGY_CELL_BUDGET) / Math.max(rows, 1)));
  const byColumn = vectors.isSparse ? candidateColumns(vectors, rows) : undefined;
  const kernel = !byColumn && options.kernel !== false && asked.length > 0 ? queryKernel() : null;
  let helper: WasmHelperThread | undefined;
  if (kernel) {
    // The helper thread (analogy-kernel.ts), started now if it is not running, so that it is ready
    // when the columns are computed.
    const words = new Set<number>();
    for (let k = 0; k < asked.length; k++) for (let w = 0; w < 3; w++) words.add(ids[4 * k + w]!);
    helper = analogyHelper(rows * words.size, options.threads);
    // The unit rows are the first block of every chunk's layout, so they are copied once.
    const [unitAt] = layout(kernel, [rows * vectors.dim * FLOAT32_BYTES]) as [number];
    // Normalised straight into the kernel's memory (no unit copy of all the vectors beside it).
    vectors.unitInto(new Float32Array(kernel.memory.buffer, unitAt, rows * vectors.dim), rows);
  }
  const method = options.method;
  for (let start = 0; start < asked.length; ) {
    const columnOf = new Map<number, number>();
    let end = start;
    for (; end < asked.length; end++) {
      let fresh = 0;
      for (let k = 0; k < 3; k++) {
        const i = ids[4 * end + k]!;
        if (!columnOf.has(i) && (k === 0 || i !== ids[4 * end]!) && (k < 2 || i !== ids[4 * end + 1]!)) fresh++;
      }
      if (end > start && columnOf.size + fresh > maxColumns) break;
      for (let k = 0; k < 3; k++) {
        const i = ids[4 * end + k]!;
        if (!columnOf.has(i)) columnOf.set(i, columnOf.size);
      }
    }
    const columns = [...columnOf.keys()];
    if (kernel) {
      answerWithKernel(kernel, helper, vectors, rows, columns, columnOf, ids, start, end, method, answers);
    } else {
      const scores = byColumn ? sparseCosineColumns(vectors, byColumn, rows, columns) : cosineColumns(vectors, rows, columns);
      for (let q = start; q < end; q++) {
        const a = ids[4 * q]!;
        const b = ids[4 * q + 1]!;
        const c = ids[4 * q + 2]!;
        const sa = scores.subarray(columnOf.get(a)! * rows, (columnOf.get(a)! + 1) * rows);
        const sb = scores.subarray(columnOf.get(b)! * rows, (columnOf.get(b)! + 1) * rows);
        const sc = scores.subarray(columnOf.get(c)! * rows, (columnOf.get(c)! + 1) * rows);
        answers[q] = method === 'add' ? argmaxAdd(sa, sb, sc, a, b, c) : argmaxMul(sa, sb, sc, a, b, c);
      }
    }
    start = end;
  }
  return { rows, asked, answers, ids };
}

/** Columns computed together: each row value loaded once feeds this many dot products. */
const COLUMN_GROUP = 8;
const FLOAT32_BYTES = 4;
const FLOAT64_BYTES = 8;

/**
 * One chunk of questions on the wasm kernel: the same S as cosineColumns (the unit rows already
 * copied to the kernel's memory), then each question's argmax, as the reference path computes them.
 * With a helper thread, the rows of S and then the questions are split in two halves (the helper
 * runs the second; the main thread takes it back if the helper has not started it).
 */
function answerWithKernel(
  kernel: QueryExports,
  helper: WasmHelperThread | undefined,
  vectors: WordVectors,
  rows: number,
  columns: number[],
  columnOf: Map<number, number>,
  ids: number[],
  start: number,
  end: number,
  method: AnalogyMethod,
  answers: Int32Array,
): void {
  const dim = vectors.dim;
  const groups = Math.ceil(columns.length / COLUMN_GROUP);
  const packedLength = groups * dim * COLUMN_GROUP;
  const count = end - start;
  const [unitAt, packedAt, scoresAt, questionsAt, answersAt, epsilonAt] = layout(kernel, [
    rows * dim * FLOAT32_BYTES,
    packedLength * FLOAT64_BYTES,
    groups * COLUMN_GROUP * rows * FLOAT32_BYTES,
    count * QUESTION_WORDS * 4,
    count * 4,
    FLOAT32_BYTES,
  ]) as [number, number, number, number, number, number];
  const memory = kernel.memory.buffer;
  // The unit rows in the kernel's memory (every column is a row below `rows`: see answerAnalogies).
  const unit = new Float32Array(memory, unitAt, rows * dim);
  const packed = new Float64Array(memory, packedAt, packedLength);
  packed.fill(0);
  columns.forEach((column, u) => {
    const g = Math.floor(u / COLUMN_GROUP);
    const t = u % COLUMN_GROUP;
    for (let j = 0; j < dim; j++) packed[(g * dim + j) * COLUMN_GROUP + t] = unit[column * dim + j]!;
  });
  const half = rows >> 1;
  if (helper) helper.post('cosineColumns', [unitAt, rows, dim, packedAt, groups, scoresAt, ROW_BLOCK, half, rows]);
  kernel.cosineColumns(unitAt, rows, dim, packedAt, groups, scoresAt, ROW_BLOCK, 0, helper ? half : rows);
  helper?.join();
  // The questions: their score columns' offsets and their three rows.
  const columnBytes = rows * FLOAT32_BYTES;
  const table = new Int32Array(memory, questionsAt, count * QUESTION_WORDS);
  for (let k = 0; k < count; k++) {
    const q = start + k;
    for (let w = 0; w < 3; w++) {
      const id = ids[4 * q + w]!;
      table[QUESTION_WORDS * k + w] = scoresAt + columnOf.get(id)! * columnBytes;
      table[QUESTION_WORDS * k + 3 + w] = id;
    }
  }
  new Float32Array(memory, epsilonAt, 1)[0] = COSMUL_EPSILON;
  const mul = method === 'add' ? 0 : 1;
  const middle = helper ? count >> 1 : count;
  if (helper) helper.post('answerBatch', [questionsAt, middle, count, rows, mul, epsilonAt, answersAt]);
  kernel.answerBatch(questionsAt, 0, middle, rows, mul, epsilonAt, answersAt);
  helper?.join();
  answers.set(new Int32Array(memory, answersAt, count), start);
}

/** Int32 words per question in the kernel's table: the three score columns' offsets, then the three rows. */
const QUESTION_WORDS = 6;

/**
 * S (column-major, U columns of R rows): S[u·R + r] = x̂_r · x̂_{columns[u]}, stored as float32 as
 * numpy's float32 matrix product returns it. The columns are first packed in groups of 8,
 * interleaved (packed[(g·dim + j)·8 + t] = x̂_{columns[8g+t]}[j], zero-padded), so the inner loop
 * reads one row value and 8 consecutive column values.
 */
function cosineColumns(vectors: WordVectors, rows: number, columns: number[]): Float32Array {
  const unit = vectors.unit();
  const dim = vectors.dim;
  const groups = Math.ceil(columns.length / COLUMN_GROUP);
  const packed = new Float64Array(groups * dim * COLUMN_GROUP);
  columns.forEach((column, u) => {
    const g = Math.floor(u / COLUMN_GROUP);
    const t = u % COLUMN_GROUP;
    for (let j = 0; j < dim; j++) packed[(g * dim + j) * COLUMN_GROUP + t] = unit[column * dim + j]!;
  });
  // Room for the padding columns of the last group; they are never read.
  const out = new Float32Array(groups * COLUMN_GROUP * rows);
  for (let r0 = 0; r0 < rows; r0 += ROW_BLOCK) {
    const r1 = Math.min(rows, r0 + ROW_BLOCK);
    for (let g = 0; g < groups; g++) {
      const first = g * dim * COLUMN_GROUP;
      const column0 = g * COLUMN_GROUP * rows;
      for (let r = r0; r < r1; r++) {
        const base = r * dim;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        let s4 = 0;
        let s5 = 0;
        let s6 = 0;
        let s7 = 0;
        for (let j = 0, p = first; j < dim; j++, p += COLUMN_GROUP) {
          const x = unit[base + j]!;
          s0 += x * packed[p]!;
          s1 += x * packed[p + 1]!;
          s2 += x * packed[p + 2]!;
          s3 += x * packed[p + 3]!;
          s4 += x * packed[p + 4]!;
          s5 += x * packed[p + 5]!;
          s6 += x * packed[p + 6]!;
          s7 += x * packed[p + 7]!;
        }
        const o = column0 + r;
        out[o] = s0;
        out[o + rows] = s1;
        out[o + 2 * rows] = s2;
        out[o + 3 * rows] = s3;
        out[o + 4 * rows] = s4;
        out[o + 5 * rows] = s5;
        out[o + 6 * rows] = s6;
        out[o + 7 * rows] = s7;
      }
    }
  }
  return out;
}

/** The first R unit rows of sparse vectors, stored by column (CSC): rows[p] / values[p] for p in indptr[j]..indptr[j+1]. */
interface ColumnStore {
  indptr: Float64Array;
  rows: Int32Array;
  values: Float32Array;
}

function candidateColumns(vectors: WordVectors, rows: number): ColumnStore {
  const { indptr, indices, values } = vectors.unitSparse();
  const nnz = indptr[rows]!;
  const starts = new Float64Array(vectors.dim + 1);
  for (let p = 0; p < nnz; p++) starts[indices[p]! + 1]!++;
  for (let j = 0; j < vectors.dim; j++) starts[j + 1]! += starts[j]!;
  const fill = starts.slice(0, vectors.dim);
  const byRow = new Int32Array(nnz);
  const byValue = new Float32Array(nnz);
  for (let r = 0; r < rows; r++) {
    const end = indptr[r + 1]!;
    for (let p = indptr[r]!; p < end; p++) {
      const q = fill[indices[p]!]!++;
      byRow[q] = r;
      byValue[q] = values[p]!;
    }
  }
  return { indptr: starts, rows: byRow, values: byValue };
}

/**
 * The same S for sparse rows, sparse × sparse: for each column word u and each of its non-zeros
 * (j, x̂_u[j]), add x̂_u[j]·x̂_r[j] to every candidate row r that has a non-zero in dimension j. The
 * work is Σ_u Σ_{j ∈ u} (non-zeros of column j) — on a PPMI matrix of the English mix ~6× less
 * than scattering every row against the dense question columns.
 */
function sparseCosineColumns(vectors: WordVectors, byColumn: ColumnStore, rows: number, columns: number[]): Float32Array {
  const { indptr, indices, values } = vectors.unitSparse();
  const out = new Float32Array(columns.length * rows);
  const sums = new Float64Array(rows);
  columns.forEach((column, u) => {
    sums.fill(0);
    const end = indptr[column + 1]!;
    for (let p = indptr[column]!; p < end; p++) {
      const x = values[p]!;
      const j = indices[p]!;
      const last = byColumn.indptr[j + 1]!;
      for (let q = byColumn.indptr[j]!; q < last; q++) sums[byColumn.rows[q]!]! += x * byColumn.values[q]!;
    }
    out.set(sums, u * rows);
  });
  return out;
}

const fround = Math.fround;

/**
 * 3CosAdd: argmax over rows x ∉ {a, b, c} of cos(x,b) − cos(x,a) + cos(x,c) (the same argmax as
 * cos(x, b̂ − â + ĉ)), each step rounded to float32 as evaluate.py's numpy does; first row wins ties.
 */
function argmaxAdd(sa: Float32Array, sb: Float32Array, sc: Float32Array, a: number, b: number, c: number): number {
  let best = -Infinity;
  let bestRow = -1;
  for (let r = 0; r < sa.length; r++) {
    if (r === a || r === b || r === c) continue;
    const v = fround(fround(sb[r]! - sa[r]!) + sc[r]!);
    if (v > best) {
      best = v;
      bestRow = r;
    }
  }
  return bestRow;
}

/**
 * 3CosMul: argmax of c'(x,b)·c'(x,c) / (c'(x,a) + ε), c' = (cos + 1)/2, ε = 1e-3, rounded to
 * float32 step by step as evaluate.py computes it.
 */
function argmaxMul(sa: Float32Array, sb: Float32Array, sc: Float32Array, a: number, b: number, c: number): number {
  const epsilon = fround(COSMUL_EPSILON);
  let best = -Infinity;
  let bestRow = -1;
  for (let r = 0; r < sa.length; r++) {
    if (r === a || r === b || r === c) continue;
    const pb = fround(sb[r]! + 1) / 2;
    const pc = fround(sc[r]! + 1) / 2;
    const pa = fround(fround(sa[r]! + 1) / 2 + epsilon);
    const v = fround(fround(pb * pc) / pa);
    if (v > best) {
      best = v;
      bestRow = r;
    }
  }
  return bestRow;
}

function summarise(set: AnalogySet, asked: number[], correct: Uint8Array, method: AnalogyMethod, restrict: number): AnalogyResult {
  const n = set.sections.length;
  const questions = new Int32Array(n);
  const answered = new Int32Array(n);
  const right = new Int32Array(n);
  for (const s of set.sectionOf) questions[s]!++;
  asked.forEach((q, k) => {
    const s = set.sectionOf[q]!;
    answered[s]!++;
    right[s]! += correct[k]!;
  });
  const count = (name: string, keep: (s: number) => boolean): AccuracyCount => {
    let qs = 0;
    let as = 0;
    let cs = 0;
    for (let s = 0; s < n; s++) {
      if (!keep(s)) continue;
      qs += questions[s]!;
      as += answered[s]!;
      cs += right[s]!;
    }
    return { name, questions: qs, answered: as, correct: cs, accuracy: as > 0 ? cs / as : NaN };
  };
  const syntactic = (s: number): boolean => set.sections[s]!.startsWith(SYNTACTIC_PREFIX);
  const all = count('all', () => true);
  return {
    ...all,
    method,
    restrict,
    skipped: all.questions - all.answered,
    semantic: count('semantic', (s) => !syntactic(s)),
    syntactic: count('syntactic', syntactic),
    sections: set.sections.map((name, s) => count(name, (t) => t === s)),
  };
}
