import { InputError } from './errors.js';
import type { Matrix } from './matrix.js';
import { unknownWordError } from '../query/suggest.js';
import { DEFAULT_TOP, normalised, normaliseRow, rawRowCosine, rowNorm, topK } from './cosine.js';

// The row arithmetic lives in cosine.ts (a leaf module `similar`'s quick path loads alone).
export { DEFAULT_TOP, normalised, normaliseRow, rawRowCosine, rowNorm, topK };

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

/**
 * Sparse rows in CSR form (row i holds indices[indptr[i]..indptr[i+1]) with their values), as a
 * PPMI or term-document matrix comes: queries then cost the non-zeros, not rows × columns.
 */
export interface SparseRows {
  indptr: Float64Array | Int32Array;
  indices: Int32Array;
  values: Float32Array;
}

/**
 * Trained word vectors and every query on them (gensim's `KeyedVectors`): the words, a Map from
 * word to row (first occurrence wins), the vectors (dense row-major, or sparse CSR rows as count
 * and PPMI matrices come), and a lazily computed unit-normalised copy that all cosine queries read.
 */
export class WordVectors {
  private readonly index = new Map<string, number>();
  private readonly dense: Float32Array | undefined;
  private readonly sparse: SparseRows | undefined;
  private unitCache: Float32Array | undefined;
  /** Dense cosine queries answered without the unit copy so far (see `cosines`). */
  private directQueries = 0;

  /**
   * @param words row labels; a word appearing twice is looked up at its first row
   * @param vectors row-major `words.length × dim` values, or sparse rows
   */
  constructor(
    readonly words: string[],
    vectors: Float32Array | SparseRows,
    readonly dim: number,
  ) {
    if (vectors instanceof Float32Array) {
      if (vectors.length !== words.length * dim) throw new Error(`word vectors: ${vectors.length} values for ${words.length}×${dim}`);
      this.dense = vectors;
    } else {
      if (vectors.indptr.length !== words.length + 1) throw new Error('word vectors: indptr length must be rows + 1');
      this.sparse = vectors;
    }
    for (let i = 0; i < words.length; i++) {
      if (!this.index.has(words[i]!)) this.index.set(words[i]!, i);
    }
  }

  /** Vectors from a labelled matrix whose rows are words; a sparse matrix stays sparse. */
  static fromMatrix(matrix: Matrix): WordVectors {
    if (matrix.kind === 'sparse') {
      const values = matrix.values instanceof Float32Array ? matrix.values : Float32Array.from(matrix.values);
      return new WordVectors(matrix.rows, { indptr: matrix.indptr, indices: matrix.indices, values }, matrix.nCols);
    }
    const data = matrix.data instanceof Float32Array ? matrix.data : Float32Array.from(matrix.data);
    return new WordVectors(matrix.rows, data, matrix.nCols);
  }

  get isSparse(): boolean {
    return this.sparse !== undefined;
  }

