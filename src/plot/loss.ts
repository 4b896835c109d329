/**
 * `plot loss`: the loss per epoch that an encoder recorded in its metadata (`lossPerEpoch`: GloVe's
 * cost as glove.c prints it, the autoencoder's reconstruction loss) as lines, one per run, on one
 * axis from the lowest to the highest loss (rounded out), epochs 1…n along the bottom.
 */
import { textWidth } from './labels.js';
import { escapeXml, INK, MUTED, PALETTE, px, svgDocument } from './svg.js';

export interface LossSeries {
  /** The run's name in the legend (its file, or its method). */
  name: string;
  /** Loss after each epoch, epoch 1 first. */
  loss: readonly number[];
}

export interface LossPicture {
  svg: string;
  /** The value axis. */
  low: number;
  high: number;
  /** The epochs axis runs 1 … epochs. */
  epochs: number;
}

const MARGIN = 20;
const TITLE_SIZE = 20;
const LABEL_SIZE = 13;
const TICK_SIZE = 11;
const PLOT_WIDTH = 560;
const PLOT_HEIGHT = 300;
const AXIS_WIDTH = 64;
const LEGEND_SWATCH = 12;
const TICKS = 5;

/** A "nice" step (1, 2 or 5 × 10^k) for about `ticks` intervals over `span`. */
export function niceStep(span: number, ticks: number): number {
  const raw = span / ticks;
  const power = 10 ** Math.floor(Math.log10(raw));
  const f = raw / power;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * power;
}

/** A tick value without floating-point noise (0.30000000000000004 → 0.3). */
function tick(v: number, step: number): string {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  return v.toFixed(decimals).replace(/^-/, '−');
}

/** Loss lines on one axis; the axis runs from the lowest to the highest loss, rounded out to nice steps. */
export function lossSvg(series: readonly LossSeries[], options: { title?: string } = {}): LossPicture {
  const values = series.flatMap((s) => s.loss.filter(Number.isFinite));
  let lowest = Math.min(...values);
  let highest = Math.max(...values);
  if (!(highest > lowest)) {
    lowest -= Math.abs(lowest) * 0.1 || 1;
    highest += Math.abs(highest) * 0.1 || 1;
  }
  const step = niceStep(highest - lowest, TICKS);
  const low = Math.floor(lowest / step) * step;
  const high = Math.ceil(highest / step) * step;
  const epochs = Math.max(1, ...series.map((s) => s.loss.length));

  const legendWidth = Math.max(0, ...series.map((s) => textWidth(s.name, LABEL_SIZE))) + LEGEND_SWATCH + 8;
  // Room for the title, then for the axis name above the plot.
  const top = MARGIN + (options.title ? TITLE_SIZE + 16 : 0) + LABEL_SIZE + 10;
  const left = MARGIN + AXIS_WIDTH;
  const width = Math.ceil(left + PLOT_WIDTH + 24 + legendWidth + MARGIN);
  const height = Math.ceil(top + PLOT_HEIGHT + 2 * LABEL_SIZE + 20 + MARGIN);
  const x = (epoch: number): number => left + (epochs === 1 ? PLOT_WIDTH / 2 : ((epoch - 1) / (epochs - 1)) * PLOT_WIDTH);
  const y = (v: number): number => top + ((high - v) / (high - low)) * PLOT_HEIGHT;

  const body: string[] = [];
  if (options.title) body.push(`<text x="${MARGIN}" y="${MARGIN + TITLE_SIZE}" font-size="${TITLE_SIZE}" font-weight="600" fill="${INK}">${escapeXml(options.title)}</text>`);
  for (let k = 0; k <= Math.round((high - low) / step); k++) {
    const v = low + k * step;
    body.push(`<line x1="${left}" y1="${px(y(v))}" x2="${left + PLOT_WIDTH}" y2="${px(y(v))}" stroke="#e3e3e3" stroke-width="1"/>`);
    body.push(`<text x="${left - 6}" y="${px(y(v) + 4)}" font-size="${TICK_SIZE}" fill="${MUTED}" text-anchor="end">${tick(v, step)}</text>`);
  }
  const epochStep = Math.max(1, Math.ceil(epochs / 10));
  for (let e = 1; e <= epochs; e += epochStep) {
    body.push(`<text x="${px(x(e))}" y="${px(top + PLOT_HEIGHT + TICK_SIZE + 6)}" font-size="${TICK_SIZE}" fill="${MUTED}" text-anchor="middle">${e}</text>`);
  }
  body.push(`<text x="${px(left + PLOT_WIDTH / 2)}" y="${px(top + PLOT_HEIGHT + TICK_SIZE + LABEL_SIZE + 14)}" font-size="${LABEL_SIZE}" fill="${INK}" text-anchor="middle">epoch</text>`);
  body.push(`<text x="${MARGIN}" y="${px(top - 6)}" font-size="${LABEL_SIZE}" fill="${INK}">loss</text>`);
  series.forEach((s, i) => {
    const colour = PALETTE[i % PALETTE.length]!;
    const points = s.loss.map((v, e) => [x(e + 1), y(v)] as const).filter(([, py]) => Number.isFinite(py));
    body.push(`<polyline class="loss" data-name="${escapeXml(s.name)}" points="${points.map(([px_, py]) => `${px(px_)},${px(py)}`).join(' ')}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    for (const [px_, py] of points) body.push(`<circle cx="${px(px_)}" cy="${px(py)}" r="3" fill="${colour}"/>`);
    const ly = top + i * (LABEL_SIZE + 10);
    body.push(`<rect x="${px(left + PLOT_WIDTH + 24)}" y="${px(ly)}" width="${LEGEND_SWATCH}" height="${LEGEND_SWATCH}" fill="${colour}"/>`);
    body.push(`<text x="${px(left + PLOT_WIDTH + 24 + LEGEND_SWATCH + 6)}" y="${px(ly + LEGEND_SWATCH - 1)}" font-size="${LABEL_SIZE}" fill="${INK}">${escapeXml(s.name)}</text>`);
  });
  return { svg: svgDocument(width, height, options.title ?? 'Loss per epoch', body), low, high, epochs };
}
