import { InputError } from '../core/errors.js';
import { COSMUL_EPSILON, type AnalogyMethod, type WordVectors } from '../core/vectors.js';
import { displayName, textLines } from '../io/input.js';

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
 * Similarity matrix cells held at once while evaluating (16M float32 = 64 MB): the questions are
 * processed in chunks whose distinct question words fit in this many columns of R rows.
 */
export const ANALOGY_CELL_BUDGET = 1 << 24;
/** Rows per block of the similarity computation (256 rows × 100 dims × 4 bytes = 100 KB, cache-sized). */
const ROW_BLOCK = 256;

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
export function evaluateAnalogies(vectors: WordVectors, set: AnalogySet, options: { method: AnalogyMethod; restrict: number }): AnalogyResult {
  const rows = Math.min(options.restrict, vectors.size);
  const total = set.sectionOf.length;
  // Row of each word of each answerable question (rows < R), and its question number.
  const ids: number[] = [];
  const asked: number[] = [];
  for (let q = 0; q < total; q++) {
    const four = [0, 1, 2, 3].map((k) => vectors.indexOf(set.words[4 * q + k]!));
    if (four.every((i) => i >= 0 && i < rows)) {
      ids.push(...four);
      asked.push(q);
    }
  }
  const correct = new Uint8Array(asked.length);
  const maxColumns = Math.max(3, Math.floor(ANALOGY_CELL_BUDGET / Math.max(rows, 1)));
  for (let start = 0; start < asked.length; ) {
    const columnOf = new Map<number, number>();
    let end = start;
    for (; end < asked.length; end++) {
      const fresh = [0, 1, 2].filter((k) => !columnOf.has(ids[4 * end + k]!));
      const distinct = new Set(fresh.map((k) => ids[4 * end + k]!));
      if (end > start && columnOf.size + distinct.size > maxColumns) break;
      for (const i of distinct) columnOf.set(i, columnOf.size);
    }
    const scores = cosineColumns(vectors, rows, [...columnOf.keys()]);
    for (let q = start; q < end; q++) {
      const a = ids[4 * q]!;
      const b = ids[4 * q + 1]!;
      const c = ids[4 * q + 2]!;
      const sa = scores.subarray(columnOf.get(a)! * rows, (columnOf.get(a)! + 1) * rows);
      const sb = scores.subarray(columnOf.get(b)! * rows, (columnOf.get(b)! + 1) * rows);
      const sc = scores.subarray(columnOf.get(c)! * rows, (columnOf.get(c)! + 1) * rows);
      const best = options.method === 'add' ? argmaxAdd(sa, sb, sc, a, b, c) : argmaxMul(sa, sb, sc, a, b, c);
      correct[q] = best === ids[4 * q + 3]! ? 1 : 0;
    }
    start = end;
  }
  return summarise(set, asked, correct, options.method, rows);
}

/**
 * S (column-major, U columns of R rows): S[u·R + r] = x̂_r · x̂_{columns[u]}, stored as float32 as
 * numpy's float32 matrix product returns it.
 */
function cosineColumns(vectors: WordVectors, rows: number, columns: number[]): Float32Array {
  const unit = vectors.unit();
  const dim = vectors.dim;
  const out = new Float32Array(columns.length * rows);
  for (let r0 = 0; r0 < rows; r0 += ROW_BLOCK) {
    const r1 = Math.min(rows, r0 + ROW_BLOCK);
    let u = 0;
    // Four columns at a time: each row value loaded once feeds four dot products.
    for (; u + 4 <= columns.length; u += 4) {
      const o0 = columns[u]! * dim;
      const o1 = columns[u + 1]! * dim;
      const o2 = columns[u + 2]! * dim;
      const o3 = columns[u + 3]! * dim;
      for (let r = r0; r < r1; r++) {
        const base = r * dim;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let j = 0; j < dim; j++) {
          const x = unit[base + j]!;
          s0 += x * unit[o0 + j]!;
          s1 += x * unit[o1 + j]!;
          s2 += x * unit[o2 + j]!;
          s3 += x * unit[o3 + j]!;
        }
        out[u * rows + r] = s0;
        out[(u + 1) * rows + r] = s1;
        out[(u + 2) * rows + r] = s2;
        out[(u + 3) * rows + r] = s3;
      }
    }
    for (; u < columns.length; u++) {
      const o = columns[u]! * dim;
      for (let r = r0; r < r1; r++) {
        const base = r * dim;
        let s = 0;
        for (let j = 0; j < dim; j++) s += unit[base + j]! * unit[o + j]!;
        out[u * rows + r] = s;
      }
    }
  }
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
