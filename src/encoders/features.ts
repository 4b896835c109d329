import { DenseMatrix, makeMeta } from '../core/matrix.js';
import { InputError } from '../core/errors.js';
import { choice } from '../core/parse.js';
import { resolveColumn } from '../io/input.js';
import type { Table } from '../io/table.js';
import type { TableEncoder } from './types.js';

export const SCALINGS = ['none', 'minmax', 'standard'] as const;
export type Scaling = (typeof SCALINGS)[number];

/** A cell counts as a number when it parses as a finite decimal (thousands separators not accepted). */
const NUMBER_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function isNumber(cell: string): boolean {
  return NUMBER_RE.test(cell.trim());
}

interface ColumnPlan {
  index: number;
  name: string;
  kind: 'numeric' | 'categorical';
  /** Categories in order of first appearance. */
  categories?: string[];
}

/**
 * A column is numeric when most of its non-empty cells are numbers; a cell that is not a number in
 * such a column is an error naming its row and column (a typo, not a category). Every other column
 * is categorical and becomes a one-hot group `column=value`. `--categorical` forces a column to be
 * categorical (codes such as 1/2/3 that are not quantities).
 */
function planColumns(table: Table, idIndex: number, forced: Set<string>): ColumnPlan[] {
  const plans: ColumnPlan[] = [];
  table.header.forEach((name, index) => {
    if (index === idIndex) return;
    const cells = table.rows.map((r) => (r[index] ?? '').trim());
    const nonEmpty = cells.filter((c) => c !== '');
    const numeric = nonEmpty.filter(isNumber).length;
    if (!forced.has(name) && nonEmpty.length > 0 && numeric * 2 > nonEmpty.length) {
      plans.push({ index, name, kind: 'numeric' });
    } else {
      const categories: string[] = [];
      const seen = new Set<string>();
      for (const c of cells) {
        if (!seen.has(c)) {
          seen.add(c);
          categories.push(c);
        }
      }
      plans.push({ index, name, kind: 'categorical', categories });
    }
  });
  return plans;
}

function scaleColumn(data: Float32Array, nCols: number, col: number, nRows: number, scaling: Scaling): void {
  if (scaling === 'none' || nRows === 0) return;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let i = 0; i < nRows; i++) {
    const v = data[i * nCols + col]!;
    min = Math.min(min, v);
    max = Math.max(max, v);
    sum += v;
  }
  const mean = sum / nRows;
  let variance = 0;
  for (let i = 0; i < nRows; i++) variance += (data[i * nCols + col]! - mean) ** 2;
  // Population standard deviation, as scikit-learn's StandardScaler.
  const std = Math.sqrt(variance / nRows);
  for (let i = 0; i < nRows; i++) {
    const v = data[i * nCols + col]!;
    if (scaling === 'minmax') data[i * nCols + col] = max > min ? (v - min) / (max - min) : 0;
    else data[i * nCols + col] = std > 0 ? (v - mean) / std : 0;
  }
}

export const features: TableEncoder = {
  name: 'features',
  summary: 'hand-made feature vectors from a table: numeric columns kept, categorical columns one-hot',
  input: 'table',
  defaultMinCount: 1,
  options: [
    { flags: '--scale <how>', description: 'scale numeric columns: none, minmax to [0,1], or standard (zero mean, unit variance)', default: 'none', choices: SCALINGS, parse: choice('--scale', SCALINGS) },
    { flags: '--categorical <columns>', description: 'comma-separated columns to treat as categories even if they hold numbers' },
  ],
  async encode(table, options) {
    const idIndex = options.idColumn !== undefined ? resolveColumn(table.header, options.idColumn as string, table.source, 'id') : 0;
    const forced = new Set(
      String(options.categorical ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    );
    for (const name of forced) resolveColumn(table.header, name, table.source, 'categorical');
    const plans = planColumns(table, idIndex, forced);
    const columns: string[] = [];
    const offsets: number[] = [];
    for (const plan of plans) {
      offsets.push(columns.length);
      if (plan.kind === 'numeric') columns.push(plan.name);
      else for (const value of plan.categories!) columns.push(`${plan.name}=${value}`);
    }
    if (columns.length === 0) throw new InputError(`${table.source} has no feature columns besides the item column`, 'a feature table needs at least two columns');
    if (table.rows.length === 0) throw new InputError(`${table.source} has a header but no rows`);
    const nCols = columns.length;
    const data = new Float32Array(table.rows.length * nCols);
    table.rows.forEach((row, i) => {
      plans.forEach((plan, k) => {
        const cell = (row[plan.index] ?? '').trim();
        if (plan.kind === 'numeric') {
          if (!isNumber(cell)) {
            const what = cell === '' ? 'is empty' : `"${cell}" is not a number`;
            throw new InputError(`${table.source}, row ${i + 1} (${row[idIndex] ?? ''}), column "${plan.name}": ${what}`, 'this column holds numbers; fix the cell, or list the column in --categorical');
          }
          data[i * nCols + offsets[k]!] = Number(cell);
        } else {
          data[i * nCols + offsets[k]! + plan.categories!.indexOf(cell)] = 1;
        }
      });
    });
    const scaling = options.scale as Scaling;
    plans.forEach((plan, k) => {
      if (plan.kind === 'numeric') scaleColumn(data, nCols, offsets[k]!, table.rows.length, scaling);
    });
    const rows = table.rows.map((r) => r[idIndex] ?? '');
    const meta = makeMeta('features', { scale: scaling, categorical: [...forced], idColumn: table.header[idIndex] }, {
      numericColumns: plans.filter((p) => p.kind === 'numeric').map((p) => p.name),
      categoricalColumns: plans.filter((p) => p.kind === 'categorical').map((p) => p.name),
    });
    return new DenseMatrix(rows, columns, nCols, data, meta);
  },
};
