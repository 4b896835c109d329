/**
 * json: `{"rows": [...], "columns": [...] | null, "data": [[...], ...], "meta": {...}}`.
 *
 * Written row by row (one `data` row per line) and read by a streaming tokenizer that puts the
 * numbers of `data` straight into a Float32Array, so neither side ever holds the document as one
 * string (V8 strings stop at ~512 MB; a 10^8-cell matrix is over a gigabyte of JSON).
 * NaN and ±Infinity, which JSON cannot hold, are written `null` and read back as NaN.
 */
import { InputError } from '../../core/errors.js';
import { DenseMatrix } from '../../core/matrix.js';
import { checkDenseSize, denseRows, GrowableFloat32, metaFrom, put, type MatrixWriter, type ReadContext } from './common.js';
import { detach, fastDecimal, jsonNumberFormatter } from './numbers.js';
import { sourceText, type ByteSource } from './source.js';

/** Labels are gathered into pieces of about this many characters before they go to the sink. */
const LABEL_BATCH_CHARS = 1 << 16;

async function writeLabelArray(sink: Parameters<MatrixWriter>[1], labels: readonly string[]): Promise<void> {
  let piece = '[';
  for (let i = 0; i < labels.length; i++) {
    piece += (i === 0 ? '' : ', ') + JSON.stringify(labels[i]);
    if (piece.length >= LABEL_BATCH_CHARS) {
      await put(sink, piece);
      piece = '';
    }
  }
  await put(sink, `${piece}]`);
}

export const writeJson: MatrixWriter = async (matrix, sink, options) => {
  checkDenseSize(matrix, 'json');
  const format = jsonNumberFormatter(options.precision);
  await put(sink, '{"rows": ');
  await writeLabelArray(sink, matrix.rows);
  await put(sink, ',\n"columns": ');
  if (matrix.columns) await writeLabelArray(sink, matrix.columns);
  else await put(sink, 'null');
  await put(sink, ',\n"data": [');
  let i = 0;
  for (const row of denseRows(matrix)) {
    let line = i++ === 0 ? '\n[' : ',\n[';
    for (let j = 0; j < row.length; j++) line += (j === 0 ? '' : ',') + format(row[j]!);
    await put(sink, `${line}]`);
  }
  await put(sink, `${matrix.nRows > 0 ? '\n' : ''}],\n"meta": ${JSON.stringify(matrix.meta)}}\n`);
};

// Parser states: what the innermost open container expects next.
const KEY_OR_END = 0;
const KEY = 1;
const COLON = 2;
const VALUE = 3;
const VALUE_OR_END = 4;
const COMMA_OR_END = 5;

/** An open container: a plain object or array, or the two special arrays (`data`, a `data` row). */
interface Frame {
  kind: 'object' | 'array' | 'data' | 'row';
  state: number;
  object?: Record<string, unknown>;
  array?: unknown[];
  key?: string;
  /** Values in this `row` so far. */
  count: number;
}

const CH_TAB = 9;
const CH_LF = 10;
const CH_CR = 13;
const CH_SPACE = 32;
const CH_QUOTE = 34;
const CH_COMMA = 44;
const CH_MINUS = 45;
const CH_0 = 48;
const CH_9 = 57;
const CH_COLON = 58;
const CH_LBRACKET = 91;
const CH_BACKSLASH = 92;
const CH_RBRACKET = 93;
const CH_LBRACE = 123;
const CH_RBRACE = 125;

/** Characters that may continue a number token. */
const NUMBER_CHARS = new Uint8Array(128);
for (const c of '0123456789+-.eE') NUMBER_CHARS[c.charCodeAt(0)] = 1;
const LITERALS: [string, unknown][] = [
  ['true', true],
  ['false', false],
  ['null', null],
];

/**
 * A push parser for the json matrix format: feed it text in pieces; `data` rows go into `values`,
 * everything else is built as ordinary JSON values.
 */
class JsonMatrixParser {
  private readonly stack: Frame[] = [];
  private carry = '';
  private readonly number = new Float64Array(1);
  private line = 1;
  root: unknown;
  private finished = false;
  readonly values = new GrowableFloat32();
  dataRows = 0;
  sawData = false;
  rowLength = -1;

  constructor(private readonly name: string) {}

  private fail(message: string, hint = 'the json format is {"rows": [...], "columns": [...] | null, "data": [[...], ...], "meta": {...}}'): never {
    throw new InputError(`${this.name} line ${this.line}: ${message}`, hint);
  }

