/**
 * A plain TypeScript statement of one fastText update (src/model.cc `Model::update` with
 * src/loss.cc's negative sampling), for testing the WebAssembly kernel (assembly/fasttext.ts)
 * against it on toy models. Not used in training: it is the specification, written for reading.
 */

/** Input rows (words, then n-gram buckets) and output rows, `dim` columns each, row-major. */
export interface ReferenceModel {
  dim: number;
  input: Float64Array;
  output: Float64Array;
}

/**
 * One update of `rows` (a word's subword rows in skip-gram, every context word's in CBOW) towards
 * `target` against the given negative words, learning rate `alpha`:
 *
 *   h = (1/n) Σ input[r];  for t = target (label 1), then each negative (label 0):
 *     g = (label − σ(h · output[t])) · alpha;  ∂h += g · output[t];  output[t] += g · h
 *   then input[r] += ∂h for every r in rows (each occurrence: a repeated row gains it twice).
 */
export function referenceUpdate(model: ReferenceModel, rows: readonly number[], target: number, negatives: readonly number[], alpha: number, sigmoid: (x: number) => number): void {
  const { dim, input, output } = model;
  const hidden = new Float64Array(dim);
  for (const r of rows) for (let k = 0; k < dim; k++) hidden[k]! += input[r * dim + k]!;
  for (let k = 0; k < dim; k++) hidden[k]! /= rows.length;
  const gradient = new Float64Array(dim);
  const step = (t: number, label: number): void => {
    let f = 0;
    for (let k = 0; k < dim; k++) f += hidden[k]! * output[t * dim + k]!;
    const g = (label - sigmoid(f)) * alpha;
    for (let k = 0; k < dim; k++) {
      gradient[k]! += g * output[t * dim + k]!;
      output[t * dim + k]! += g * hidden[k]!;
    }
  };
  step(target, 1);
  for (const n of negatives) step(n, 0);
  for (const r of rows) for (let k = 0; k < dim; k++) input[r * dim + k]! += gradient[k]!;
}

/**
 * One pass over a sentence with a fixed window (no subsampling), as fastText's `skipgram` and
 * `cbow` (src/fasttext.cc): `subwords[w]` are word w's input rows.
 */
export function referenceSentence(model: ReferenceModel, sentence: readonly number[], subwords: readonly (readonly number[])[], window: number, cbow: boolean, negatives: (target: number) => number[], alpha: number, sigmoid: (x: number) => number): void {
  for (let a = 0; a < sentence.length; a++) {
    const from = Math.max(0, a - window);
    const to = Math.min(sentence.length - 1, a + window);
    if (cbow) {
      const bag: number[] = [];
      for (let c = from; c <= to; c++) if (c !== a) bag.push(...subwords[sentence[c]!]!);
      if (bag.length > 0) referenceUpdate(model, bag, sentence[a]!, negatives(sentence[a]!), alpha, sigmoid);
    } else {
      for (let c = from; c <= to; c++) if (c !== a) referenceUpdate(model, subwords[sentence[a]!]!, sentence[c]!, negatives(sentence[c]!), alpha, sigmoid);
    }
  }
}
