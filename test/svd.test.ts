import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../src/core/errors.js';
import { makeMeta, range, SparseMatrix } from '../src/core/matrix.js';
import { projectOut, projectOutBlock, rotateBasis, ROW_BLOCK, symmetricEigen, symmetricEigenvalues, symmetricEigenvaluesLastRows } from '../src/linalg/dense.js';
import { multiplyVector, toCsr, transposeCsr } from '../src/linalg/sparse.js';
import { svdEmbedding, truncatedSvd, type SvdAlgorithm } from '../src/linalg/svd.js';
import { WasmSvdKernels } from '../src/linalg/wasm-svd.js';

/** A SparseMatrix from a function of (i, j); zero values are not stored. */
function sparseFrom(nRows: number, nCols: number, value: (i: number, j: number) => number): SparseMatrix {
  const indptr = new Float64Array(nRows + 1);
  const indices: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < nRows; i++) {
    for (let j = 0; j < nCols; j++) {
      const v = value(i, j);
      if (v !== 0) {
        indices.push(j);
        values.push(v);
      }
    }
    indptr[i + 1] = indices.length;
  }
  return new SparseMatrix(range(nRows), range(nCols), nCols, indptr, Int32Array.from(indices), Float64Array.from(values), makeMeta('test', { source: 'formula' }));
}

/** 60 × 40, 578 non-zeros, rank 34 (numpy.linalg.matrix_rank). */
const formulaB = (i: number, j: number): number => ((3 * i + 5 * j + i * j) % 7 < 2 ? 1 + ((i * 31 + j * 17) % 10) / 4 : 0);
/**
 * Singular values of formulaB, from numpy 1.24:
 *   A = np.zeros((60, 40)); A[i, j] = 1 + ((i*31 + j*17) % 10)/4 where (3i + 5j + ij) % 7 < 2
 *   np.linalg.svd(A, compute_uv=False)[:10]
 * scipy.sparse.linalg.svds(csr_matrix(A), k=10) agrees to 1e-14.
 */
const B_SINGULAR_VALUES = [
  31.063090656465125, 28.63563252407531, 16.134296439687372, 15.33989371244625, 14.997749782031017, 14.310588457955609,
  6.0588848305547325, 5.427767002460527, 4.725026169776434, 3.9363595992912157,
];

/** 300 × 200, 14,906 non-zeros, rank 117: large enough for the Lanczos basis to restart. */
const formulaC = (i: number, j: number): number => ((i * i + 3 * j + i * j) % 11 < 3 ? (((i * 7 + j * 3) % 13) + 1) / 13 : 0);
/** np.linalg.svd(C, compute_uv=False)[:5] for formulaC (numpy 1.24); svds(k=5) agrees to 1e-14. */
const C_SINGULAR_VALUES = [43.31095621106199, 25.498878468318093, 22.401022404527122, 21.16492047048304, 19.23092393401542];

/** Orthonormal DCT-II basis vector j of length n: √(2/n)·cos(π(i + ½)j/n), and 1/√n for j = 0. */
function dct(n: number, j: number): Float64Array {
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = j === 0 ? 1 / Math.sqrt(n) : Math.sqrt(2 / n) * Math.cos((Math.PI * (i + 0.5) * j) / n);
  return v;
}

/** A = Σ_j s_j·u_j·v_jᵀ with DCT vectors u_j (length 12) and v_j (length 9, shifted by one index): a known SVD. */
const KNOWN_S = [10, 7, 5, 3, 2, 1];
const knownU = KNOWN_S.map((_, j) => dct(12, j));
const knownV = KNOWN_S.map((_, j) => dct(9, j + 1));
const knownMatrix = (i: number, j: number): number => KNOWN_S.reduce((sum, s, c) => sum + s * knownU[c]![i]! * knownV[c]![j]!, 0);

function column(x: Float64Array, k: number, c: number): number[] {
  const out: number[] = [];
  for (let r = c; r < x.length; r += k) out.push(x[r]!);
  return out;
}

