/**
 * A saved document-vector model (`encode docvec --save-model FILE`): what it takes to embed NEW
 * documents the way the training run embedded its own (`encode docvec --infer FILE`,
 * `similar DOCVECS --text … --model FILE`). Its own small binary format, versioned:
 *
 *   bytes 0–7   "WSDOCVEC"
 *   uint32 LE   format version (DOCVEC_MODEL_VERSION)
 *   uint32 LE   header length in bytes, a multiple of 4
 *   header      JSON (UTF-8, space-padded): method, dim, vocabulary words and counts, the tokenizer,
 *               the settings, and `arrays`: [{ name, length }] in file order
 *   arrays      float32 LE, one after another:
 *               pv-dbow: `output` (vocabulary × dim, the output weights, word2vec's syn1neg);
 *               sif/mean: `words` (vocabulary × dim, the word vectors), `has` (vocabulary: 1 when
 *               the word has a vector), and for sif `components` (k × dim, the removed directions).
 */
import { readFile } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import { InputError, UsageError } from '../../core/errors.js';
import type { Corpus } from '../../corpus/corpus.js';
import { withOutput } from '../../io/output.js';
import { makeTokenizer, type TokenizerOptions } from '../../text/tokenize.js';
import { inferPvDbow } from './pv-dbow.js';
import { removeComponents, sifWeights } from './sif.js';

export const DOCVEC_MODEL_MAGIC = 'WSDOCVEC';
export const DOCVEC_MODEL_VERSION = 1;
/** Magic, version, header length. */
const PREAMBLE_BYTES = 16;

export type DocvecModelMethod = 'sif' | 'mean' | 'pv-dbow';

export interface DocvecModel {
  method: DocvecModelMethod;
  dim: number;
  words: string[];
  counts: number[];
  /** How the training corpus was tokenized (new text is tokenized the same way). */
  tokenizer: TokenizerOptions;
  /** pv-dbow: negative, sample, alpha, epochs, seed (and window, trainWords for the record); sif: sifA, sifComponents. */
  settings: Record<string, number | boolean>;
  /** pv-dbow: vocabulary × dim output weights. */
  output?: Float32Array;
  /** sif/mean: vocabulary × dim word vectors and which words have one. */
  wordVectors?: Float32Array;
  has?: Float32Array;
  /** sif: k × dim unit directions removed from every document. */
  components?: Float32Array;
}

const ARRAYS = ['output', 'wordVectors', 'has', 'components'] as const;

/** The model as bytes. */
export function encodeModel(model: DocvecModel): Uint8Array {
  const arrays = ARRAYS.filter((name) => model[name] !== undefined).map((name) => ({ name, length: model[name]!.length }));
  const { output: _o, wordVectors: _w, has: _h, components: _c, ...rest } = model;
  let header = Buffer.from(JSON.stringify({ ...rest, arrays }), 'utf8');
  if (header.length % 4 !== 0) header = Buffer.concat([header, Buffer.alloc(4 - (header.length % 4), ' ')]);
  const floats = arrays.reduce((n, a) => n + a.length, 0);
  const out = new Uint8Array(PREAMBLE_BYTES + header.length + floats * 4);
  const view = new DataView(out.buffer);
  out.set(Buffer.from(DOCVEC_MODEL_MAGIC, 'latin1'), 0);
  view.setUint32(8, DOCVEC_MODEL_VERSION, true);
  view.setUint32(12, header.length, true);
  out.set(header, PREAMBLE_BYTES);
  let at = PREAMBLE_BYTES + header.length;
  for (const { name } of arrays) {
    const values = model[name]!;
    for (let i = 0; i < values.length; i++, at += 4) view.setFloat32(at, values[i]!, true);
  }
  return out;
}

/** Parse model bytes; `source` names the file in errors. */
export function decodeModel(bytes: Uint8Array, source: string): DocvecModel {
  const bad = (what: string): InputError => new InputError(`${source}: not a wordspace document model (${what})`, 'write one with `wordspace encode docvec … --save-model FILE`');
  if (bytes.length < PREAMBLE_BYTES || Buffer.from(bytes.subarray(0, 8)).toString('latin1') !== DOCVEC_MODEL_MAGIC) throw bad('no WSDOCVEC header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== DOCVEC_MODEL_VERSION) throw new InputError(`${source}: document model version ${version}, this wordspace reads version ${DOCVEC_MODEL_VERSION}`, 'save the model again with this version');
  const headerBytes = view.getUint32(12, true);
  if (PREAMBLE_BYTES + headerBytes > bytes.length) throw bad('truncated header');
  let header: DocvecModel & { arrays: { name: (typeof ARRAYS)[number]; length: number }[] };
  try {
    header = JSON.parse(Buffer.from(bytes.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + headerBytes)).toString('utf8'));
  } catch {
    throw bad('unreadable header');
  }
  const { arrays, ...model } = header;
  if (!Array.isArray(arrays) || !Array.isArray(model.words) || !Array.isArray(model.counts) || model.words.length !== model.counts.length || !(model.dim > 0)) throw bad('bad header');
  let at = PREAMBLE_BYTES + headerBytes;
  for (const { name, length } of arrays) {
    if (!ARRAYS.includes(name) || !(length >= 0) || at + length * 4 > bytes.length) throw bad(`truncated or unknown array ${String(name)}`);
    const values = new Float32Array(length);
    for (let i = 0; i < length; i++, at += 4) values[i] = view.getFloat32(at, true);
    model[name] = values;
  }
  const rows = model.words.length * model.dim;
  const ok = model.method === 'pv-dbow' ? model.output?.length === rows : model.wordVectors?.length === rows && model.has?.length === model.words.length;
  if (!ok) throw bad(`the arrays do not fit ${model.words.length} words × ${model.dim} dimensions`);
  return model;
}

