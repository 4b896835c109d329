import type { WordVectors } from '../core/vectors.js';
import { nearestPointOf, placeLabels, textWidth, type Box } from './labels.js';
import { pca2, tsne2, type Projection } from './project.js';
import { escapeXml, INK, MUTED, PALETTE, px, svgDocument, UNGROUPED } from './svg.js';

/** One word on the map, already in 2-D (any units: the map scales them). */
export interface MapPoint {
  word: string;
  x: number;
  y: number;
  /** Its group (coloured, listed in the legend). */
  group?: string;
  /** Drawn larger and labelled first and in bold (the query word of a neighbourhood). */
  highlight?: boolean;
}

export interface MapLayout {
  /** Pixels. Default 800 × 600 (4:3, a slide's half or a page's width). */
  width?: number;
  height?: number;
  /** Above the picture. */
  title?: string;
  /** Small print below it (what the axes are). */
  caption?: string;
}

export interface MapPicture {
  svg: string;
  /** Words whose label found no free place (their points are drawn). */
  unlabelled: string[];
}

export const DEFAULT_MAP_SIZE = { width: 800, height: 600 } as const;
const MARGIN = 20;
const TITLE_SIZE = 20;
const LABEL_SIZE = 13;
const HIGHLIGHT_SIZE = 15;
const CAPTION_SIZE = 12;
const LEGEND_SIZE = 13;
const MARKER = 4.5;
const HIGHLIGHT_MARKER = 6.5;
/** Label box height per font size (ascent + descent of the usual sans faces, rounded up). */
const LINE = 1.25;
/** Space around the points for their labels, as a share of the plot's width (each side). */
const LABEL_ROOM = 0.12;

/**
 * A scatter plot of words: points scaled into the plot with equal units on both axes (distances keep
 * their meaning), coloured by group with a legend when groups are given, each labelled by a greedy
 * non-overlapping placement (labels.ts). Pure: returns the SVG text.
 */
export function mapSvg(points: readonly MapPoint[], layout: MapLayout = {}): MapPicture {
  const width = layout.width ?? DEFAULT_MAP_SIZE.width;
  const height = layout.height ?? DEFAULT_MAP_SIZE.height;
  const groups = [...new Set(points.flatMap((p) => (p.group === undefined ? [] : [p.group])))];
  const colourOf = new Map(groups.map((g, i) => [g, PALETTE[i % PALETTE.length]!]));
  const someUngrouped = groups.length > 0 && points.some((p) => p.group === undefined);
  const legendEntries: [string, string][] = groups.map((g) => [g, colourOf.get(g)!]);
  if (someUngrouped) legendEntries.push(['other', UNGROUPED]);
  const legendWidth = legendEntries.length === 0 ? 0 : Math.max(...legendEntries.map(([g]) => textWidth(g, LEGEND_SIZE))) + 34;

  const top = MARGIN + (layout.title ? TITLE_SIZE + 12 : 0);
  const bottom = height - MARGIN - (layout.caption ? CAPTION_SIZE + 8 : 0);
  const plot: Box = { x: MARGIN, y: top, width: width - 2 * MARGIN - legendWidth, height: bottom - top };
  const body: string[] = [];
  if (layout.title) body.push(`<text x="${MARGIN}" y="${MARGIN + TITLE_SIZE}" font-size="${TITLE_SIZE}" font-weight="600" fill="${INK}">${escapeXml(layout.title)}</text>`);
  body.push(`<rect x="${px(plot.x)}" y="${px(plot.y)}" width="${px(plot.width)}" height="${px(plot.height)}" fill="none" stroke="#e3e3e3" rx="6"/>`);

  // Equal scale on both axes, the points centred in the plot with room for labels around them.
  const inner = { x: plot.x + plot.width * LABEL_ROOM, y: plot.y + 2 * LABEL_SIZE, width: plot.width * (1 - 2 * LABEL_ROOM), height: plot.height - 4 * LABEL_SIZE };
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const scale = Math.min(inner.width / (maxX - minX || 1), inner.height / (maxY - minY || 1));
  const cx = inner.x + inner.width / 2;
  const cy = inner.y + inner.height / 2;
  // SVG's y grows downwards; the data's upwards.
  const screen = points.map((p) => ({ x: cx + (p.x - (minX + maxX) / 2) * scale, y: cy - (p.y - (minY + maxY) / 2) * scale }));

  // Labels: the highlighted ones first (they get the best places), then in the order given.
  const order = points.map((_, i) => i).sort((a, b) => Number(Boolean(points[b]!.highlight)) - Number(Boolean(points[a]!.highlight)) || a - b);
  const sizeOf = (p: MapPoint): number => (p.highlight ? HIGHLIGHT_SIZE : LABEL_SIZE);
  const placed = placeLabels(
    order.map((i) => {
      const p = points[i]!;
      const size = sizeOf(p);
      return { x: screen[i]!.x, y: screen[i]!.y, width: textWidth(p.word, size), height: size * LINE };
    }),
    { bounds: { x: plot.x + 4, y: plot.y + 4, width: plot.width - 8, height: plot.height - 8 }, markerRadius: HIGHLIGHT_MARKER, padding: 1 },
  );

  const leaders: string[] = [];
  const labels: string[] = [];
  const unlabelled: string[] = [];
  order.forEach((i, k) => {
    const p = points[i]!;
    const s = screen[i]!;
    const place = placed[k];
    if (!place) {
      unlabelled.push(p.word);
      return;
    }
    const box = place.box;
    if (place.leader) {
      const [lx, ly] = nearestPointOf(box, s.x, s.y);
      leaders.push(`<line x1="${px(s.x)}" y1="${px(s.y)}" x2="${px(lx)}" y2="${px(ly)}" stroke="#b5b5b5" stroke-width="0.8"/>`);
    }
    // Anchor the text on the side facing its point: the width estimate errs wide, and the slack then
    // falls on the far side.
    const size = sizeOf(p);
    const anchor = box.x >= s.x ? 'start' : box.x + box.width <= s.x ? 'end' : 'middle';
    const tx = anchor === 'start' ? box.x : anchor === 'end' ? box.x + box.width : box.x + box.width / 2;
    const baseline = box.y + box.height / 2 + size * 0.35;
    const weight = p.highlight ? ' font-weight="700"' : '';
    labels.push(
      `<text x="${px(tx)}" y="${px(baseline)}" font-size="${size}"${weight} text-anchor="${anchor}" fill="${INK}" stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke">${escapeXml(p.word)}</text>`,
    );
  });

  const dots = points.map((p, i) => {
    const colour = p.group !== undefined ? colourOf.get(p.group)! : groups.length > 0 ? UNGROUPED : p.highlight ? PALETTE[2] : PALETTE[0];
    const r = p.highlight ? HIGHLIGHT_MARKER : MARKER;
    return `<circle cx="${px(screen[i]!.x)}" cy="${px(screen[i]!.y)}" r="${r}" fill="${colour}" stroke="#ffffff" stroke-width="1.2"/>`;
  });
  body.push('<g>', ...leaders, '</g>', '<g>', ...dots, '</g>', '<g>', ...labels, '</g>');

  if (legendEntries.length > 0) {
    const lx = plot.x + plot.width + 16;
    const legend = legendEntries.map(([name, colour], k) => {
      const y = plot.y + 12 + k * (LEGEND_SIZE + 10);
      return `<circle cx="${px(lx + 6)}" cy="${px(y)}" r="${MARKER + 1}" fill="${colour}"/><text x="${px(lx + 18)}" y="${px(y + LEGEND_SIZE * 0.35)}" font-size="${LEGEND_SIZE}" fill="${INK}">${escapeXml(name)}</text>`;
    });
    body.push('<g>', ...legend, '</g>');
  }
  if (layout.caption) {
    body.push(`<text x="${MARGIN}" y="${height - MARGIN + 2}" font-size="${CAPTION_SIZE}" fill="${MUTED}">${escapeXml(layout.caption)}</text>`);
  }
  return { svg: svgDocument(width, height, layout.title ?? `map of ${points.length} words`, body), unlabelled };
}