const dotArrays = (x: number[], y: number[]): number => x.reduce((s, v, i) => s + v * y[i]!, 0);

function assertRelative(actual: ArrayLike<number>, expected: number[], tolerance: number, what: string): void {
  expected.forEach((e, i) => {
    const a = actual[i]!;
    assert.ok(Math.abs(a - e) <= tolerance * Math.abs(e), `${what}[${i}]: ${a} vs ${e}`);
  });
}

for (const algorithm of ['lanczos', 'randomized'] as SvdAlgorithm[]) {
  test(`${algorithm}: a matrix built from known singular vectors gives them back`, () => {
    const m = sparseFrom(12, 9, knownMatrix);
    const k = 3;
    const { U, S, V } = truncatedSvd(m, { dim: k, eig: 0, seed: 1, algorithm });
    assertRelative(S, KNOWN_S.slice(0, k), 1e-9, 'S');
    for (let c = 0; c < k; c++) {
      // Up to sign: |⟨u_c, known u_c⟩| = 1.
      assert.ok(Math.abs(Math.abs(dotArrays(column(U, k, c), Array.from(knownU[c]!))) - 1) < 1e-9, `U column ${c}`);
      assert.ok(Math.abs(Math.abs(dotArrays(column(V!, k, c), Array.from(knownV[c]!))) - 1) < 1e-9, `V column ${c}`);
    }
    // The rank-3 reconstruction U·S·Vᵀ equals Σ_{j<3} s_j u_j v_jᵀ.
    for (let i = 0; i < 12; i++) {
      for (let j = 0; j < 9; j++) {
        let expected = 0;
        for (let c = 0; c < k; c++) expected += KNOWN_S[c]! * knownU[c]![i]! * knownV[c]![j]!;
        let actual = 0;
        for (let c = 0; c < k; c++) actual += U[i * k + c]! * S[c]! * V![j * k + c]!;
        assert.ok(Math.abs(actual - expected) < 1e-9, `reconstruction ${i},${j}: ${actual} vs ${expected}`);
      }
    }
  });
}

test('lanczos: a 60 × 40 sparse matrix matches numpy singular values and vectors', () => {
  const m = sparseFrom(60, 40, formulaB);
  const k = 10;
  const { U, S, V } = truncatedSvd(m, { dim: k, eig: 0, seed: 7 });
  assertRelative(S, B_SINGULAR_VALUES, 1e-10, 'S');
  // First rows of numpy's U columns 0 and 2 (np.linalg.svd, each column's largest |entry| made positive,
  // which for both is row 49), and of column 1 (largest at row 4).
  const numpyU0 = [0.22010151222921814, 0.1750220275156682, 0, 0, 0, 0.18593629873736084];
  const numpyU1 = [0, 0, 0, 0.18700563450842123, 0.24410284365629312, 0];
  const numpyU2 = [0.291558591659124, -0.1070098659674118, 0, 0, 0, -0.2033660955334027];
  [numpyU0, numpyU1, numpyU2].forEach((expected, c) => {
    column(U, k, c)
      .slice(0, 6)
      .forEach((x, r) => assert.ok(Math.abs(x - expected[r]!) < 1e-9, `U[${r}, ${c}] = ${x}, numpy ${expected[r]}`));
  });
  // A·v_c = σ_c·u_c and Aᵀ·u_c = σ_c·v_c, computed from the formula itself.
  for (let c = 0; c < k; c++) {
    for (let i = 0; i < 60; i++) {
      let av = 0;
      for (let j = 0; j < 40; j++) av += formulaB(i, j) * V![j * k + c]!;
      assert.ok(Math.abs(av - S[c]! * U[i * k + c]!) < 1e-9, `A·v ${c} row ${i}`);
    }
    for (let j = 0; j < 40; j++) {
      let atu = 0;
      for (let i = 0; i < 60; i++) atu += formulaB(i, j) * U[i * k + c]!;
      assert.ok(Math.abs(atu - S[c]! * V![j * k + c]!) < 1e-9, `Aᵀ·u ${c} row ${j}`);
    }
  }
  // Orthonormal columns.
  for (let c = 0; c < k; c++) {
    for (let d = 0; d <= c; d++) {
      assert.ok(Math.abs(dotArrays(column(U, k, c), column(U, k, d)) - (c === d ? 1 : 0)) < 1e-10, `UᵀU ${c},${d}`);
    }
  }
});

