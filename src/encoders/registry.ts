import { UsageError } from '../core/errors.js';
import { autoencoder } from './autoencoder.js';
import { cooc } from './cooc.js';
import { doc } from './doc.js';
import { docvec } from './docvec/index.js';
import { fasttext } from './fasttext/index.js';
import { features } from './features.js';
import { glove } from './glove.js';
import { onehot } from './onehot.js';
import type { Encoder } from './types.js';
import { cbow, sgns } from './word2vec/index.js';

/**
 * Every encoder by name. The CLI builds `wordspace encode <method>` and its help from this list;
 * nothing else switches on method names. Add an encoder by importing it and listing it here.
 */
const ENCODERS: readonly Encoder[] = [
  onehot,
  features,
  doc,
  cooc,
  autoencoder,
  sgns,
  cbow,
  glove,
  fasttext,
  docvec,
];

export function encoders(): readonly Encoder[] {
  return ENCODERS;
}

export function getEncoder(name: string): Encoder {
  const found = ENCODERS.find((e) => e.name === name);
  if (!found) throw new UsageError(`unknown method "${name}"`, `choose one of: ${ENCODERS.map((e) => e.name).join(', ')}`);
  return found;
}
