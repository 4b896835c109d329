import { integer } from '../core/parse.js';

/**
 * The largest `--window` any encoder accepts (cooc, glove, sgns, cbow, autoencoder --input cooc).
 * Windows in the literature are 2–15 words (word2vec 5, GloVe 10, hyperwords 2–10); 10,000 words
 * already spans any paragraph, so a larger value is a typo, not a window. It also keeps the value
 * well inside the int32 the word2vec kernel takes. Whatever the window, counting never looks (or
 * allocates) past the longest sentence.
 */
export const MAX_WINDOW = 10_000;

/** The parser of `--window <n>`, shared by every encoder that slides a window. */
export const parseWindow = integer('--window', 1, MAX_WINDOW);