test('lanczos: a wide matrix (the transpose) gives the same values with U and V swapped', () => {
  const m = sparseFrom(40, 60, (i, j) => formulaB(j, i));
  const k = 4;
  const wide = truncatedSvd(m, { dim: k, eig: 0, seed: 3 });
  const tall = truncatedSvd(sparseFrom(60, 40, formulaB), { dim: k, eig: 0, seed: 3 });
  assertRelative(wide.S, B_SINGULAR_VALUES.slice(0, k), 1e-10, 'S');
  for (let c = 0; c < k; c++) {
    // Same vectors up to sign (each side's sign convention looks at its own U).
    assert.ok(Math.abs(Math.abs(dotArrays(column(wide.U, k, c), column(tall.V!, k, c))) - 1) < 1e-9, `U of Aᵀ = V of A, column ${c}`);
  }
});

test('lanczos: restarts on a 300 × 200 matrix and still matches numpy to 1e-8', () => {
  const m = sparseFrom(300, 200, formulaC);
  // A basis of 5 + 8 vectors cannot hold the answer: it has to restart (the default 37 need not).
  const { S, info } = truncatedSvd(m, { dim: 5, eig: 0, seed: 1, oversample: 8 });
  assert.ok((info.restarts ?? 0) >= 1, `expected the basis of ${info.basisSize} to restart, got ${info.restarts} restarts`);
  assert.equal(info.converged, 5);
  assertRelative(S, C_SINGULAR_VALUES, 1e-8, 'S');
});

test('randomized: 300 × 200 top-5 singular values within 1e-4 of numpy', () => {
  const m = sparseFrom(300, 200, formulaC);
  const { S, info } = truncatedSvd(m, { dim: 5, eig: 0, seed: 1, algorithm: 'randomized' });
  assert.equal(info.algorithm, 'randomized');
  assert.equal(info.powerIterations, 7);
  assertRelative(S, C_SINGULAR_VALUES, 1e-4, 'S');
});

test('rank-deficient: singular values past the rank are 0 with zero U columns, never NaN', () => {
  // formulaB has rank 34 (numpy); numpy's 35th singular value is 1.4e-14.
  const m = sparseFrom(60, 40, formulaB);
  const k = 37;
  for (const algorithm of ['lanczos', 'randomized'] as SvdAlgorithm[]) {
    const { U, S } = truncatedSvd(m, { dim: k, eig: 0, seed: 1, algorithm });
    // numpy: s[30..33] = 1.299772293990654, 1.296910132494518, 0.9212399884024899, 0.8608376950590069
    assertRelative(S.subarray(30, 34), [1.299772293990654, 1.296910132494518, 0.9212399884024899, 0.8608376950590069], 1e-8, `${algorithm} S`);
    for (let c = 34; c < k; c++) {
      assert.equal(S[c], 0, `${algorithm} S[${c}]`);
      assert.ok(column(U, k, c).every((x) => x === 0), `${algorithm} U column ${c} is zero`);
    }
    assert.ok(U.every(Number.isFinite));
  }
});

