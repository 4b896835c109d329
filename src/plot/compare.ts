/**
 * `plot compare`: the `wordspace compare` table as grouped bars — one group per evaluation set, one
 * bar per method (the palette's colours, a legend), a whisker of ± one standard deviation when the
 * rows carry a spread (--seeds), the value above each bar, "n/a" where a set was not covered.
 */
import { textWidth } from './labels.js';
import { escapeXml, INK, label, MUTED, PALETTE, px, svgDocument } from './svg.js';

/** One row of `compare --format json` (what the picture needs of it). */
export interface CompareBarsRow {
  method: string;
  /** Score per set (file name): Spearman ρ or analogy accuracy; null when not covered. */
  scores: Record<string, number | null>;
  /** Standard deviation per set over the seeds, when there were several. */
  spread?: Record<string, number | null>;
}

export interface CompareBarsOptions {
  title?: string;
}

export interface CompareBarsPicture {
  svg: string;
  /** The sets in the order drawn (the first row's order). */
  sets: string[];
  /** The value axis: from `low` to `high` (tenths, 0 included). */
  low: number;
  high: number;
}

const MARGIN = 20;
const TITLE_SIZE = 20;
const LABEL_SIZE = 13;
const VALUE_SIZE = 11;
const PLOT_HEIGHT = 320;
const BAR_WIDTH = 22;
const BAR_GAP = 4;
const GROUP_GAP = 26;
const AXIS_WIDTH = 44;
const LEGEND_SWATCH = 12;

/** A set's file name without the .txt, as a column heading. */
function setName(file: string): string {
  return file.replace(/\.txt$/, '');
}

/**
 * The grouped bar chart of a comparison. The value axis spans [min(0, lowest − sd), max(0, highest
 * + sd)] rounded out to tenths, so ρ below zero shows below the zero line.
 */
