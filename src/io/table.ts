import { InputError } from '../core/errors.js';
import { csvHeader, csvRecords, displayName, type InputOptions } from './input.js';

/** A small table read whole: a header and rows of strings (feature tables, similarity sets). */
export interface Table {
  source: string;
  header: string[];
  rows: string[][];
  /** 1-based line of each row in the file, for error messages. */
  lines: number[];
}

/** Read a table; `header` as in `csvHeader` (default: the first row, unless it is all numbers). */
export async function readTable(path: string, options: Pick<InputOptions, 'stdin' | 'warn' | 'header'>): Promise<Table> {
  let header: string[] | undefined;
  const rows: string[][] = [];
  const lines: number[] = [];
  let n = 1;
  for await (const record of csvRecords(path, options)) {
    if (!header) {
      const first = csvHeader(record, path, options.header, options.warn);
      header = first.header;
      if (first.firstIsData) {
        rows.push(record);
        lines.push(n);
      }
    } else {
      rows.push(record);
      lines.push(++n);
    }
  }
  if (!header) throw new InputError(`${displayName(path)} is empty`, 'a feature table starts with a header row');
  return { source: displayName(path), header, rows, lines };
}
