import { InputError } from './errors.js';
import { DENSE_CELL_LIMIT, type Matrix } from './matrix.js';
import { unknownWordError } from '../query/suggest.js';

/**
 * Trained word vectors and every query on them (gensim's `KeyedVectors`): the words, a Map from
 * word to row, the row-major matrix, and a lazily computed unit-normalised copy that all cosine
 * queries read.
 */

/** One answer of a query: the word, its row, and its score (cosine, or the 3CosMul objective). */
export interface Neighbour {
  word: string;
  index: number;
  score: number;
}

export const ANALOGY_METHODS = ['add', 'mul'] as const;
/** `add` = 3CosAdd (Mikolov et al. 2013), `mul` = 3CosMul (Levy & Goldberg 2014). */
export type AnalogyMethod = (typeof ANALOGY_METHODS)[number];

/**
 * 3CosMul's ε, which keeps the division finite: 1e-3 as in Levy & Goldberg (2014) and
 * /work/shared/bench/evaluate.py (gensim's `most_similar_cosmul` uses 1e-6).
 */
export const COSMUL_EPSILON = 1e-3;

/** 3CosMul shifts cosines from [-1, 1] to [0, 1]: c' = (cos + 1) / 2 (Levy & Goldberg 2014). */
export function shiftedCosine(cos: number): number {
  return (cos + 1) / 2;
}

export interface QueryOptions {
  /** Words or rows never returned (a word query always excludes itself). */
  exclude?: Iterable<string | number>;
  /** Consider only the first `restrict` rows as answers (the most frequent words, for every tool here). */
  restrict?: number;
}

export class WordVectors {
  private readonly index = new Map<string, number>();
  private unitCache: Float32Array | undefined;

  /**
   * @param words row labels; a word appearing twice is looked up at its first row
   * @param vectors row-major, `words.length × dim`
   */
  constructor(
    readonly words: string[],
    readonly vectors: Float32Array,
    readonly dim: number,
  ) {
    if (vectors.length !== words.length * dim) {
      throw new Error(`word vectors: ${vectors.length} values for ${words.length}×${dim}`);
    }
    for (let i = 0; i < words.length; i++) {
      if (!this.index.has(words[i]!)) this.index.set(words[i]!, i);
    }
  }

  /** Vectors from a labelled matrix whose rows are words (sparse matrices are densified). */
  static fromMatrix(matrix: Matrix): WordVectors {
    if (matrix.kind === 'sparse') {
      if (matrix.nRows * matrix.nCols > DENSE_CELL_LIMIT) {
        throw new InputError(
          `the matrix is ${matrix.nRows}×${matrix.nCols} and sparse; too large to query densely`,
          'reduce it first, e.g. encode with --dim',
        );
      }
      matrix = matrix.toDense();
    }
    const data = matrix.data instanceof Float32Array ? matrix.data : Float32Array.from(matrix.data);
    return new WordVectors(matrix.rows, data, matrix.nCols);
  }

  get size(): number {
    return this.words.length;
  }

  /** Row of a word, or -1. */
  indexOf(word: string): number {
    return this.index.get(word) ?? -1;
  }

  has(word: string): boolean {
    return this.index.has(word);
  }

  /** Row of a word; an unknown word is an InputError suggesting close spellings. */
  lookup(word: string): number {
    const i = this.index.get(word);
    if (i === undefined) throw unknownWordError(word, this.words);
    return i;
  }

  /** A view (no copy) of a word's raw vector. */
  vector(word: string): Float32Array {
    const i = this.lookup(word);
    return this.vectors.subarray(i * this.dim, (i + 1) * this.dim);
  }

  /**
   * Unit-normalised copy of the matrix, computed on first use. Zero rows stay zero (their norm is
   * taken as 1, as evaluate.py does).
   */
  unit(): Float32Array {
    if (this.unitCache) return this.unitCache;
    const dim = this.dim;
    const out = new Float32Array(this.vectors.length);
    for (let i = 0, base = 0; i < this.words.length; i++, base += dim) {
      let s = 0;
      for (let j = 0; j < dim; j++) {
        const v = this.vectors[base + j]!;
        s += v * v;
      }
      const norm = s > 0 ? Math.sqrt(s) : 1;
      for (let j = 0; j < dim; j++) out[base + j] = this.vectors[base + j]! / norm;
    }
    this.unitCache = out;
    return out;
  }

  /** A view of row i of the unit-normalised matrix. */
  unitRow(i: number): Float32Array {
    return this.unit().subarray(i * this.dim, (i + 1) * this.dim);
  }

  /** Cosine similarity of two words. */
  similarity(a: string, b: string): number {
    return dot(this.unitRow(this.lookup(a)), this.unitRow(this.lookup(b)), this.dim);
  }

