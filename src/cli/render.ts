import chalk, { Chalk } from 'chalk';
import Table from 'cli-table3';
import { stringify } from 'csv-stringify/sync';
import { Sink } from '../io/output.js';
import { useColour, type CliIO } from './context.js';

/** How query results are printed: a table on a terminal, TSV in a pipe, or as asked. */
export const RESULT_FORMATS = ['table', 'tsv', 'csv', 'json'] as const;
export type ResultFormat = (typeof RESULT_FORMATS)[number];

export function defaultResultFormat(io: CliIO): ResultFormat {
  return io.stdout.isTTY ? 'table' : 'tsv';
}

export type Cell = string | number;

export interface ResultTable {
  header: string[];
  rows: Cell[][];
  /** Printed above a terminal table (e.g. the query word). */
  title?: string;
}

/** TSV cell: tabs and newlines cannot appear inside a TSV field, so they become spaces. */
function tsvCell(cell: Cell): string {
  return String(cell).replace(/[\t\r\n]/g, ' ');
}

/**
 * Print result tables. `json` prints one array of objects per table (an array of arrays when there
 * are several); `tsv`/`csv` print one header and the rows of every table (the tables of one command
 * share their columns).
 */
export async function renderTables(io: CliIO, format: ResultFormat, tables: ResultTable[]): Promise<void> {
  const sink = new Sink(io.stdout);
  if (format === 'json') {
    const objects = tables.map((t) => t.rows.map((r) => Object.fromEntries(t.header.map((h, i) => [h, r[i]]))));
    await sink.write(`${JSON.stringify(tables.length === 1 ? objects[0] : objects, null, 1)}\n`);
  } else if (format === 'tsv' || format === 'csv') {
    const header = tables[0]?.header ?? [];
    const all = tables.flatMap((t) => t.rows);
    if (format === 'tsv') {
      await sink.write(`${header.map(tsvCell).join('\t')}\n`);
      for (const row of all) await sink.write(`${row.map(tsvCell).join('\t')}\n`);
    } else {
      await sink.write(stringify([header, ...all.map((r) => r.map(String))]));
    }
  } else {
    const colour = useColour(io);
    const c = colour ? chalk : new Chalk({ level: 0 });
    for (const t of tables) {
      if (t.title) await sink.write(`${c.bold(t.title)}\n`);
      const table = new Table({
        head: t.header.map((h) => c.cyan(h)),
        style: { head: [], border: colour ? ['grey'] : [] },
      });
      for (const row of t.rows) table.push(row.map(String));
      await sink.write(`${table.toString()}\n`);
    }
  }
  await sink.flush();
}
