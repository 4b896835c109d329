/**
 * The tokenizers by name: a module of its own, so that the command line can list them without
 * compiling tokenize.ts's Unicode regexes at start-up.
 */
export const TOKENIZERS = ['word', 'whitespace', 'char'] as const;
export type TokenizerName = (typeof TOKENIZERS)[number];
