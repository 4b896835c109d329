import type { AnalogyMethod } from '../core/vectors.js';

/** Decimals of a score in a terminal table (enough to compare runs, short enough to read). */
export const TABLE_DECIMALS = 4;
/** Decimals of a score in TSV/CSV/JSON (float32 cosines carry about 7 significant digits). */
export const DATA_DECIMALS = 6;

/** A score rounded for display: a fixed-width string in a table, a number elsewhere; NaN stays NaN. */
export function score(value: number, forTable: boolean): string | number {
  if (Number.isNaN(value)) return 'NaN';
  return forTable ? value.toFixed(TABLE_DECIMALS) : Number(value.toFixed(DATA_DECIMALS));
}

/** Names of the analogy methods in the literature. */
export const METHOD_NAMES: Record<AnalogyMethod, string> = { add: '3CosAdd', mul: '3CosMul' };
