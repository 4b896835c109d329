import type { WordVectors } from '../core/vectors.js';
import { averageLinkageOrder, cosineMatrix } from './cluster.js';
import { textWidth } from './labels.js';
import { divergingColour, escapeXml, INK, label, lightness, MUTED, px, svgDocument } from './svg.js';

/** Rows and columns in the order given, or in the leaf order of average-linkage clustering. */
export const HEATMAP_ORDERS = ['cluster', 'input'] as const;
export type HeatmapOrder = (typeof HEATMAP_ORDERS)[number];

export interface HeatmapOptions {
  title?: string;
  order?: HeatmapOrder;
  /** Print each cell's value (default: when the cells are large enough to hold it). */
  values?: boolean;
}

export interface HeatmapPicture {
  svg: string;
  /** The words in the order drawn (rows top to bottom = columns left to right). */
  order: string[];
  /** The colour scale's end: colours run from −range (blue) to +range (red), saturating beyond. */
  range: number;
}

const MARGIN = 20;
const TITLE_SIZE = 20;
const LABEL_SIZE = 13;
const VALUE_SIZE = 11;
const CAPTION_SIZE = 12;
/** The grid aims at this many pixels a side; a cell stays between the two sizes. */
const GRID_TARGET = 520;
const MIN_CELL = 16;
const MAX_CELL = 48;
/** Cells at least this large show their value when `values` is not given. */
const VALUE_CELL = 34;
const LEGEND_BAR = 14;
const LEGEND_GAP = 28;
/** Column labels are set at −45°: their height and overhang are their length × sin 45°. */
const SLANT = Math.SQRT1_2;
/** The colour range is rounded up to a tenth, and is at least this. */
const MIN_RANGE = 0.1;

/**
 * A similarity heatmap: an n × n grid coloured on a diverging scale centred at 0 (blue negative, red
 * positive), rows labelled on the left, columns at −45° on top, a colour bar with ticks on the right.
 * The scale runs to ±range, the largest off-diagonal |similarity| rounded up to a tenth, so the
 * structure among the words (not the diagonal's 1) uses the colours; the diagonal saturates.
 * With `order: 'cluster'` (the default) rows and columns follow averageLinkageOrder.
 */