  /**
   * Cosine similarities of every candidate row (the first `restrict` rows) with `query`, which
   * need not be normalised: scores[i] = cos(row i, query).
   */
  cosines(query: ArrayLike<number>, restrict = this.size): Float64Array {
    if (query.length !== this.dim) throw new InputError(`a query vector has ${query.length} values, the vectors have ${this.dim}`);
    const n = clampRestrict(restrict, this.size);
    const q = normalised(query);
    const unit = this.unit();
    const dim = this.dim;
    const scores = new Float64Array(n);
    for (let i = 0, base = 0; i < n; i++, base += dim) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += unit[base + j]! * q[j]!;
      scores[i] = s;
    }
    return scores;
  }

  /**
   * The k nearest rows by cosine to a word or a vector. A word query excludes the word itself
   * (as gensim's `most_similar`). Ties go to the earlier (more frequent) row.
   */
  nearest(query: string | ArrayLike<number>, k = DEFAULT_TOP, options: QueryOptions = {}): Neighbour[] {
    const excluded = this.excludedRows(options.exclude);
    let vector: ArrayLike<number>;
    if (typeof query === 'string') {
      const i = this.lookup(query);
      excluded.add(i);
      vector = this.unitRow(i);
    } else vector = query;
    return this.top(this.cosines(vector, options.restrict), k, excluded);
  }

  /**
   * "a is to b as c is to ?": the k best answers, excluding a, b and c.
   *
   * `add` (3CosAdd): argmax cos(x, b̂ − â + ĉ); the score is that cosine.
   * `mul` (3CosMul): argmax c'(x,b)·c'(x,c) / (c'(x,a) + ε), c' = (cos + 1)/2, ε = 1e-3; the score
   * is that objective.
   */
  analogy(a: string, b: string, c: string, k = DEFAULT_TOP, method: AnalogyMethod = 'add', options: QueryOptions = {}): Neighbour[] {
    const ia = this.lookup(a);
    const ib = this.lookup(b);
    const ic = this.lookup(c);
    const excluded = this.excludedRows(options.exclude);
    excluded.add(ia).add(ib).add(ic);
    const dim = this.dim;
    const ua = this.unitRow(ia);
    const ub = this.unitRow(ib);
    const uc = this.unitRow(ic);
    if (method === 'add') {
      const target = new Float64Array(dim);
      for (let j = 0; j < dim; j++) target[j] = ub[j]! - ua[j]! + uc[j]!;
      return this.top(this.cosines(target, options.restrict), k, excluded);
    }
    const cosA = this.cosines(ua, options.restrict);
    const cosB = this.cosines(ub, options.restrict);
    const cosC = this.cosines(uc, options.restrict);
    const scores = new Float64Array(cosA.length);
    for (let i = 0; i < scores.length; i++) {
      scores[i] = (shiftedCosine(cosB[i]!) * shiftedCosine(cosC[i]!)) / (shiftedCosine(cosA[i]!) + COSMUL_EPSILON);
    }
    return this.top(scores, k, excluded);
  }

  /**
   * A new set of vectors made of the given rows, relabelled. Used to build the lowercased,
   * deduplicated vocabulary that evaluation works on.
   */
  select(rows: ArrayLike<number>, words: string[]): WordVectors {
    const dim = this.dim;
    const out = new Float32Array(rows.length * dim);
    for (let r = 0; r < rows.length; r++) {
      const i = rows[r]!;
      out.set(this.vectors.subarray(i * dim, (i + 1) * dim), r * dim);
    }
    return new WordVectors(words, out, dim);
  }

  private excludedRows(exclude: Iterable<string | number> | undefined): Set<number> {
    const rows = new Set<number>();
    if (exclude) for (const e of exclude) rows.add(typeof e === 'number' ? e : this.lookup(e));
    return rows;
  }

  private top(scores: Float64Array, k: number, excluded: Set<number>): Neighbour[] {
    return topK(scores, k, excluded).map((i) => ({ word: this.words[i]!, index: i, score: scores[i]! }));
  }
}

/** How many neighbours a query returns unless told (gensim's `topn` default). */
export const DEFAULT_TOP = 10;

function clampRestrict(restrict: number, size: number): number {
  if (!Number.isInteger(restrict) || restrict < 1) throw new RangeError(`restrict must be a positive integer, got ${restrict}`);
  return Math.min(restrict, size);
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>, n: number): number {
  let s = 0;
  for (let j = 0; j < n; j++) s += a[j]! * b[j]!;
  return s;
}

function normalised(v: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(v);
  const norm = Math.sqrt(dot(out, out, out.length));
  if (norm > 0) for (let j = 0; j < out.length; j++) out[j] = out[j]! / norm;
  return out;
}

/**
 * Indices of the k largest scores, best first, skipping `excluded` and NaN; ties go to the smaller
 * index. A min-heap of size k, so a query over n rows costs O(n log k).
 */
export function topK(scores: ArrayLike<number>, k: number, excluded: ReadonlySet<number> = new Set()): number[] {
  if (k <= 0) return [];
  const heap: number[] = [];
  // "worse" = lower score, or equal score and larger index.
  const worse = (i: number, j: number): boolean => scores[i]! < scores[j]! || (scores[i] === scores[j] && i > j);
  const siftDown = (p: number): void => {
    for (;;) {
      const l = 2 * p + 1;
      const r = l + 1;
      let m = p;
      if (l < heap.length && worse(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && worse(heap[r]!, heap[m]!)) m = r;
      if (m === p) return;
      [heap[p], heap[m]] = [heap[m]!, heap[p]!];
      p = m;
    }
  };
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (Number.isNaN(s) || excluded.has(i)) continue;
    if (heap.length < k) {
      heap.push(i);
      for (let c = heap.length - 1; c > 0; ) {
        const p = (c - 1) >> 1;
        if (!worse(heap[c]!, heap[p]!)) break;
        [heap[c], heap[p]] = [heap[p]!, heap[c]!];
        c = p;
      }
    } else if (s > scores[heap[0]!]!) {
      heap[0] = i;
      siftDown(0);
    }
  }
  return heap.sort((i, j) => scores[j]! - scores[i]! || i - j);
}
