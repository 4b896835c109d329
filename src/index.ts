/**
 * wordspace as a library: the functions the command line itself is built from.
 *
 *   import { readCorpus, encode, saveMatrix, loadVectors, WordVectors } from 'wordspace';
 *   const corpus = await readCorpus('speeches.txt.gz', { minCount: 5 });
 *   const matrix = await encode('cooc', corpus, { weight: 'ppmi', dim: 100 });
 *   await saveMatrix(matrix, 'speeches.vec');
 *   WordVectors.fromMatrix(matrix).nearest('freedom', 5);   // [{ word, index, score }, …]
 *
 * Everything here is free of `process` and the console: progress and warnings go to the callbacks
 * you pass. Errors are `InputError` (bad input; exit status 1 on the command line) or `UsageError`
 * (bad options; exit status 2), both `WordspaceError`s with a `hint`.
 */

// Errors.
export { InputError, UsageError, WordspaceError } from './core/errors.js';

// Reading a corpus or a feature table.
export { readCorpus, type ReadCorpusOptions } from './io/read-corpus.js';
export { readTable, type Table } from './io/table.js';
export { DOC_UNITS, type DocUnit } from './io/input.js';
export { TOKENIZERS, type TokenizerName } from './text/tokenize.js';
export type { Corpus } from './corpus/corpus.js';
export { Vocabulary } from './vocab/vocabulary.js';

// Encoding.
export { encode, encoderOptions } from './encoders/encode.js';
export { encoders, getEncoder } from './encoders/registry.js';
export type { EncodeContext, Encoder, EncoderOptions, OptionSpec } from './encoders/types.js';
export { silentProgress, type Progress } from './core/progress.js';

// Matrices and their files.
export { DenseMatrix, SparseMatrix, DENSE_CELL_LIMIT, type Matrix, type MatrixMeta } from './core/matrix.js';
export { FORMATS, inferFormat, readMatrix, writeMatrixFile, type Format, type ReadOptions, type WriteOptions } from './io/formats/index.js';
export { saveMatrix, type SaveOptions } from './io/save.js';

// fastText models: encode('fasttext', corpus, { mode: 'skipgram' }) returns the word vectors with the model attached;
// fastTextModelOf(matrix).wordVector('unseen', out) builds a word from its n-grams; writeFastTextFile(model, 'model.bin', stdout).
export { FastTextModel, fastTextModelOf } from './encoders/fasttext/model.js';
export { FASTTEXT_DEFAULTS, FASTTEXT_MODES } from './encoders/fasttext/index.js';
export { writeFastText, writeFastTextFile } from './io/formats/index.js';

// Word vectors and queries: similar, analogy, evaluate.
export { loadVectors } from './query/load.js';
export { ANALOGY_METHODS, DEFAULT_TOP, WordVectors, type AnalogyMethod, type Neighbour, type QueryOptions } from './core/vectors.js';
export { BENCHMARKS, benchmarkFiles, evaluate, type EvaluationOptions, type EvaluationReport } from './query/evaluate.js';

// Explaining a similarity: countCooccurrences(corpus, { window: 5, distanceWeighting: 'none' }) → explainPair(counts, 'king', 'queen').
export { countCooccurrences } from './encoders/cooc.js';
export { EXPLAIN_DEFAULTS, explainPair, explainWord, sharedNeighbours, type ContextStrength, type ExplainOptions, type NeighbourExplanation, type PairContext, type PairExplanation, type SharedNeighbour, type WordExplanation } from './analysis/explain.js';
// Comparing methods on one corpus: compare(corpus, { methods: ['ppmi-svd', 'sgns'], dim: 100 }) → one row per method.
export { compare, compareMethods, compareSets, comparisonJson, comparisonRow, comparisonTable, formatComparison, methodOptions, COMPARE_DEFAULTS, COMPARE_FORMATS, COMPARE_METHODS, DEFAULT_COMPARE_METHODS, type CompareContext, type CompareFormat, type CompareMethod, type CompareOptions, type CompareRun, type CompareSets, type CompareSettings, type Comparison, type ComparisonRow, type MemoryMeter, type SetScore } from './analysis/compare.js';
// Pictures: pure functions from vectors to SVG; PNG through @resvg/resvg-js.
export { wordMap, mapSvg, DEFAULT_MAP_SIZE, type MapLayout, type MapPicture, type MapPoint, type WordMapOptions } from './plot/map.js';
export { wordHeatmap, heatmapSvg, HEATMAP_ORDERS, type HeatmapOptions, type HeatmapOrder, type HeatmapPicture } from './plot/heatmap.js';
export { pca2, tsne2, PROJECTIONS, type Projection, type TsneOptions } from './plot/project.js';
export { averageLinkageOrder, cosineMatrix } from './plot/cluster.js';
export { placeLabels, textWidth, type Box, type LabelRequest, type PlacedLabel, type PlacementOptions } from './plot/labels.js';
export { parseGroups } from './plot/groups.js';
export { renderPng, DEFAULT_PNG_SCALE, type PngOptions } from './io/png.js';

export { VERSION } from './version.js';

// Phrases: collocations joined into one token (new_york), as gensim's Phrases.
export { DEFAULT_MAX_BIGRAMS, PHRASE_DELIMITER, phraseSentences, writePhrased, type PassReport, type Phrase, type PhraseOptions } from './phrases/phrases.js';
export { defaultScore, DEFAULT_MIN_COUNT, DEFAULT_THRESHOLD, ENGLISH_CONNECTOR_WORDS, npmiScore, SCORER_NAMES, SCORERS, type BigramStats, type ScorerName } from './phrases/scorers.js';
