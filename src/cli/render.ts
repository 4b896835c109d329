import { Sink } from '../io/sink.js';
import { isDumbTerminal, useColour, type CliIO } from './context.js';
import { resultText, type ResultFormat, type ResultTable } from './results.js';

export { defaultResultFormat, RESULT_FORMATS, type Cell, type ResultFormat, type ResultTable } from './results.js';

/**
 * cli-table3 measures every cell of a table before drawing it, which took a minute for a 79k-word
 * vocabulary; longer tables are printed as aligned columns without borders (streamed, linear time).
 */
const BORDERED_ROW_LIMIT = 2000;

/** Display width: code points, wide East Asian and emoji characters counting 2. */
function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += /[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}\p{Extended_Pictographic}\u3000-\u303f\uff00-\uffef]/u.test(ch) ? 2 : 1;
  return width;
}

async function writeAlignedRows(sink: Sink, table: ResultTable, styleHeader: (h: string) => string): Promise<void> {
  const widths = table.header.map((h) => displayWidth(h));
  for (const row of table.rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, displayWidth(String(cell)))));
  const line = (cells: string[], style = (x: string) => x): string =>
    `${cells.map((cell, i) => (i === cells.length - 1 ? style(cell) : style(cell) + ' '.repeat((widths[i] ?? 0) - displayWidth(cell) + 2))).join('')}\n`;
  await sink.write(line(table.header, styleHeader));
  for (const row of table.rows) await sink.write(line(row.map(String)));
}

/**
 * Print result tables. `json` prints one array of objects per table (an array of arrays when there
 * are several); `tsv`/`csv` print one header and the rows of every table (the tables of one command
 * share their columns).
 */
export async function renderTables(io: CliIO, format: ResultFormat, tables: ResultTable[]): Promise<void> {
  const sink = new Sink(io.stdout);
  const text = resultText(format, tables);
  if (text !== undefined) {
    for (const piece of text) await sink.write(piece);
  } else if (format === 'csv') {
    const header = tables[0]?.header ?? [];
    const { stringify } = await import('csv-stringify/sync');
    await sink.write(stringify([header, ...tables.flatMap((t) => t.rows).map((r) => r.map(String))]));
  } else {
    // Loaded here, not at start-up: only a terminal table needs them.
    const [{ default: chalk, Chalk }, { default: Table }] = await Promise.all([import('chalk'), import('cli-table3')]);
    const colour = useColour(io);
    // io decides (NO_COLOR, TERM, a terminal), not chalk's look at the real process.
    const c = new Chalk({ level: colour ? Math.max(1, chalk.level) as 1 | 2 | 3 : 0 });
    for (const t of tables) {
      if (t.title) await sink.write(`${c.bold(t.title)}\n`);
      // TERM=dumb cannot be trusted with box-drawing characters: aligned columns instead.
      if (t.rows.length > BORDERED_ROW_LIMIT || isDumbTerminal(io)) {
        await writeAlignedRows(sink, t, (h) => c.cyan(h));
        continue;
      }
      const table = new Table({
        head: t.header.map((h) => c.cyan(h)),
        style: { head: [], border: colour ? ['grey'] : [] },
        // No rule between body rows: compact, like most CLI tables.
        chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
      });
      for (const row of t.rows) table.push(row.map(String));
      await sink.write(`${table.toString()}\n`);
    }
  }
  await sink.flush();
}