  feed(chunk: string, final: boolean): void {
    const s = this.carry.length > 0 ? this.carry + chunk : chunk;
    this.carry = '';
    const n = s.length;
    let i = 0;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c === CH_SPACE || c === CH_TAB || c === CH_CR) {
        i++;
      } else if (c === CH_LF) {
        this.line++;
        i++;
      } else if (c === CH_QUOTE) {
        let end = -1;
        for (let from = i + 1; ; ) {
          const q = s.indexOf('"', from);
          if (q === -1) break;
          let b = q - 1;
          while (s.charCodeAt(b) === CH_BACKSLASH) b--;
          if ((q - 1 - b) % 2 === 0) {
            end = q;
            break;
          }
          from = q + 1;
        }
        if (end === -1) {
          if (!final) {
            this.carry = s.slice(i);
            return;
          }
          this.fail('a string is not closed: the file ends inside it');
        }
        const raw = s.slice(i + 1, end);
        let value = detach(raw);
        if (raw.includes('\\')) {
          try {
            value = JSON.parse(s.slice(i, end + 1)) as string;
          } catch {
            this.fail(`invalid escape in the string ${s.slice(i, Math.min(end + 1, i + 40))}`);
          }
        }
        this.string(value);
        i = end + 1;
      } else if (c === CH_MINUS || (c >= CH_0 && c <= CH_9)) {
        const end = fastDecimal(s, i, this.number);
        if (end !== -1 && end < n && NUMBER_CHARS[s.charCodeAt(end)] !== 1) {
          this.value(this.number[0]!);
          i = end;
          continue;
        }
        let j = i + 1;
        while (j < n && NUMBER_CHARS[s.charCodeAt(j)] === 1) j++;
        if (j === n && !final) {
          this.carry = s.slice(i);
          return;
        }
        const text = s.slice(i, j);
        const value = Number(text);
        if (Number.isNaN(value)) this.fail(`${JSON.stringify(text)} is not a number`);
        this.value(value);
        i = j;
      } else if (c === CH_LBRACE || c === CH_LBRACKET) {
        this.open(c === CH_LBRACE);
        i++;
      } else if (c === CH_RBRACE || c === CH_RBRACKET) {
        this.close(c === CH_RBRACE);
        i++;
      } else if (c === CH_COLON) {
        const top = this.stack[this.stack.length - 1];
        if (!top || top.state !== COLON) this.fail('unexpected ":"');
        top.state = VALUE;
        i++;
      } else if (c === CH_COMMA) {
        const top = this.stack[this.stack.length - 1];
        if (!top || top.state !== COMMA_OR_END) this.fail('unexpected ","');
        top.state = top.kind === 'object' ? KEY : VALUE;
        i++;
      } else {
        let matched = false;
        for (const [word, value] of LITERALS) {
          if (s.startsWith(word, i)) {
            this.value(value);
            i += word.length;
            matched = true;
            break;
          }
          if (!final && n - i < word.length && word.startsWith(s.slice(i))) {
            this.carry = s.slice(i);
            return;
          }
        }
        if (!matched) this.fail(`unexpected character ${JSON.stringify(s.slice(i, i + 10))}`);
      }
    }
  }

  end(): void {
    this.feed('', true);
    if (!this.finished) this.fail('the file ends before the JSON value is complete', 'the file may be truncated');
  }

  private expectValue(): Frame | undefined {
    const top = this.stack[this.stack.length - 1];
    if (!top) {
      if (this.finished) this.fail('more data after the end of the JSON value');
      return undefined;
    }
    if (top.state !== VALUE && top.state !== VALUE_OR_END) this.fail(top.kind === 'object' ? 'expected a "key"' : 'expected "," or "]"');
    return top;
  }

  /** True when the next value is the one of the top-level key "data". */
  private atRootData(parent: Frame | undefined): boolean {
    return parent !== undefined && parent.kind === 'object' && this.stack.length === 1 && parent.key === 'data';
  }

  private string(value: string): void {
    const top = this.stack[this.stack.length - 1];
    if (top && top.kind === 'object' && (top.state === KEY_OR_END || top.state === KEY)) {
      top.key = value;
      top.state = COLON;
      return;
    }
    this.value(value);
  }

  private open(isObject: boolean): void {
    const parent = this.expectValue();
    if (parent?.kind === 'row') this.fail('a data row must hold numbers only');
    if (isObject) {
      if (parent?.kind === 'data') this.fail('each element of "data" must be an array of numbers');
      if (this.atRootData(parent)) this.fail('"data" must be an array of rows');
      this.stack.push({ kind: 'object', state: KEY_OR_END, object: {}, count: 0 });
      return;
    }
    let kind: Frame['kind'] = 'array';
    if (parent?.kind === 'data') kind = 'row';
    else if (this.atRootData(parent)) {
      kind = 'data';
      this.sawData = true;
    }
    this.stack.push({ kind, state: VALUE_OR_END, array: kind === 'array' ? [] : undefined, count: 0 });
  }

  private close(isObject: boolean): void {
    const top = this.stack[this.stack.length - 1];
    if (!top) this.fail(`unexpected "${isObject ? '}' : ']'}"`);
    if (isObject !== (top.kind === 'object')) this.fail(`unexpected "${isObject ? '}' : ']'}"`);
    if (isObject ? top.state !== KEY_OR_END && top.state !== COMMA_OR_END : top.state !== VALUE_OR_END && top.state !== COMMA_OR_END) {
      this.fail(`unexpected "${isObject ? '}' : ']'}" after ","`);
    }
    this.stack.pop();
    if (top.kind === 'row') {
      if (this.rowLength === -1) this.rowLength = top.count;
      else if (top.count !== this.rowLength) {
        this.fail(
          `data row ${this.dataRows + 1} has ${top.count} values where row 1 has ${this.rowLength} (vectors whose dimensions disagree)`,
          'every row of "data" must have the same length',
        );
      }
      this.dataRows++;
      this.completed(undefined);
    } else if (top.kind === 'data') {
      this.completed(undefined);
    } else {
      this.completed(top.object ?? top.array);
    }
  }

  /** A value finished inside its parent (or as the root). */
  private completed(value: unknown): void {
    const parent = this.stack[this.stack.length - 1];
    if (!parent) {
      this.root = value;
      this.finished = true;
      return;
    }
    if (parent.kind === 'object') {
      const key = parent.key!;
      const isDataKey = this.stack.length === 1 && key === 'data';
      if (!isDataKey) {
        // defineProperty, not assignment: a key "__proto__" must stay an ordinary key (as in JSON.parse).
        Object.defineProperty(parent.object, key, { value, enumerable: true, writable: true, configurable: true });
      }
    } else if (parent.kind === 'array') {
      parent.array!.push(value);
    }
    parent.state = COMMA_OR_END;
  }

  private value(value: unknown): void {
    const parent = this.expectValue();
    if (parent?.kind === 'row') {
      if (typeof value === 'number') this.values.push(value);
      else if (value === null) this.values.push(Number.NaN);
      else this.fail(`${JSON.stringify(value)} is not a number`, 'a data row must hold numbers only');
      parent.count++;
      parent.state = COMMA_OR_END;
      return;
    }
    if (parent?.kind === 'data') this.fail('each element of "data" must be an array of numbers');
    if (this.atRootData(parent)) this.fail('"data" must be an array of rows');
    this.completed(value);
  }
}