test('rank 3 inside a 300 × 200 matrix (Krylov breakdown, restarts) and an all-zero matrix', () => {
  const u = [0, 1, 2].map((j) => dct(300, j));
  const v = [0, 1, 2].map((j) => dct(200, j + 2));
  const m = sparseFrom(300, 200, (i, j) => 3 * u[0]![i]! * v[0]![j]! + 2 * u[1]![i]! * v[1]![j]! + u[2]![i]! * v[2]![j]!);
  for (const algorithm of ['lanczos', 'randomized'] as SvdAlgorithm[]) {
    const { U, S } = truncatedSvd(m, { dim: 5, eig: 0, seed: 1, algorithm });
    assertRelative(S.subarray(0, 3), [3, 2, 1], 1e-9, `${algorithm} S`);
    assert.deepEqual(Array.from(S.subarray(3)), [0, 0], `${algorithm} S past the rank`);
    for (let c = 0; c < 3; c++) assert.ok(Math.abs(Math.abs(dotArrays(column(U, 5, c), Array.from(u[c]!))) - 1) < 1e-9, `${algorithm} U column ${c}`);
  }
  const zero = truncatedSvd(sparseFrom(50, 40, () => 0), { dim: 3, eig: 0, seed: 1 });
  assert.deepEqual(Array.from(zero.S), [0, 0, 0]);
  assert.ok(zero.U.every((x) => x === 0));
});

test('the same seed gives identical output; each U column has its largest entry positive', () => {
  const m = sparseFrom(300, 200, formulaC);
  const a = truncatedSvd(m, { dim: 5, eig: 0, seed: 11 });
  const b = truncatedSvd(m, { dim: 5, eig: 0, seed: 11 });
  assert.deepEqual(a.U, b.U);
  assert.deepEqual(a.S, b.S);
  // A different seed converges to the same vectors, and the sign convention makes them equal too.
  const c = truncatedSvd(m, { dim: 5, eig: 0, seed: 12 });
  for (let i = 0; i < a.U.length; i++) assert.ok(Math.abs(a.U[i]! - c.U[i]!) < 1e-6, `U entry ${i}`);
  for (let col = 0; col < 5; col++) {
    const values = column(a.U, 5, col);
    const largest = values.reduce((best, x) => (Math.abs(x) > Math.abs(best) ? x : best), 0);
    assert.ok(largest > 0, `column ${col}`);
  }
});

test('svdEmbedding: p = 0 gives U, p = 1 gives U·Σ, p = 0.5 gives U·√Σ; labels and meta', () => {
  const m = sparseFrom(12, 9, knownMatrix);
  const k = 3;
  const { U } = truncatedSvd(m, { dim: k, eig: 0, seed: 1 });
  for (const eig of [0, 0.5, 1]) {
    const e = svdEmbedding(m, { dim: k, eig, seed: 1 });
    assert.equal(e.nCols, k);
    assert.deepEqual(e.rows, m.rows);
    assert.equal(e.columns, null);
    for (let r = 0; r < 12; r++) {
      for (let c = 0; c < k; c++) {
        const expected = U[r * k + c]! * Math.pow(KNOWN_S[c]!, eig);
        assert.ok(Math.abs(e.data[r * k + c]! - expected) < 1e-5, `p=${eig} [${r},${c}]`);
      }
    }
    const svd = e.meta.svd as Record<string, unknown>;
    assert.equal(svd.dim, k);
    assert.equal(svd.eig, eig);
    assert.equal(svd.algorithm, 'lanczos');
    assertRelative(svd.singularValues as number[], KNOWN_S.slice(0, k), 1e-9, 'meta singular values');
    assert.deepEqual(e.meta.options, { source: 'formula' });
  }
  // p = 1: E·Eᵀ = A_k·A_kᵀ, the Gram matrix of the rank-3 truncation (independent of signs).
  const e1 = svdEmbedding(m, { dim: k, eig: 1, seed: 1 });
  for (let i = 0; i < 12; i++) {
    for (let j = 0; j < 12; j++) {
      let expected = 0;
      for (let c = 0; c < k; c++) expected += KNOWN_S[c]! ** 2 * knownU[c]![i]! * knownU[c]![j]!;
      let actual = 0;
      for (let c = 0; c < k; c++) actual += e1.data[i * k + c]! * e1.data[j * k + c]!;
      assert.ok(Math.abs(actual - expected) < 1e-4, `(E·Eᵀ)[${i},${j}]`);
    }
  }
});

