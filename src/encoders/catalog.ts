import type { Encoder } from './types.js';

/**
 * What the command line needs to list a method before loading it: `wordspace encode --help`, the
 * command's argument and its input options. `load` imports the encoder itself (its options, its
 * kernels), only when `encode <method>` runs or shows its help: start-up stays cheap. The test
 * "the catalog agrees with the encoders" checks these fields against each encoder.
 */
export interface EncoderEntry {
  name: string;
  summary: string;
  input: Encoder['input'];
  defaultMinCount: number;
  load(): Promise<Encoder>;
}

/** Every encoder, in the order of `wordspace encode --help` (the order of registry.ts). */
export const ENCODER_CATALOG: readonly EncoderEntry[] = [
  {
    name: 'onehot',
    summary: 'one-hot vectors: the token × vocabulary matrix of the input (or one row per word with --unique)',
    input: 'corpus',
    defaultMinCount: 1,
    load: async () => (await import('./onehot.js')).onehot,
  },
  {
    name: 'features',
    summary: 'hand-made feature vectors from a table: numeric columns kept, categorical columns one-hot',
    input: 'table',
    defaultMinCount: 1,
    load: async () => (await import('./features.js')).features,
  },
  {
    name: 'doc',
    summary: 'term-document vectors: word rows over documents (or document rows over words), counts to tf-idf, optional LSA (--dim)',
    input: 'corpus',
    defaultMinCount: 1,
    load: async () => (await import('./doc.js')).doc,
  },
  {
    name: 'cooc',
    summary: 'window co-occurrence vectors: counts or PPMI, optionally reduced by truncated SVD (--dim)',
    input: 'corpus',
    defaultMinCount: 1,
    load: async () => (await import('./cooc.js')).cooc,
  },
  {
    name: 'autoencoder',
    summary: "autoencoder embeddings: the bottleneck codes of a network that reconstructs each word's PPMI row (or each document's tf-idf row)",
    input: 'corpus',
    defaultMinCount: 5,
    load: async () => (await import('./autoencoder.js')).autoencoder,
  },
  {
    name: 'sgns',
    summary: 'word2vec skip-gram with negative sampling (dense word vectors)',
    input: 'corpus',
    defaultMinCount: 5,
    load: async () => (await import('./word2vec/index.js')).sgns,
  },
  {
    name: 'cbow',
    summary: 'word2vec continuous bag of words with negative sampling (dense word vectors)',
    input: 'corpus',
    defaultMinCount: 5,
    load: async () => (await import('./word2vec/index.js')).cbow,
  },
  {
    name: 'glove',
    summary: 'GloVe word vectors: weighted least squares on log co-occurrence counts, AdaGrad (vectors = W + W̃)',
    input: 'corpus',
    defaultMinCount: 5,
    load: async () => (await import('./glove.js')).glove,
  },
  {
    name: 'fasttext',
    summary: "fastText subword skip-gram / CBOW: words plus character n-grams, vectors for unseen words (-o X.bin writes fastText's model)",
    input: 'corpus',
    defaultMinCount: 5,
    load: async () => (await import('./fasttext/index.js')).fasttext,
  },
  {
    name: 'docvec',
    summary: 'dense document vectors from word vectors: SIF (smooth inverse frequency, common component removed) or the plain mean',
    input: 'corpus',
    defaultMinCount: 1,
    load: async () => (await import('./docvec/index.js')).docvec,
  },
];
