import type { CliIO } from './context.js';

/*
 * Query results as text, for the formats that need no package (TSV and JSON): a module without
 * imports, so `similar`'s quick path (quick-similar.ts) prints its answer without loading the
 * renderer; render.ts prints these and the others (CSV, terminal tables).
 */

/** How query results are printed: a table on a terminal, TSV in a pipe, or as asked. */
export const RESULT_FORMATS = ['table', 'tsv', 'csv', 'json'] as const;
export type ResultFormat = (typeof RESULT_FORMATS)[number];

export function defaultResultFormat(io: Pick<CliIO, 'stdout'>): ResultFormat {
  return io.stdout.isTTY ? 'table' : 'tsv';
}

export type Cell = string | number;

export interface ResultTable {
  header: string[];
  rows: Cell[][];
  /** Printed above a terminal table (e.g. the query word). */
  title?: string;
}

/** Decimals of a score in a terminal table (enough to compare runs, short enough to read). */
export const TABLE_DECIMALS = 4;
/** Decimals of a score in TSV/CSV/JSON (float32 cosines carry about 7 significant digits). */
export const DATA_DECIMALS = 6;

/** A score rounded for display: a fixed-width string in a table, a number elsewhere; NaN stays NaN. */
export function score(value: number, forTable: boolean): string | number {
  if (Number.isNaN(value)) return 'NaN';
  return forTable ? value.toFixed(TABLE_DECIMALS) : Number(value.toFixed(DATA_DECIMALS));
}

/** TSV cell: tabs and newlines cannot appear inside a TSV field, so they become spaces. */
function tsvCell(cell: Cell): string {
  return String(cell).replace(/[\t\r\n]/g, ' ');
}

/**
 * The tables as `json` prints them (one array of objects per table; an array of arrays when there
 * are several) or `tsv` (one header line, then the rows of every table: the tables of one command
 * share their columns), in pieces to write in order; undefined for the other formats.
 */
export function resultText(format: ResultFormat, tables: readonly ResultTable[]): Iterable<string> | undefined {
  if (format === 'json') {
    const objects = tables.map((t) => t.rows.map((r) => Object.fromEntries(t.header.map((h, i) => [h, r[i]]))));
    return [`${JSON.stringify(tables.length === 1 ? objects[0] : objects, null, 1)}\n`];
  }
  return format === 'tsv' ? tsvLines(tables) : undefined;
}

function* tsvLines(tables: readonly ResultTable[]): Generator<string> {
  yield `${(tables[0]?.header ?? []).map(tsvCell).join('\t')}\n`;
  for (const t of tables) for (const row of t.rows) yield `${row.map(tsvCell).join('\t')}\n`;
}
