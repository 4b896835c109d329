import type { AnalogyMethod } from '../core/vectors.js';

// How scores are printed lives in cli/results.ts (a module without imports, which `similar`'s quick path loads alone).
export { DATA_DECIMALS, score, TABLE_DECIMALS } from '../cli/results.js';

/** Names of the analogy methods in the literature. */
export const METHOD_NAMES: Record<AnalogyMethod, string> = { add: '3CosAdd', mul: '3CosMul' };
