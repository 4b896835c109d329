/**
 * What every picture shares: the font stack, the colours, XML escaping and the document wrapper.
 * Plain strings: a picture is a few hundred elements, and a self-contained SVG file is the product.
 */

/**
 * Sans-serif faces a slide usually has, then faces that cover Chinese, Japanese and Korean on each
 * system (macOS, Windows, Linux's Noto/Source Han/WenQuanYi), then the generic family. A renderer
 * takes the first it has and falls back, glyph by glyph, to the others.
 */
export const FONT_FAMILY =
  "'Helvetica Neue', Helvetica, Arial, 'Noto Sans', 'DejaVu Sans', 'PingFang SC', 'Hiragino Sans', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Source Han Sans SC', 'WenQuanYi Micro Hei', sans-serif";

/** Tableau 10 (Tableau's default categorical palette): distinct, readable on white, fine in print. */
export const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'] as const;
/** Points without a group, when others have one. */
export const UNGROUPED = '#9a9a9a';
export const INK = '#1f1f1f';
export const MUTED = '#6b6b6b';

/**
 * ColorBrewer's RdBu (11 classes), from blue (−1) through near-white (0) to red (+1): a diverging scale
 * for cosine similarity, whose sign means something.
 */
const DIVERGING = ['#053061', '#2166ac', '#4393c3', '#92c5de', '#d1e5f0', '#f7f7f7', '#fddbc7', '#f4a582', '#d6604d', '#b2182b', '#67001f'] as const;

/** The diverging colour of t ∈ [−1, 1] (clamped), interpolated in RGB between RdBu's classes. */
export function divergingColour(t: number): string {
  const position = ((Math.min(1, Math.max(-1, t)) + 1) / 2) * (DIVERGING.length - 1);
  const low = Math.min(Math.floor(position), DIVERGING.length - 2);
  const f = position - low;
  const a = rgb(DIVERGING[low]!);
  const b = rgb(DIVERGING[low + 1]!);
  return hex(a.map((v, i) => v + (b[i]! - v) * f) as [number, number, number]);
}

/** Perceived lightness (0–1, Rec. 709 luma) of a #rrggbb colour: dark cells get white text. */
export function lightness(colour: string): number {
  const [r, g, b] = rgb(colour);
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}

function rgb(colour: string): [number, number, number] {
  const n = parseInt(colour.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function hex(c: [number, number, number]): string {
  return `#${c.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;
}

/** Text and attribute values escaped for XML (also characters XML 1.0 forbids, dropped). */
export function escapeXml(text: string): string {
  return text
    .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** A coordinate with at most two decimals (enough for pixels; keeps files small). */
export function px(v: number): string {
  return String(Math.round(v * 100) / 100);
}

/** A number as a label: fixed decimals, a real minus sign. */
export function label(v: number, decimals: number): string {
  const s = v.toFixed(decimals);
  return s.startsWith('-') ? (Number(s) === 0 ? s.slice(1) : `−${s.slice(1)}`) : s;
}

/** A whole SVG document: white background (for slides and PNG), the font stack, a <title> for screen readers. */
export function svgDocument(width: number, height: number, title: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${escapeXml(FONT_FAMILY)}">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}