export interface WordMapOptions extends MapLayout {
  projection?: Projection;
  /** t-SNE's perplexity (see tsne2). */
  perplexity?: number;
  /** Each word's group (words missing from it have none). */
  groups?: ReadonlyMap<string, string>;
  /** A word drawn larger and labelled first (e.g. the query of `--neighbours`). */
  highlight?: string;
}

/**
 * The map of some words of a set of vectors: their unit-normalised vectors (cosine is the similarity
 * everywhere in wordspace, so length does not place a word) projected to 2-D by PCA or t-SNE, then
 * drawn by mapSvg. The words must be row labels of `vectors` (resolve query words first); the default
 * caption says what the axes are.
 */
export function wordMap(vectors: WordVectors, words: readonly string[], options: WordMapOptions = {}): MapPicture & { coords: Float64Array } {
  const n = words.length;
  const d = vectors.dim;
  const data = new Float64Array(n * d);
  words.forEach((word, i) => data.set(vectors.unitRow(vectors.lookup(word)), i * d));
  const projection = options.projection ?? 'pca';
  let coords: Float64Array;
  let caption: string;
  if (projection === 'pca') {
    const result = pca2(data, n, d);
    coords = result.coords;
    const pct = (v: number): string => `${Math.round(v * 100)}%`;
    caption = `PCA of ${n} unit word vectors · horizontal: 1st component (${pct(result.explained[0])} of the variance) · vertical: 2nd (${pct(result.explained[1])})`;
  } else {
    coords = tsne2(data, n, d, options.perplexity === undefined ? {} : { perplexity: options.perplexity });
    caption = `t-SNE of ${n} unit word vectors · near means similar; distances between far-apart groups mean little`;
  }
  const points: MapPoint[] = words.map((word, i) => {
    const group = options.groups?.get(word);
    return { word, x: coords[i * 2]!, y: coords[i * 2 + 1]!, ...(group === undefined ? {} : { group }), ...(word === options.highlight ? { highlight: true } : {}) };
  });
  const picture = mapSvg(points, { ...options, caption: options.caption ?? caption });
  return { ...picture, coords };
}