/** Write the model atomically (a temporary file renamed over the target). */
export async function saveModel(path: string, model: DocvecModel, options: { force?: boolean } = {}): Promise<void> {
  if (path === '-') throw new UsageError('--save-model needs a file name, not -', 'give a path such as model.wsdv');
  const bytes = encodeModel(model);
  await withOutput(path, new PassThrough(), async (sink) => {
    await sink.write(bytes);
  }, options);
}

export async function loadModel(path: string): Promise<DocvecModel> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (err) {
    throw new InputError(`cannot read the document model ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 'check the path (written by `encode docvec --save-model`)');
  }
  return decodeModel(bytes, path);
}

/** New documents as entries over the model's vocabulary (-1 ending each sentence that kept a word), and the tokens it does not know. */
export interface ModelDocuments {
  documents: Int32Array[];
  unknownTokens: number;
}

function modelIndex(model: DocvecModel): Map<string, number> {
  const index = new Map<string, number>();
  model.words.forEach((word, id) => {
    if (!index.has(word)) index.set(word, id);
  });
  return index;
}

/** A corpus's documents in the model's vocabulary (its words matched by spelling). */
export function corpusDocuments(model: DocvecModel, corpus: Pick<Corpus, 'stream' | 'docStarts' | 'vocab'>): ModelDocuments {
  const index = modelIndex(model);
  const toModel = Int32Array.from(corpus.vocab.words, (word) => index.get(word) ?? -1);
  const nDocs = corpus.docStarts.length - 1;
  const parts: number[][] = Array.from({ length: nDocs }, () => []);
  let unknownTokens = 0;
  let doc = 0;
  let sentence = 0;
  corpus.stream.forEachSentence((tokens, begin, end) => {
    while (doc < nDocs && sentence >= corpus.docStarts[doc + 1]!) doc++;
    const out = parts[doc]!;
    const before = out.length;
    for (let p = begin; p < end; p++) {
      const id = toModel[tokens[p]!]!;
      if (id >= 0) out.push(id);
      else unknownTokens++;
    }
    if (out.length > before) out.push(-1);
    sentence++;
  });
  return { documents: parts.map((p) => Int32Array.from(p)), unknownTokens };
}

/** A text (one sentence per line) as one document in the model's vocabulary, tokenized as the model's corpus was. */
export function textDocument(model: DocvecModel, text: string): ModelDocuments {
  const index = modelIndex(model);
  const tokenize = makeTokenizer(model.tokenizer);
  const out: number[] = [];
  let unknownTokens = 0;
  for (const line of text.split(/\r?\n/)) {
    const before = out.length;
    for (const word of tokenize(line)) {
      const id = index.get(word);
      if (id === undefined) unknownTokens++;
      else out.push(id);
    }
    if (out.length > before) out.push(-1);
  }
  return { documents: [Int32Array.from(out)], unknownTokens };
}

/**
 * Vectors for new documents (entries over the model's vocabulary), documents × dim: pv-dbow infers
 * them (gensim's infer_vector); sif/mean average the model's word vectors with the model's weights
 * (p(w) from the training counts) and remove the model's components. A document with no known
 * word gets a zero row, counted in `empty`.
 */
export async function embedDocuments(model: DocvecModel, documents: readonly Int32Array[]): Promise<{ data: Float32Array; empty: number }> {
  const { dim, settings } = model;
  if (model.method === 'pv-dbow') {
    return inferPvDbow(documents, model.counts, model.output!, {
      dim, negative: settings.negative as number, sample: settings.sample as number, alpha: settings.alpha as number, epochs: settings.epochs as number, seed: settings.seed as number,
    });
  }
  const vectors = model.wordVectors!;
  const has = model.has!;
  const weights = model.method === 'sif' ? sifWeights(model.counts, settings.sifA as number) : undefined;
  const data = new Float64Array(documents.length * dim);
  let empty = 0;
  documents.forEach((entries, d) => {
    const base = d * dim;
    let used = 0;
    for (const id of entries) {
      if (id < 0 || has[id] !== 1) continue;
      const w = weights ? weights[id]! : 1;
      for (let j = 0; j < dim; j++) data[base + j]! += w * vectors[id * dim + j]!;
      used++;
    }
    if (used === 0) empty++;
    else for (let j = 0; j < dim; j++) data[base + j]! /= used;
  });
  const components = model.components;
  if (components && components.length > 0) removeComponents(data, documents.length, dim, Float64Array.from(components), components.length / dim);
  return { data: Float32Array.from(data), empty };
}
