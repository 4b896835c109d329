/** An axis-aligned box in SVG pixels (y grows downwards). */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Where a label went: its box, and whether it sits away from its point (then a leader line joins them). */
export interface PlacedLabel {
  box: Box;
  leader: boolean;
}

export interface LabelRequest {
  /** The point the label names. */
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacementOptions {
  /** Labels stay inside this box. */
  bounds: Box;
  /** Radius of the point markers: labels never cover a marker. */
  markerRadius: number;
  /** Free space kept around each label box. */
  padding?: number;
}

/**
 * Rough advance widths in em of a sans-serif face (measured on DejaVu Sans and Helvetica; DejaVu is
 * the wider, so it is used): labels are placed without the font at hand, so the estimate errs wide.
 */
const NARROW = /[iIjlftr.,:;'!|()[\]{} ]/u;
const WIDE = /[mwMW@%]/u;
/** Scripts and forms set on a full em (CJK ideographs, kana, hangul, fullwidth forms). */
const FULL_WIDTH = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303f\uff00-\uffef]/u;

/** An estimate of a label's width in pixels at a font size (an upper bound for the usual fonts). */
export function textWidth(text: string, fontSize: number): number {
  let em = 0;
  for (const ch of text) {
    if (FULL_WIDTH.test(ch)) em += 1;
    else if (NARROW.test(ch)) em += 0.36;
    else if (WIDE.test(ch)) em += 0.92;
    else if (ch >= 'A' && ch <= 'Z') em += 0.72;
    else em += 0.62;
  }
  return em * fontSize;
}

/** Directions tried around a point, in order of preference: right, left, above, below, then the diagonals. */
const DIRECTIONS: readonly [number, number][] = [
  [1, 0], [-1, 0], [0, -1], [0, 1], [1, -1], [1, 1], [-1, -1], [-1, 1],
];
/** Extra angles for labels pushed away from their point (every 22.5°). */
const RING_ANGLES = 16;
/** How far out (in label heights) a label may be pushed before it is left off. */
const MAX_RINGS = 12;

/**
 * Greedy label placement (Imhof's rules, kept simple): labels are placed one by one in the order
 * given (put the important ones first); each takes the first candidate position, nearest first, whose
 * box overlaps no label placed before it, no point marker and stays inside the bounds. The first
 * candidates touch the point (right, left, above, below, diagonals); then rings of positions farther
 * out, joined to the point by a leader line. A label with no free position within `MAX_RINGS` label
 * heights is left off (`undefined`) rather than drawn over another: boxes never overlap.
 */
export function placeLabels(requests: readonly LabelRequest[], options: PlacementOptions): (PlacedLabel | undefined)[] {
  const pad = options.padding ?? 1;
  const r = options.markerRadius;
  const markers: Box[] = requests.map((p) => ({ x: p.x - r, y: p.y - r, width: 2 * r, height: 2 * r }));
  const placed: Box[] = [];
  return requests.map((request) => {
    for (const candidate of candidates(request, r)) {
      const box = candidate.box;
      if (!inside(box, options.bounds)) continue;
      const padded = { x: box.x - pad, y: box.y - pad, width: box.width + 2 * pad, height: box.height + 2 * pad };
      if (placed.some((other) => overlaps(padded, other))) continue;
      if (markers.some((m) => overlaps(padded, m))) continue;
      placed.push(padded);
      return candidate;
    }
    return undefined;
  });
}

function* candidates(p: LabelRequest, markerRadius: number): Generator<PlacedLabel> {
  const gap = markerRadius + 2;
  const { width: w, height: h } = p;
  // Touching the point: the box's near side or corner at `gap` from the centre.
  for (const [dx, dy] of DIRECTIONS) {
    const x = dx > 0 ? p.x + gap : dx < 0 ? p.x - gap - w : p.x - w / 2;
    const y = dy > 0 ? p.y + gap : dy < 0 ? p.y - gap - h : p.y - h / 2;
    yield { box: { x, y, width: w, height: h }, leader: false };
  }
  // Farther out: the box's centre on rings around the point, the label's half-size beyond the ring.
  for (let ring = 1; ring <= MAX_RINGS; ring++) {
    const distance = gap + ring * h;
    for (let k = 0; k < RING_ANGLES; k++) {
      // Start at 0° (right) and alternate sides: 0, 180, 22.5, 202.5, …
      const angle = ((k % 2 === 0 ? 0 : Math.PI) + Math.floor(k / 2) * ((2 * Math.PI) / RING_ANGLES)) % (2 * Math.PI);
      const cx = p.x + Math.cos(angle) * (distance + w / 2);
      const cy = p.y - Math.sin(angle) * (distance + h / 2);
      yield { box: { x: cx - w / 2, y: cy - h / 2, width: w, height: h }, leader: true };
    }
  }
}

export function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

function inside(a: Box, bounds: Box): boolean {
  return a.x >= bounds.x && a.y >= bounds.y && a.x + a.width <= bounds.x + bounds.width && a.y + a.height <= bounds.y + bounds.height;
}

/** The point of a box nearest to (x, y): where a leader line from the point meets the label. */
export function nearestPointOf(box: Box, x: number, y: number): [number, number] {
  return [Math.min(Math.max(x, box.x), box.x + box.width), Math.min(Math.max(y, box.y), box.y + box.height)];
}
