import type { Command } from 'commander';
import type { CliIO } from '../context.js';

/** Each command lives in its own file and registers itself on the program. */
export type RegisterCommand = (program: Command, io: CliIO) => void;

/**
 * A command as `wordspace --help` lists it, and how to load it. A run loads only the commands its
 * arguments name (commander dispatches to one), so `--version`, `--help` and each command start
 * without the others' modules; the rest are listed from `term` and `summary`, which the test
 * "the command list without loading matches the loaded commands" keeps equal to the real ones.
 */
export interface CommandEntry {
  name: string;
  /** commander's term for the command in the list: name, [options], arguments. */
  term: string;
  /** Its summary (else its description), as the list shows it. */
  summary: string;
  load(): Promise<RegisterCommand>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'vocab', term: 'vocab [options] [inputs...]', summary: 'count tokens → vocabulary', load: async () => (await import('./vocab.js')).registerVocab },
  { name: 'prepare', term: 'prepare [options] [inputs...]', summary: 'tokenize once → a compact binary corpus every command reads', load: async () => (await import('./prepare.js')).registerPrepare },
  { name: 'encode', term: 'encode', summary: 'corpus (or feature table) → matrix', load: async () => (await import('./encode.js')).registerEncode },
  { name: 'similar', term: 'similar [options] <vectors> [words...]', summary: 'nearest neighbours of each word, by cosine similarity', load: async () => (await import('./similar.js')).registerSimilar },
  {
    name: 'analogy',
    term: 'analogy [options] <vectors> <a> <b> <c>',
    summary: '"a is to b as c is to ?": the words closest to b − a + c (3CosAdd) or by 3CosMul',
    load: async () => (await import('./analogy.js')).registerAnalogy,
  },
  {
    name: 'evaluate',
    term: 'evaluate [options] <vectors>',
    summary: 'word-similarity (Spearman ρ, Pearson r) and analogy (accuracy) benchmarks',
    load: async () => (await import('./evaluate.js')).registerEvaluate,
  },
  {
    name: 'convert',
    term: 'convert [options] <input> <output>',
    summary: 'convert vectors or a matrix between formats: json, jsonl, csv, tsv, text (word2vec/GloVe), binary (word2vec), mtx (Matrix Market), npy (NumPy, labels in X.rows.txt), projector (TensorBoard, a directory)',
    load: async () => (await import('./convert.js')).registerConvert,
  },
  { name: 'phrases', term: 'phrases [options] [inputs...]', summary: 'rewrite a corpus with collocations joined (new_york)', load: async () => (await import('./phrases.js')).registerPhrases },
  {
    name: 'vectors',
    term: 'vectors [options] <model> [words...]',
    summary: 'print the vector of each word (built from character n-grams for unseen words of a fastText model), as fasttext print-word-vectors',
    load: async () => (await import('./vectors.js')).registerVectors,
  },
  { name: 'merge', term: 'merge [options] <files...>', summary: "sum vocabulary or count shards (map-reduce's reduce step)", load: async () => (await import('./merge.js')).registerMerge },
  {
    name: 'explain',
    term: 'explain [options] [corpus] [words...]',
    summary: "the contexts behind a similarity (PPMI), or a word's strongest contexts",
    load: async () => (await import('./explain.js')).registerExplain,
  },
  { name: 'compare', term: 'compare [options] [inputs...]', summary: 'train several methods on one tokenization, one score table', load: async () => (await import('./compare.js')).registerCompare },
  { name: 'plot', term: 'plot', summary: 'SVG/PNG pictures of a neighbourhood or a similarity matrix', load: async () => (await import('./plot.js')).registerPlot },
];

/**
 * The registration of every command named in argv (a superset of the one commander will dispatch
 * to: the first operand, or the one after `help`); loading one too many is harmless.
 */
export async function loadCommands(argv: readonly string[]): Promise<Map<string, RegisterCommand>> {
  const named = COMMANDS.filter((entry) => argv.includes(entry.name));
  const registers = await Promise.all(named.map((entry) => entry.load()));
  return new Map(named.map((entry, i) => [entry.name, registers[i]!]));
}

/** Every command's registration (tests, and anything that needs the whole program). */
export function loadAllCommands(): Promise<Map<string, RegisterCommand>> {
  return loadCommands(COMMANDS.map((entry) => entry.name));
}