test('--dim too large for the matrix is an InputError saying the limit', () => {
  const m = sparseFrom(60, 40, formulaB);
  assert.throws(
    () => truncatedSvd(m, { dim: 40, eig: 0, seed: 1 }),
    (error: unknown) =>
      error instanceof InputError &&
      error.message === '--dim 40 is larger than this matrix allows (at most 39 for a 60×40 matrix)' &&
      error.hint === 'lower --dim',
  );
  assert.throws(() => svdEmbedding(sparseFrom(3, 500, () => 1), { dim: 500, eig: 0.5, seed: 1 }), /at most 2 for a 3×500 matrix/);
});

test('symmetric eigen-decomposition of a 4 × 4 matrix matches numpy.linalg.eigh', () => {
  // np.linalg.eigh([[4,1,-2,2],[1,2,0,1],[-2,0,3,-2],[2,1,-2,-1]]) eigenvalues, descending.
  const expected = [6.844621107234965, 2.2685314064312423, 1.0843644637732166, -2.1975169774394243];
  const a = Float64Array.from([4, 1, -2, 2, 1, 2, 0, 1, -2, 0, 3, -2, 2, 1, -2, -1]);
  const { values, vectors } = symmetricEigen(a, 4);
  expected.forEach((e, i) => assert.ok(Math.abs(values[i]! - e) < 1e-12, `λ${i}`));
  // A·y = λ·y for every column, and the last components that the Lanczos test uses agree.
  const quick = symmetricEigenvalues(a, 4);
  for (let c = 0; c < 4; c++) {
    for (let r = 0; r < 4; r++) {
      let ay = 0;
      for (let j = 0; j < 4; j++) ay += a[r * 4 + j]! * vectors[j * 4 + c]!;
      assert.ok(Math.abs(ay - values[c]! * vectors[r * 4 + c]!) < 1e-12, `A·y ${c}`);
    }
    assert.ok(Math.abs(quick.values[c]! - values[c]!) < 1e-12);
    assert.ok(Math.abs(Math.abs(quick.lastComponents[c]!) - Math.abs(vectors[3 * 4 + c]!)) < 1e-12, `last component ${c}`);
  }
});

/** max |x − y| over two arrays of one length. */
function maxDifference(x: ArrayLike<number>, y: ArrayLike<number>): number {
  assert.equal(x.length, y.length);
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - y[i]!));
  return worst;
}

test('wasm SVD kernels: BᵀB·x, B·x, B·X, projection and rotation equal the TypeScript kernels (odd rows, odd n)', () => {
  // 37 × 23 with rows of 0..k non-zeros (odd and even lengths, an empty row), so every tail runs.
  const m = sparseFrom(37, 23, (i, j) => (i === 5 ? 0 : (i * 13 + j * 7) % 5 < 2 ? Math.sin(i + 2 * j) : 0));
  const b = toCsr(m);
  const n = b.nCols;
  const size = 9;
  for (const threads of [1, 2]) {
    const kernels = new WasmSvdKernels(b, (size + 1) * n, size, threads, 3);
    const basis = kernels.basis((size + 1) * n);
    const w = kernels.vector(n);
    for (let i = 0; i < basis.length; i++) basis[i] = Math.cos(0.37 * i);
    const x = basis.subarray(2 * n, 3 * n);
    // Reference: Bᵀ·(B·x) with the TypeScript products.
    const middle = new Float64Array(b.nRows);
    const expected = new Float64Array(n);
    multiplyVector(b, x, middle);
    multiplyVector(transposeCsr(b), middle, expected);
    kernels.apply(x, w);
    assert.ok(maxDifference(w, expected) < 1e-12, 'BᵀB·x');
    const product = new Float64Array(b.nRows);
    kernels.multiply(x, product);
    assert.ok(maxDifference(product, middle) < 1e-12, 'B·x');
    // B·X for three vectors (an odd width) as rows, against three B·x.
    const block = new Float64Array(n * 3);
    for (let r = 0; r < n; r++) for (let c = 0; c < 3; c++) block[r * 3 + c] = basis[c * n + r]!;
    const blockProduct = kernels.multiplyBlock(block, 3);
    for (let c = 0; c < 3; c++) {
      const column = new Float64Array(b.nRows);
      multiplyVector(b, basis.subarray(c * n, (c + 1) * n), column);
      assert.ok(maxDifference(Array.from({ length: b.nRows }, (_, r) => blockProduct[r * 3 + c]!), column) < 1e-12, `B·X column ${c}`);
    }

    const referenceBasis = Float64Array.from(basis);
    const referenceW = Float64Array.from(w);
    const coefficients = [new Float64Array(size + 1), new Float64Array(size + 1)];
    const scratch = [new Float64Array(size + 1), new Float64Array(size + 1)];
    kernels.projectOut(basis, n, 7, w, coefficients[0]!, scratch[0]!);
    projectOut(referenceBasis, n, 7, referenceW, coefficients[1]!, scratch[1]!);
    assert.ok(maxDifference(w, referenceW) < 1e-11, 'projected w');
    assert.ok(maxDifference(coefficients[0]!, coefficients[1]!) < 1e-11, 'coefficients');

    for (const width of [5, 4]) {
      const y = Float64Array.from({ length: size * width }, (_, i) => Math.sin(1 + 0.5 * i));
      kernels.rotateBasis(basis, n, size, y, width);
      rotateBasis(referenceBasis, n, size, y, width, new Float64Array(ROW_BLOCK * width));
      assert.ok(maxDifference(basis, referenceBasis) < 1e-11, `rotation of width ${width}`);
    }
    kernels.close();
  }
});