function labelList(value: unknown, what: string, name: string): string[] {
  if (!Array.isArray(value)) throw new InputError(`${name}: "${what}" must be an array of labels`);
  return value.map((v) => (typeof v === 'string' ? v : String(v)));
}

/** Read the json matrix format, streaming. */
export async function readJson(source: ByteSource, ctx: ReadContext): Promise<DenseMatrix> {
  const parser = new JsonMatrixParser(ctx.name);
  let any = false;
  for await (const text of sourceText(source, ctx.warn)) {
    if (!any && text.trim() !== '') any = true;
    parser.feed(text, false);
  }
  if (!any) throw new InputError(`${ctx.name} is empty`, 'expected a json matrix');
  parser.end();
  const root = parser.root;
  if (root === null || typeof root !== 'object' || Array.isArray(root)) {
    throw new InputError(`${ctx.name} is not a json matrix: expected an object with "rows" and "data"`, 'the json format is {"rows": [...], "columns": [...] | null, "data": [[...], ...], "meta": {...}}');
  }
  const doc = root as Record<string, unknown>;
  if (!('rows' in doc)) throw new InputError(`${ctx.name} is not a json matrix: it has no "rows"`, 'the json format is {"rows": [...], "columns": [...] | null, "data": [[...], ...], "meta": {...}}');
  const rows = labelList(doc.rows, 'rows', ctx.name);
  if (!parser.sawData && rows.length > 0) throw new InputError(`${ctx.name} is not a json matrix: it has no "data"`, 'the json format is {"rows": [...], "columns": [...] | null, "data": [[...], ...], "meta": {...}}');
  if (parser.dataRows !== rows.length) {
    throw new InputError(`${ctx.name}: "data" has ${parser.dataRows} rows but "rows" has ${rows.length} labels`, 'give one label per row');
  }
  const columns = doc.columns === undefined || doc.columns === null ? null : labelList(doc.columns, 'columns', ctx.name);
  let nCols = parser.rowLength;
  if (nCols === -1) nCols = columns ? columns.length : 0;
  if (columns && columns.length !== nCols) {
    throw new InputError(`${ctx.name}: "columns" has ${columns.length} labels but the rows have ${nCols} values`, 'give one label per column, or "columns": null');
  }
  return new DenseMatrix(rows, columns, nCols, parser.values.toArray(), metaFrom(doc.meta, ctx.name));
}
