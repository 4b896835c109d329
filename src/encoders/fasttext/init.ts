/**
 * Continue training a subword model (`encode fasttext --init MODEL.bin`): a fastText `.bin` (ours or
 * fastText's) gives the starting point. Its dimension and n-gram settings (minn, maxn, bucket) are the
 * model's, so that every n-gram row means what it meant; the words both have start from the model's
 * word rows, every n-gram bucket row from the model's, new words at random. The vocabulary is the
 * corpus's, or that and the model's words (`--init-vocab union`, the default). The output weights
 * (what predicts each word) of the matched words start from the model's output matrix, which a
 * `.bin` keeps; new words' output rows start at zero, as fastText's do.
 */
import { InputError, UsageError } from '../../core/errors.js';
import type { Corpus } from '../../corpus/corpus.js';
import { initVocabulary, readInitVectors, type InitVocabulary } from '../word2vec/init.js';
import { fastTextModelOf, type FastTextModel } from './model.js';
import { EOS } from './subwords.js';

/** What training copies from the model: our word id → the model's word id (−1: a new word). */
export interface FastTextInit {
  model: FastTextModel;
  modelWord: Int32Array;
  matched: number;
  added: number;
  fresh: number;
}

export async function readFastTextInit(path: string, warn?: (message: string) => void): Promise<FastTextModel> {
  const model = fastTextModelOf(await readInitVectors(path, warn, true));
  if (!model) throw new InputError(`--init ${path} is not a fastText .bin model`, 'encode fasttext continues a subword model: give a .bin that encode fasttext or fastText wrote (sgns and cbow start from word vectors)');
  if (model.dictionary.pruneSize >= 0) throw new InputError(`--init ${path} is a pruned (quantized) fastText model`, 'continue from the full .bin model');
  return model;
}

/** Settings a subword model fixes, and the flags that would change them. */
export function modelSettings(model: FastTextModel): { dim: number; minn: number; maxn: number; bucket: number } {
  return { dim: model.args.dim, minn: model.args.minn, maxn: model.args.maxn, bucket: model.args.maxn > 0 ? model.args.bucket : 0 };
}

/** The training corpus (`mode`) and which model word each vocabulary word starts from. */
export function applyFastTextInit(corpus: Corpus, model: FastTextModel, mode: InitVocabulary): { corpus: Corpus; init: FastTextInit } {
  const words = model.words.filter((w) => w !== EOS);
  const { corpus: training, added } = initVocabulary(corpus, words, mode);
  const vocab = training.vocab;
  const modelWord = new Int32Array(vocab.size).fill(-1);
  let matched = 0;
  for (let id = 0; id < vocab.size; id++) {
    const m = model.idOf(vocab.words[id]!);
    if (m < 0) continue;
    modelWord[id] = m;
    if (id < corpus.vocab.size) matched++;
  }
  return { corpus: training, init: { model, modelWord, matched, added, fresh: corpus.vocab.size - matched } };
}

/** A usage error when a flag given away from its default disagrees with the model. */
export function checkModelFlags(given: Record<string, number>, defaults: Record<string, number>, model: Record<string, number>, source: string): void {
  for (const key of Object.keys(model)) {
    if (given[key] !== undefined && given[key] !== defaults[key] && given[key] !== model[key]) {
      throw new UsageError(`--${key} ${given[key]} differs from the ${key} ${model[key]} of --init ${source}`, `drop --${key} (the model sets it) or give --${key} ${model[key]}`);
    }
  }
}
