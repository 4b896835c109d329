/**
 * csv and tsv: a header row, then one row per matrix row; the first column is the row label.
 *
 * Header: `label`, then the column labels, or `d1 … dD` when the matrix has none (a header of
 * exactly d1 … dD reads back as "no column labels"). The first header cell is not interpreted.
 *
 * csv follows RFC 4180: a cell holding a comma, a double quote, CR or LF (or an empty label) is
 * quoted, quotes doubled (`"say ""hi"""`), through csv-stringify.
 * tsv has no quoting (a `"` is an ordinary character); instead labels escape the characters a
 * tab-separated line cannot hold, as PostgreSQL's COPY and MySQL's tab format do: tab → `\t`,
 * newline → `\n`, carriage return → `\r`, backslash → `\\`. The reader undoes exactly these four
 * and leaves any other backslash as it is.
 */
import { Readable } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';
import { stringify } from 'csv-stringify/sync';
import { InputError } from '../../core/errors.js';
import { DenseMatrix } from '../../core/matrix.js';
import { checkDenseSize, denseRows, GrowableFloat32, put, unknownMeta, type MatrixWriter, type ReadContext } from './common.js';
import { numberFormatter, parseNumber, quoteCell } from './numbers.js';
import { sourceText, type ByteSource } from './source.js';

/** The first header cell. */
export const LABEL_HEADER = 'label';

const CSV_SPECIAL = /[",\r\n]/;

/** One csv cell, quoted by csv-stringify when it must be; an empty label is quoted so its line is not blank. */
export function csvCell(text: string): string {
  if (text === '') return '""';
  if (!CSV_SPECIAL.test(text)) return text;
  return stringify([[text]], { eof: false });
}

const TSV_ESCAPES: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r', '\\': '\\\\' };
const TSV_UNESCAPES: Record<string, string> = { t: '\t', n: '\n', r: '\r', '\\': '\\' };

export function tsvEscape(text: string): string {
  return text.replace(/[\t\n\r\\]/g, (c) => TSV_ESCAPES[c]!);
}

export function tsvUnescape(text: string): string {
  if (!text.includes('\\')) return text;
  return text.replace(/\\([tnr\\])/g, (_, c: string) => TSV_UNESCAPES[c]!);
}

/** Column labels of a header, or the generic d1 … dD when there are none. */
function headerColumns(columns: string[] | null, nCols: number): string[] {
  return columns ?? Array.from({ length: nCols }, (_, j) => `d${j + 1}`);
}

function isGenericHeader(cells: string[]): boolean {
  return cells.every((c, j) => c === `d${j + 1}`);
}

function delimitedWriter(delimiter: ',' | '\t'): MatrixWriter {
  const cell = delimiter === ',' ? csvCell : tsvEscape;
  return async (matrix, sink, options) => {
    checkDenseSize(matrix, delimiter === ',' ? 'csv' : 'tsv');
    const format = numberFormatter(options.precision);
    const header = [LABEL_HEADER, ...headerColumns(matrix.columns, matrix.nCols)].map(cell);
    await put(sink, `${header.join(delimiter)}\n`);
    let i = 0;
    for (const row of denseRows(matrix)) {
      let line = cell(matrix.rows[i++]!);
      for (let j = 0; j < row.length; j++) line += delimiter + format(row[j]!);
      await put(sink, `${line}\n`);
    }
  };
}

export const writeCsv = delimitedWriter(',');
export const writeTsv = delimitedWriter('\t');

interface RecordWithInfo {
  record: string[];
  info: { lines: number };
}

/** Read csv or tsv (see the module comment). */
export async function readDelimited(source: ByteSource, ctx: ReadContext, delimiter: ',' | '\t'): Promise<DenseMatrix> {
  const tsv = delimiter === '\t';
  const parser = parseCsv({
    delimiter,
    bom: true,
    quote: tsv ? false : '"',
    relax_column_count: true,
    skip_empty_lines: true,
    info: true,
  });
  const feed = Readable.from(sourceText(source, ctx.warn));
  feed.on('error', (err) => parser.destroy(err));
  feed.pipe(parser);
  const label = tsv ? tsvUnescape : (s: string) => s;
  const what = tsv ? 'tsv' : 'csv';
  let columns: string[] | null | undefined;
  let nCols = 0;
  const labels: string[] = [];
  const values = new GrowableFloat32();
  try {
    for await (const item of parser as AsyncIterable<RecordWithInfo>) {
      const { record, info } = item;
      if (columns === undefined) {
        const cells = record.slice(1).map(label);
        nCols = cells.length;
        columns = isGenericHeader(cells) ? null : cells;
        continue;
      }
      if (record.length !== nCols + 1) {
        throw new InputError(
          `${ctx.name} line ${info.lines}: ${record.length - 1} value${record.length === 2 ? '' : 's'} where the header has ${nCols} columns (vectors whose dimensions disagree between lines)`,
          `each row is a label and ${nCols} numbers${tsv ? '' : '; quote a label that holds a comma'}`,
        );
      }
      labels.push(label(record[0]!));
      values.reserve(values.length + nCols);
      for (let j = 1; j <= nCols; j++) {
        const v = parseNumber(record[j]!);
        if (v === undefined) {
          throw new InputError(
            `${ctx.name} line ${info.lines}: ${quoteCell(record[j]!)} is not a number`,
            `column ${j + 1}${columns ? ` (${JSON.stringify(columns[j - 1])})` : ''} of the row of ${JSON.stringify(labels[labels.length - 1])}`,
          );
        }
        values.data[values.length++] = v;
      }
    }
  } catch (err) {
    if (err instanceof InputError) throw err;
    const message = (err as Error).message.replace(/^Invalid /, 'invalid ');
    throw new InputError(`${ctx.name}: malformed ${what}: ${message}`, tsv ? 'check that line' : 'check the quoting on that line');
  } finally {
    feed.destroy();
  }
  if (columns === undefined) throw new InputError(`${ctx.name} is empty`, `expected a header row (label, column names…) and then rows of ${what}`);
  return new DenseMatrix(labels, columns, nCols, values.toArray(), unknownMeta(ctx.name));
}