test('lanczos: the wasm kernels give the TypeScript kernels\' S, U and V to rounding (300 × 200 restarting, tall and wide)', () => {
  for (const m of [sparseFrom(300, 200, formulaC), sparseFrom(200, 300, (i, j) => formulaC(j, i))]) {
    const options = { dim: 5, eig: 0, seed: 1, oversample: 8 };
    const reference = truncatedSvd(m, { ...options, kernels: 'typescript' });
    assert.ok((reference.info.restarts ?? 0) >= 1);
    for (const threads of [1, 2]) {
      const fast = truncatedSvd(m, { ...options, kernels: 'wasm', threads });
      assert.deepEqual(fast.info, reference.info);
      assert.ok(maxDifference(fast.S, reference.S) < 1e-9 * reference.S[0]!, `S, ${threads} threads`);
      assert.ok(maxDifference(fast.U, reference.U) < 1e-7, `U, ${threads} threads`);
      assert.ok(maxDifference(fast.V!, reference.V!) < 1e-7, `V, ${threads} threads`);
    }
    // Every call is cut into the same pieces whatever the thread count or the timing: the same bytes
    // run to run, and with 1 or 2 threads.
    const again = [truncatedSvd(m, { ...options, threads: 2 }), truncatedSvd(m, { ...options, threads: 2 }), truncatedSvd(m, { ...options, threads: 1 })];
    assert.deepEqual(again[0]!.U, again[1]!.U);
    assert.deepEqual(again[0]!.U, again[2]!.U);
    assert.deepEqual(again[0]!.S, again[2]!.S);
    assert.deepEqual(again[0]!.V, again[2]!.V);
  }
});

test('eigenvalues with the last rows of the eigenvectors equal the full decomposition\'s (block Lanczos convergence test)', () => {
  // A 9 × 9 symmetric matrix with an arrow row and a block-tridiagonal part, as a restarted block Lanczos T.
  const n = 9;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const x = i === j ? 10 - i : i - j <= 3 || j < 2 ? Math.sin(1 + i * 3 + j) : 0;
      a[i * n + j] = x;
      a[j * n + i] = x;
    }
  }
  const full = symmetricEigen(a, n);
  for (const rows of [1, 3, 4]) {
    const { values, lastRows } = symmetricEigenvaluesLastRows(a, n, rows);
    for (let c = 0; c < n; c++) {
      assert.ok(Math.abs(values[c]! - full.values[c]!) < 1e-12, `λ${c}`);
      for (let r = 0; r < rows; r++) {
        const expected = full.vectors[(n - rows + r) * n + c]!;
        assert.ok(Math.abs(lastRows[c * rows + r]! - expected) < 1e-12, `rows ${rows}: vector ${c} component ${n - rows + r}: ${lastRows[c * rows + r]} vs ${expected}`);
      }
    }
  }
});