  /** The row-major values of dense vectors (sparse vectors have none: use `row`). */
  get vectors(): Float32Array {
    if (!this.dense) throw new Error('sparse word vectors have no dense array; use row(i)');
    return this.dense;
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

  /** True when row i is all zeros (its cosine with anything is 0: it has no direction). */
  isZero(i: number): boolean {
    if (this.dense) {
      for (let j = i * this.dim, end = j + this.dim; j < end; j++) if (this.dense[j] !== 0) return false;
      return true;
    }
    const { indptr, values } = this.sparse!;
    for (let p = indptr[i]!, end = indptr[i + 1]!; p < end; p++) if (values[p] !== 0) return false;
    return true;
  }

  /** Row i's raw vector: a view for dense vectors, a dense copy for sparse ones. */
  row(i: number): Float32Array {
    if (this.dense) return this.dense.subarray(i * this.dim, (i + 1) * this.dim);
    return densify(this.sparse!, this.sparse!.values, i, this.dim);
  }

  /** A word's raw vector (see `row`). */
  vector(word: string): Float32Array {
    return this.row(this.lookup(word));
  }

  /**
   * Unit-normalised copy of the values, computed on first use: the row-major matrix for dense
   * vectors, the `values` array (same `indptr`/`indices`) for sparse ones. Zero rows stay zero
   * (their norm is taken as 1, as evaluate.py does).
   */
  unit(): Float32Array {
    if (this.unitCache) return this.unitCache;
    const out = this.dense ? normaliseDense(this.dense, this.words.length, this.dim) : normaliseSparse(this.sparse!, this.words.length);
    this.unitCache = out;
    return out;
  }

  /**
   * The unit-normalised rows 0..rows−1 (dense: `rows × dim` values) written into `out`: the values
   * of the unit copy, without making that copy when it does not exist yet.
   */
  unitInto(out: Float32Array, rows = this.size): void {
    const n = clampRestrict(rows, this.size);
    if (this.unitCache || !this.dense) {
      if (!this.dense) throw new Error('unitInto: the vectors are sparse');
      out.set(this.unitCache!.subarray(0, n * this.dim));
      return;
    }
    for (let i = 0, base = 0; i < n; i++, base += this.dim) normaliseRow(this.dense, base, this.dim, out, base);
  }

  /** The sparse rows with unit-normalised values (sparse vectors only). */
  unitSparse(): SparseRows {
    if (!this.sparse) throw new Error('unitSparse: the vectors are dense');
    return { indptr: this.sparse.indptr, indices: this.sparse.indices, values: this.unit() };
  }

  /** True when some word labels more than one row (lookups find its first). */
  get hasRepeatedWords(): boolean {
    return this.index.size !== this.words.length;
  }

  /**
   * Row i of the unit-normalised vectors: a view of the unit copy when dense and that copy exists,
   * else a copy of the row alone (the same float32 values: normaliseRow).
   */
  unitRow(i: number): Float32Array {
    if (this.dense) {
      if (this.unitCache) return this.unitCache.subarray(i * this.dim, (i + 1) * this.dim);
      const out = new Float32Array(this.dim);
      normaliseRow(this.dense, i * this.dim, this.dim, out, 0);
      return out;
    }
    return densify(this.sparse!, this.unit(), i, this.dim);
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
    const scores = new Float64Array(n);
    if (this.sparse) {
      const { indptr, indices } = this.sparse;
      const values = this.unit();
      for (let i = 0; i < n; i++) {
        let s = 0;
        const end = indptr[i + 1]!;
        for (let p = indptr[i]!; p < end; p++) s += values[p]! * q[indices[p]!]!;
        scores[i] = s;
      }
      return scores;
    }
    const dim = this.dim;
    const unrolled = dim - (dim % 4);
    if (!this.unitCache && this.directQueries < DIRECT_QUERIES) {
      // The first queries read the raw rows and divide by each row's norm on the way, the same
      // float32 values the unit copy would hold (normaliseRow): a query or two (`similar WORD`)
      // never allocates and fills that copy, the size of the vectors (issue 8).
      this.directQueries++;
      const data = this.dense!;
      for (let i = 0, base = 0; i < n; i++, base += dim) scores[i] = rawRowCosine(data, base, dim, q);
      return scores;
    }
    const unit = this.unit();
    for (let i = 0, base = 0; i < n; i++, base += dim) {
      // Four independent sums, so the additions do not wait on each other.
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let j = 0;
      for (; j < unrolled; j += 4) {
        s0 += unit[base + j]! * q[j]!;
        s1 += unit[base + j + 1]! * q[j + 1]!;
        s2 += unit[base + j + 2]! * q[j + 2]!;
        s3 += unit[base + j + 3]! * q[j + 3]!;
      }
      for (; j < dim; j++) s0 += unit[base + j]! * q[j]!;
      scores[i] = s0 + s1 + s2 + s3;
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
    if (this.sparse) {
      const { indptr, indices, values } = this.sparse;
      let nnz = 0;
      for (let r = 0; r < rows.length; r++) nnz += indptr[rows[r]! + 1]! - indptr[rows[r]!]!;
      const outIndptr = new Float64Array(rows.length + 1);
      const outIndices = new Int32Array(nnz);
      const outValues = new Float32Array(nnz);
      for (let r = 0, at = 0; r < rows.length; r++) {
        const start = indptr[rows[r]!]!;
        const end = indptr[rows[r]! + 1]!;
        outIndices.set(indices.subarray(start, end), at);
        outValues.set(values.subarray(start, end), at);
        at += end - start;
        outIndptr[r + 1] = at;
      }
      return new WordVectors(words, { indptr: outIndptr, indices: outIndices, values: outValues }, dim);
    }
    const data = this.dense!;
    const out = new Float32Array(rows.length * dim);
    for (let r = 0; r < rows.length; r++) {
      const i = rows[r]!;
      out.set(data.subarray(i * dim, (i + 1) * dim), r * dim);
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

function clampRestrict(restrict: number, size: number): number {
  if (!Number.isInteger(restrict) || restrict < 1) throw new RangeError(`restrict must be a positive integer, got ${restrict}`);
  return Math.min(restrict, size);
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>, n: number): number {
  let s = 0;
  for (let j = 0; j < n; j++) s += a[j]! * b[j]!;
  return s;
}

/** Dense cosine queries answered from the raw rows before the unit copy is made (see `cosines`). */
const DIRECT_QUERIES = 2;

function normaliseDense(data: Float32Array, rows: number, dim: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0, base = 0; i < rows; i++, base += dim) normaliseRow(data, base, dim, out, base);
  return out;
}

function normaliseSparse(rows: SparseRows, n: number): Float32Array {
  const { indptr, values } = rows;
  const out = new Float32Array(values.length);
  for (let i = 0; i < n; i++) {
    const start = indptr[i]!;
    const end = indptr[i + 1]!;
    let s = 0;
    for (let p = start; p < end; p++) s += values[p]! * values[p]!;
    const norm = s > 0 ? Math.sqrt(s) : 1;
    for (let p = start; p < end; p++) out[p] = values[p]! / norm;
  }
  return out;
}

/** A dense copy of sparse row i, with `values` (raw or normalised) for its non-zeros. */
function densify(rows: SparseRows, values: Float32Array, i: number, dim: number): Float32Array {
  const out = new Float32Array(dim);
  const end = rows.indptr[i + 1]!;
  for (let p = rows.indptr[i]!; p < end; p++) out[rows.indices[p]!] = values[p]!;
  return out;
}