export function compareBarsSvg(rows: readonly CompareBarsRow[], options: CompareBarsOptions = {}): CompareBarsPicture {
  const sets = rows.length === 0 ? [] : Object.keys(rows[0]!.scores);
  for (const row of rows) for (const set of Object.keys(row.scores)) if (!sets.includes(set)) sets.push(set);
  let lowest = 0;
  let highest = 0;
  for (const row of rows) {
    for (const set of sets) {
      const v = row.scores[set];
      if (v === null || v === undefined || !Number.isFinite(v)) continue;
      const sd = row.spread?.[set] ?? 0;
      lowest = Math.min(lowest, v - (sd ?? 0));
      highest = Math.max(highest, v + (sd ?? 0));
    }
  }
  const low = Math.floor(lowest * 10 - 1e-9) / 10;
  const high = Math.max(low + 0.1, Math.ceil(highest * 10 - 1e-9) / 10);

  const groupWidth = rows.length * (BAR_WIDTH + BAR_GAP) - BAR_GAP;
  const groupSpan = Math.max(groupWidth, ...sets.map((s) => textWidth(setName(s), LABEL_SIZE)));
  const plotWidth = sets.length * (groupSpan + GROUP_GAP) - GROUP_GAP;
  const legendWidth = Math.max(0, ...rows.map((r) => textWidth(r.method, LABEL_SIZE))) + LEGEND_SWATCH + 8;
  const top = MARGIN + (options.title ? TITLE_SIZE + 14 : 0) + VALUE_SIZE + 6;
  const left = MARGIN + AXIS_WIDTH;
  const width = Math.ceil(left + plotWidth + 24 + legendWidth + MARGIN);
  const height = Math.ceil(top + PLOT_HEIGHT + LABEL_SIZE + 14 + MARGIN);
  const y = (v: number): number => top + ((high - v) / (high - low)) * PLOT_HEIGHT;

  const body: string[] = [];
  if (options.title) body.push(`<text x="${MARGIN}" y="${MARGIN + TITLE_SIZE}" font-size="${TITLE_SIZE}" font-weight="600" fill="${INK}">${escapeXml(options.title)}</text>`);
  // Grid lines and ticks every tenth (every fifth of the range when it is wide).
  const step = high - low > 1.01 ? 0.2 : 0.1;
  for (let t = Math.round(low * 10); t <= Math.round(high * 10); t += Math.round(step * 10)) {
    const v = t / 10;
    body.push(`<line x1="${left}" y1="${px(y(v))}" x2="${px(left + plotWidth)}" y2="${px(y(v))}" stroke="${t === 0 ? INK : '#e3e3e3'}" stroke-width="1"/>`);
    body.push(`<text x="${left - 6}" y="${px(y(v) + 4)}" font-size="${VALUE_SIZE}" fill="${MUTED}" text-anchor="end">${label(v, 1)}</text>`);
  }
  sets.forEach((set, g) => {
    const x0 = left + g * (groupSpan + GROUP_GAP) + (groupSpan - groupWidth) / 2;
    rows.forEach((row, m) => {
      const x = x0 + m * (BAR_WIDTH + BAR_GAP);
      const v = row.scores[set];
      const colour = PALETTE[m % PALETTE.length]!;
      if (v === null || v === undefined || !Number.isFinite(v)) {
        body.push(`<text x="${px(x + BAR_WIDTH / 2)}" y="${px(y(0) - 4)}" font-size="${VALUE_SIZE - 2}" fill="${MUTED}" text-anchor="middle">n/a</text>`);
        return;
      }
      const yTop = y(Math.max(v, 0));
      const barHeight = Math.abs(y(v) - y(0));
      body.push(`<rect class="bar" data-method="${escapeXml(row.method)}" data-set="${escapeXml(set)}" data-value="${v}" x="${px(x)}" y="${px(yTop)}" width="${BAR_WIDTH}" height="${px(barHeight)}" fill="${colour}"><title>${escapeXml(`${row.method}, ${setName(set)}: ${label(v, 3)}`)}</title></rect>`);
      const sd = row.spread?.[set];
      if (sd !== null && sd !== undefined && sd > 0) {
        const cx = px(x + BAR_WIDTH / 2);
        body.push(`<line x1="${cx}" y1="${px(y(v - sd))}" x2="${cx}" y2="${px(y(v + sd))}" stroke="${INK}" stroke-width="1.2"/>`);
      }
      const above = v >= 0 ? y(v + (sd ?? 0)) - 4 : y(v - (sd ?? 0)) + VALUE_SIZE + 2;
      body.push(`<text x="${px(x + BAR_WIDTH / 2)}" y="${px(above)}" font-size="${VALUE_SIZE - 2}" fill="${INK}" text-anchor="middle">${label(v, 2)}</text>`);
    });
    body.push(`<text x="${px(left + g * (groupSpan + GROUP_GAP) + groupSpan / 2)}" y="${px(top + PLOT_HEIGHT + LABEL_SIZE + 8)}" font-size="${LABEL_SIZE}" fill="${INK}" text-anchor="middle">${escapeXml(setName(set))}</text>`);
  });
  const legendX = left + plotWidth + 24;
  rows.forEach((row, m) => {
    const ly = top + m * (LABEL_SIZE + 10);
    body.push(`<rect x="${px(legendX)}" y="${px(ly)}" width="${LEGEND_SWATCH}" height="${LEGEND_SWATCH}" fill="${PALETTE[m % PALETTE.length]}"/>`);
    body.push(`<text x="${px(legendX + LEGEND_SWATCH + 6)}" y="${px(ly + LEGEND_SWATCH - 1)}" font-size="${LABEL_SIZE}" fill="${INK}">${escapeXml(row.method)}</text>`);
  });
  const title = options.title ?? `Scores of ${rows.length} method${rows.length === 1 ? '' : 's'} on ${sets.length} set${sets.length === 1 ? '' : 's'}`;
  return { svg: svgDocument(width, height, title, body), sets, low, high };
}