export function heatmapSvg(words: readonly string[], similarity: ArrayLike<number>, options: HeatmapOptions = {}): HeatmapPicture {
  const n = words.length;
  const order = (options.order ?? 'cluster') === 'cluster' ? averageLinkageOrder(similarity, n) : words.map((_, i) => i);
  let largest = 0;
  for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) if (a !== b) largest = Math.max(largest, Math.abs(similarity[a * n + b]!));
  const range = Math.max(MIN_RANGE, Math.ceil(largest * 10 - 1e-9) / 10);

  const cell = Math.max(MIN_CELL, Math.min(MAX_CELL, Math.floor(GRID_TARGET / Math.max(n, 1))));
  const showValues = options.values ?? cell >= VALUE_CELL;
  const labelWidth = Math.max(0, ...words.map((w) => textWidth(w, LABEL_SIZE)));
  const grid = n * cell;
  const titleHeight = options.title ? TITLE_SIZE + 16 : 0;
  const left = MARGIN + labelWidth + 8;
  const top = MARGIN + titleHeight + labelWidth * SLANT + LABEL_SIZE;
  const tickWidth = textWidth('−0.0', LABEL_SIZE) + 8;
  const legendWidth = LEGEND_GAP + LEGEND_BAR + 6 + tickWidth;
  const width = Math.ceil(left + grid + Math.max(legendWidth, labelWidth * SLANT + LABEL_SIZE) + MARGIN);
  const height = Math.ceil(top + grid + 8 + CAPTION_SIZE + MARGIN);

  const body: string[] = [];
  if (options.title) body.push(`<text x="${MARGIN}" y="${MARGIN + TITLE_SIZE}" font-size="${TITLE_SIZE}" font-weight="600" fill="${INK}">${escapeXml(options.title)}</text>`);
  const cells: string[] = [];
  const values: string[] = [];
  order.forEach((r, row) => {
    order.forEach((c, col) => {
      const v = similarity[r * n + c]!;
      const colour = divergingColour(v / range);
      const x = left + col * cell;
      const y = top + row * cell;
      cells.push(`<rect x="${px(x)}" y="${px(y)}" width="${cell}" height="${cell}" fill="${colour}" stroke="#ffffff" stroke-width="1"><title>${escapeXml(`${words[r]} · ${words[c]}: ${label(v, 3)}`)}</title></rect>`);
      if (showValues) {
        const ink = lightness(colour) < 0.55 ? '#ffffff' : INK;
        values.push(`<text x="${px(x + cell / 2)}" y="${px(y + cell / 2 + VALUE_SIZE * 0.35)}" font-size="${VALUE_SIZE}" text-anchor="middle" fill="${ink}">${label(v, 2)}</text>`);
      }
    });
  });
  const rowLabels = order.map((i, row) => `<text x="${px(left - 8)}" y="${px(top + row * cell + cell / 2 + LABEL_SIZE * 0.35)}" font-size="${LABEL_SIZE}" text-anchor="end" fill="${INK}">${escapeXml(words[i]!)}</text>`);
  const columnLabels = order.map((i, col) => {
    const x = left + col * cell + cell / 2;
    const y = top - 6;
    return `<text x="${px(x)}" y="${px(y)}" font-size="${LABEL_SIZE}" transform="rotate(-45 ${px(x)} ${px(y)})" fill="${INK}">${escapeXml(words[i]!)}</text>`;
  });
  body.push('<g>', ...cells, '</g>', '<g>', ...values, '</g>', '<g>', ...rowLabels, ...columnLabels, '</g>');
  body.push(...legend(left + grid + LEGEND_GAP, top, Math.max(grid, 4 * LABEL_SIZE), range));
  body.push(`<text x="${px(left)}" y="${px(top + grid + 8 + CAPTION_SIZE)}" font-size="${CAPTION_SIZE}" fill="${MUTED}">cosine similarity${options.order === 'input' ? '' : ', ordered by average-linkage clustering'}</text>`);
  const title = options.title ?? `cosine similarities of ${n} words`;
  return { svg: svgDocument(width, height, title, body), order: order.map((i) => words[i]!), range };
}

/** A vertical colour bar from +range (top) to −range, with five ticks. */
function legend(x: number, y: number, height: number, range: number): string[] {
  const stops: string[] = [];
  const STOPS = 20;
  for (let k = 0; k <= STOPS; k++) {
    const t = 1 - (2 * k) / STOPS;
    stops.push(`<stop offset="${px(k / STOPS)}" stop-color="${divergingColour(t)}"/>`);
  }
  const out = [
    `<defs><linearGradient id="wordspace-scale" x1="0" y1="0" x2="0" y2="1">${stops.join('')}</linearGradient></defs>`,
    `<rect x="${px(x)}" y="${px(y)}" width="${LEGEND_BAR}" height="${px(height)}" fill="url(#wordspace-scale)" stroke="#d0d0d0" stroke-width="0.5"/>`,
  ];
  for (let k = 0; k <= 4; k++) {
    const v = range - (k * range) / 2;
    const ty = y + (k * height) / 4;
    out.push(`<line x1="${px(x + LEGEND_BAR)}" y1="${px(ty)}" x2="${px(x + LEGEND_BAR + 4)}" y2="${px(ty)}" stroke="${MUTED}" stroke-width="1"/>`);
    out.push(`<text x="${px(x + LEGEND_BAR + 7)}" y="${px(ty + LABEL_SIZE * 0.35)}" font-size="${LABEL_SIZE - 1}" fill="${MUTED}">${label(v, Math.round(range * 10) % 2 !== 0 ? 2 : 1)}</text>`);
  }
  return out;
}

/**
 * The heatmap of some words of a set of vectors (row labels of `vectors`; resolve query words
 * first): their cosine similarities, drawn by heatmapSvg.
 */
export function wordHeatmap(vectors: WordVectors, words: readonly string[], options: HeatmapOptions = {}): HeatmapPicture & { similarity: Float64Array } {
  const n = words.length;
  const d = vectors.dim;
  const data = new Float64Array(n * d);
  words.forEach((word, i) => data.set(vectors.row(vectors.lookup(word)), i * d));
  const similarity = cosineMatrix(data, n, d);
  return { ...heatmapSvg(words, similarity, options), similarity };
}