test('wasm block kernels: BᵀB·X for four vectors and the block projection equal the TypeScript kernels (odd rows, odd n; 1 and 2 threads)', () => {
  const m = sparseFrom(37, 23, (i, j) => (i === 5 ? 0 : (i * 13 + j * 7) % 5 < 2 ? Math.sin(i + 2 * j) : 0));
  const b = toCsr(m);
  const bt = transposeCsr(b);
  const n = b.nCols;
  const size = 9;
  for (const threads of [1, 2]) {
    const kernels = new WasmSvdKernels(b, (size + 4) * n, size, threads, 0, 4);
    const basis = kernels.basis((size + 4) * n);
    const w = kernels.block(4 * n);
    for (let i = 0; i < basis.length; i++) basis[i] = Math.cos(0.37 * i);
    kernels.applyBlock(basis.subarray(3 * n, 7 * n), w, 4);
    const middle = new Float64Array(b.nRows);
    const expected = new Float64Array(n);
    for (let c = 0; c < 4; c++) {
      multiplyVector(b, basis.subarray((3 + c) * n, (4 + c) * n), middle);
      multiplyVector(bt, middle, expected);
      assert.ok(maxDifference(w.subarray(c * n, (c + 1) * n), expected) < 1e-12, `BᵀB·X column ${c}, ${threads} threads`);
    }
    // Project the four vectors off 7 (odd: a pair and a single basis vector per piece) and off 1 basis vectors.
    for (const count of [7, 1]) {
      const referenceW = Float64Array.from(w);
      const coefficients = [new Float64Array(count * 4).fill(0.5), new Float64Array(count * 4).fill(0.5)];
      kernels.projectOutBlock(basis, n, count, w, 4, coefficients[0]!);
      projectOutBlock(basis, n, count, referenceW, 4, coefficients[1]!);
      assert.ok(maxDifference(w, referenceW) < 1e-11, `projected W, ${count} vectors, ${threads} threads`);
      assert.ok(maxDifference(coefficients[0]!, coefficients[1]!) < 1e-11, `coefficients, ${count} vectors, ${threads} threads`);
    }
    kernels.close();
  }
});

test('block Lanczos (the default) and single-vector Lanczos both match numpy; the block one on the TypeScript kernels too', () => {
  const m = sparseFrom(300, 200, formulaC);
  const runs = [
    truncatedSvd(m, { dim: 5, eig: 0, seed: 1 }),
    truncatedSvd(m, { dim: 5, eig: 0, seed: 1, kernels: 'typescript' }),
    truncatedSvd(m, { dim: 5, eig: 0, seed: 1, blockSize: 1 }),
    truncatedSvd(m, { dim: 5, eig: 0, seed: 1, blockSize: 4, oversample: 8 }),
  ];
  assert.deepEqual(runs.map((r) => r.info.blockSize), [4, 4, 1, 4]);
  assert.ok((runs[3]!.info.restarts ?? 0) >= 1, 'a basis of 13 with blocks of 4 restarts');
  for (const [i, run] of runs.entries()) {
    assert.equal(run.info.converged, 5);
    assertRelative(run.S, C_SINGULAR_VALUES, 1e-9, `run ${i} S`);
    for (let c = 0; c < 5; c++) assert.ok(Math.abs(dotArrays(column(run.U, 5, c), column(runs[2]!.U, 5, c)) - 1) < 1e-8, `run ${i} U column ${c}`);
  }
  // Too small for a block basis (40 columns, basis 42): single-vector, exact.
  assert.equal(truncatedSvd(sparseFrom(60, 40, formulaB), { dim: 10, eig: 0, seed: 7 }).info.blockSize, 1);
});
