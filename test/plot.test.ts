import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { averageLinkageOrder, cosineMatrix } from '../src/plot/cluster.js';
import { heatmapSvg, wordHeatmap } from '../src/plot/heatmap.js';
import { overlaps, placeLabels, textWidth, type Box } from '../src/plot/labels.js';
import { mapSvg, wordMap } from '../src/plot/map.js';
import { parseGroupFlag, parseGroups } from '../src/plot/groups.js';
import { pca2, tsne2 } from '../src/plot/project.js';
import { renderPng } from '../src/io/png.js';
import { runCli } from './helpers/cli.js';
import { tinyVectors, TINY_WORDS } from './helpers/query-fixtures.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const TINY = join(root, 'fixtures', 'query', 'tiny.txt');
/** Has 猫, `new,york` and `__proto__` among its words. */
const AWKWARD = join(root, 'fixtures', 'formats', 'tiny.txt');

function near(actual: number, expected: number, what: string, tolerance = 1e-9): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} ≠ ${expected}`);
}

/** Parses as XML, and its root is an <svg> of the size it says. */
function assertSvg(svg: string): { width: number; height: number } {
  assert.equal(XMLValidator.validate(svg), true, 'not well-formed XML');
  const doc = new XMLParser({ ignoreAttributes: false }).parse(svg) as { svg?: Record<string, string> };
  assert.ok(doc.svg, 'root element is not <svg>');
  const width = Number(doc.svg['@_width']);
  const height = Number(doc.svg['@_height']);
  assert.ok(width > 0 && height > 0);
  assert.equal(doc.svg['@_viewBox'], `0 0 ${width} ${height}`);
  return { width, height };
}

/** A PNG's size and its RGBA pixels (8-bit RGBA, non-interlaced: what resvg writes), decoded by hand. */
function decodePng(png: Buffer): { width: number; height: number; pixels: Uint8Array } {
  assert.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], 'PNG signature');
  let at = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (at < png.length) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      assert.equal(data[8], 8, 'bit depth');
      assert.equal(data[9], 6, 'colour type RGBA');
      assert.equal(data[12], 0, 'not interlaced');
    }
    if (type === 'IDAT') idat.push(data);
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4;
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x]!;
      const a = x >= 4 ? pixels[y * stride + x - 4]! : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x]! : 0;
      const c = x >= 4 && y > 0 ? pixels[(y - 1) * stride + x - 4]! : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter]!;
      pixels[y * stride + x] = (v + predictor) & 255;
    }
  }
  return { width, height, pixels };
}

/** Pixels that differ from the top-left one (the background). */
function inkedPixels(pixels: Uint8Array): number {
  let count = 0;
  for (let i = 0; i < pixels.length; i += 4) {
    if (pixels[i] !== pixels[0] || pixels[i + 1] !== pixels[1] || pixels[i + 2] !== pixels[2]) count++;
  }
  return count;
}

describe('PCA', () => {
  // Four points, centred at (10, 20): a = (3, 3), b = −a, c = (1, −1), d = −c about the centre.
  // Covariance (unnormalised) = 2·(3,3)(3,3)ᵀ + 2·(1,−1)(1,−1)ᵀ: eigenvalue 36 along (1, 1)/√2,
  // 4 along (1, −1)/√2, so PC1 of a is 6/√2 = 3√2, PC2 of c is 2/√2 = √2; variance shares 0.9, 0.1.
  // Sign rule: a and b tie for the largest |PC1|, the first (a) is positive; c and d tie on PC2, c positive.
  const points = [
    [13, 23],
    [7, 17],
    [11, 19],
    [9, 21],
  ];
  const expected = [
    [3 * Math.SQRT2, 0],
    [-3 * Math.SQRT2, 0],
    [0, Math.SQRT2],
    [0, -Math.SQRT2],
  ];

  test('golden coordinates on a 4 × 2 matrix (covariance path, d ≤ n)', () => {
    const { coords, explained } = pca2(points.flat(), 4, 2);
    expected.forEach(([x, y], i) => {
      near(coords[i * 2]!, x!, `x of point ${i}`);
      near(coords[i * 2 + 1]!, y!, `y of point ${i}`);
    });
    near(explained[0], 0.9, 'PC1 share');
    near(explained[1], 0.1, 'PC2 share');
  });

  test('the same coordinates from the Gram path (d > n: padded to 6 dimensions)', () => {
    const padded = points.flatMap(([x, y]) => [0, x!, 5, 0, y!, -1]);
    const { coords } = pca2(padded, 4, 6);
    expected.forEach(([x, y], i) => {
      near(coords[i * 2]!, x!, `x of point ${i}`);
      near(coords[i * 2 + 1]!, y!, `y of point ${i}`);
    });
  });

  test('sign convention: the first of the farthest points is positive, whatever the input order', () => {
    // b first: now b is the first of the two farthest along PC1, so b is positive.
    const { coords } = pca2([points[1]!, points[0]!, points[3]!, points[2]!].flat(), 4, 2);
    near(coords[0]!, 3 * Math.SQRT2, 'b on PC1');
    near(coords[2]!, -3 * Math.SQRT2, 'a on PC1');
    near(coords[5]!, Math.SQRT2, 'd on PC2 (first of the tie)');
  });

  test('a one-dimensional input puts everything on PC1 with PC2 = 0', () => {
    const { coords, explained } = pca2([1, 2, 4], 3, 1);
    // Centred: −4/3, −1/3, 5/3; the largest |value| (5/3) is made positive: the signs stay.
    near(coords[0]!, -4 / 3, 'x0');
    near(coords[4]!, 5 / 3, 'x2');
    assert.deepEqual([coords[1], coords[3], coords[5]], [0, 0, 0]);
    assert.deepEqual(explained, [1, 0]);
  });
});

test('t-SNE keeps two far-apart clusters apart, and is deterministic', () => {
  // Two clusters of 6 points in 4-D, around +5·e0 and +5·e1, with small offsets.
  const data: number[] = [];
  for (let c = 0; c < 2; c++) {
    for (let k = 0; k < 6; k++) {
      const row = [0, 0, 0, 0];
      row[c] = 5;
      row[2] = (k % 3) * 0.3;
      row[3] = Math.floor(k / 3) * 0.3;
      data.push(...row);
    }
  }
  const y = tsne2(data, 12, 4, { perplexity: 3, iterations: 400 });
  assert.deepEqual([...tsne2(data, 12, 4, { perplexity: 3, iterations: 400 })], [...y]);
  for (let i = 0; i < 12; i++) {
    let best = -1;
    let bestDistance = Infinity;
    for (let j = 0; j < 12; j++) {
      if (j === i) continue;
      const d = (y[i * 2]! - y[j * 2]!) ** 2 + (y[i * 2 + 1]! - y[j * 2 + 1]!) ** 2;
      if (d < bestDistance) [best, bestDistance] = [j, d];
    }
    assert.equal(Math.floor(best / 6), Math.floor(i / 6), `point ${i}'s nearest neighbour ${best} is in the other cluster`);
  }
});

describe('heatmap', () => {
  test('cosine matrix by hand', () => {
    // (1,0), (1,1), (0,−2), (0,0): cos = 1/√2 between the first two, 0 and −1/√2 with the third.
    const s = cosineMatrix([1, 0, 1, 1, 0, -2, 0, 0], 4, 2);
    near(s[1]!, Math.SQRT1_2, 'cos(0,1)');
    near(s[2]!, 0, 'cos(0,2)');
    near(s[1 * 4 + 2]!, -Math.SQRT1_2, 'cos(1,2)');
    assert.equal(s[15], 0, 'a zero row has no direction');
    assert.equal(s[5], 1);
  });

  // Items a1, b1, a2, b2, a3 (interleaved): a's are similar to each other, b's too, a–b not.
  const words = ['a1', 'b1', 'a2', 'b2', 'a3'];
  const sim = (i: number, j: number): number => {
    if (i === j) return 1;
    const key = [words[i], words[j]].sort().join(' ');
    return ({ 'a1 a2': 0.9, 'a1 a3': 0.8, 'a2 a3': 0.85, 'b1 b2': 0.7 } as Record<string, number>)[key] ?? 0.1;
  };
  const matrix = Float64Array.from({ length: 25 }, (_, k) => sim(Math.floor(k / 5), k % 5));

  test('average-linkage order puts each cluster in one block', () => {
    // By hand: a1+a2 (distance 0.1); then {a1,a2}+a3 (average (0.2 + 0.15)/2 = 0.175); then b1+b2 (0.3);
    // then the two blocks, the one holding item 0 first.
    assert.deepEqual(averageLinkageOrder(matrix, 5), [0, 2, 4, 1, 3]);
    const picture = heatmapSvg(words, matrix);
    assert.deepEqual(picture.order, ['a1', 'a2', 'a3', 'b1', 'b2']);
    assert.deepEqual(heatmapSvg(words, matrix, { order: 'input' }).order, words);
    // Colour range: the largest off-diagonal |similarity| 0.9 → 0.9.
    assert.equal(picture.range, 0.9);
    assertSvg(picture.svg);
  });

  test('the drawn cells follow the order: row 2, column 1 of the picture is a3 · a1 (0.80)', () => {
    const { svg } = heatmapSvg(words, matrix, { values: true });
    const titles = [...svg.matchAll(/<title>([^<]*)<\/title><\/rect>/g)].map((m) => m[1]);
    assert.equal(titles.length, 25);
    assert.equal(titles[2 * 5 + 0], 'a3 · a1: 0.800');
    assert.equal(titles[3 * 5 + 4], 'b1 · b2: 0.700');
  });

  test('wordHeatmap on the tiny vectors: king and queen share royalty (cos 1/2)', () => {
    const { similarity, svg } = wordHeatmap(tinyVectors(), ['king', 'queen', 'man']);
    near(similarity[1]!, 0.5, 'cos(king, queen)', 1e-6);
    near(similarity[2]!, Math.SQRT1_2, 'cos(king, man)', 1e-6);
    assertSvg(svg);
  });
});

/** A small seeded generator for the test's layouts (LCG, Numerical Recipes' constants). */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('labels', () => {
  test('no two label boxes overlap on a dense example, none covers a point, all inside the bounds', () => {
    const random = lcg(7);
    const bounds: Box = { x: 0, y: 0, width: 800, height: 600 };
    // 60 points crowded into 240 × 180 px in the middle, labels 30–110 px wide.
    const requests = Array.from({ length: 60 }, () => ({ x: 280 + random() * 240, y: 210 + random() * 180, width: 30 + random() * 80, height: 16 }));
    const placed = placeLabels(requests, { bounds, markerRadius: 4, padding: 1 });
    const boxes = placed.flatMap((p) => (p ? [p.box] : []));
    assert.ok(boxes.length >= 54, `only ${boxes.length} of 60 labels placed`);
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) assert.ok(!overlaps(boxes[i]!, boxes[j]!), `labels ${i} and ${j} overlap`);
    }
    for (const box of boxes) {
      assert.ok(box.x >= 0 && box.y >= 0 && box.x + box.width <= 800 && box.y + box.height <= 600);
      for (const r of requests) assert.ok(!overlaps(box, { x: r.x - 4, y: r.y - 4, width: 8, height: 8 }), 'a label covers a point');
    }
  });

  test('a lone point gets its label right beside it, without a leader', () => {
    const [only] = placeLabels([{ x: 100, y: 100, width: 40, height: 16 }], { bounds: { x: 0, y: 0, width: 400, height: 300 }, markerRadius: 4 });
    assert.deepEqual(only, { box: { x: 106, y: 92, width: 40, height: 16 }, leader: false });
  });

  test('text width: a CJK character is a full em, wider than a Latin letter', () => {
    assert.equal(textWidth('猫猫', 10), 20);
    assert.ok(textWidth('mm', 10) > textWidth('ii', 10));
  });
});

describe('map', () => {
  test('one circle and one label per word, groups in the legend, XML-safe labels', () => {
    const points = [
      { word: 'a<b>&"c"', x: 0, y: 0, group: 'g1' },
      { word: '猫', x: 1, y: 0, group: 'g2' },
      { word: '__proto__', x: 0, y: 1 },
    ];
    const { svg, unlabelled } = mapSvg(points, { title: 'T & U', caption: 'c' });
    assertSvg(svg);
    assert.deepEqual(unlabelled, []);
    // 3 points + 3 legend swatches (g1, g2, other).
    assert.equal((svg.match(/<circle /g) ?? []).length, 6);
    assert.match(svg, />a&lt;b&gt;&amp;&quot;c&quot;<\/text>/);
    assert.match(svg, />猫<\/text>/);
    assert.match(svg, />other<\/text>/);
  });

  test('the map keeps x to the right and y up, with equal scales', () => {
    // Points at (0,0), (2,0), (0,1): in pixels the second is right of the first by twice the third's height above it.
    const { svg } = mapSvg([{ word: 'o', x: 0, y: 0 }, { word: 'x', x: 2, y: 0 }, { word: 'y', x: 0, y: 1 }]);
    const centres = [...svg.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)"/g)].map((m) => [Number(m[1]), Number(m[2])] as const);
    const [o, x, y] = centres;
    near(x![1], o![1], 'x on the same row', 0.02);
    near(y![0], o![0], 'y in the same column', 0.02);
    near(x![0] - o![0], 2 * (o![1] - y![1]), 'equal scales', 0.05);
  });

  test('wordMap: PCA coordinates are those of pca2 on the unit vectors', () => {
    const vectors = tinyVectors();
    const words = ['man', 'woman', 'king', 'queen'];
    const { coords, svg } = wordMap(vectors, words);
    // man, woman, king, queen normalised: (1,0,0), (0,1,0), (1,0,1)/√2, (0,1,1)/√2 on the first three axes.
    const s = Math.SQRT1_2;
    const expected = pca2([1, 0, 0, 0, 1, 0, s, 0, s, 0, s, s], 4, 3).coords;
    for (let k = 0; k < 8; k++) near(coords[k]!, expected[k]!, `coordinate ${k}`, 1e-6);
    // Gender is the main direction: man and woman on opposite sides of PC1, as king and queen.
    assert.ok(coords[0]! * coords[2]! < 0 && coords[4]! * coords[6]! < 0);
    assertSvg(svg);
  });

  test('groups parse from word<TAB>group lines and --group WORD=GROUP', () => {
    assert.deepEqual([...parseGroups('# comment\nking\troyal\n\nqueen\troyal\r\nman\tpeople\n', 'g.tsv')], [['king', 'royal'], ['queen', 'royal'], ['man', 'people']]);
    assert.throws(() => parseGroups('king royal\n', 'g.tsv'), /g\.tsv line 1 is not word<TAB>group/);
    assert.deepEqual(parseGroupFlag('a=b=c'), ['a=b', 'c']);
    assert.throws(() => parseGroupFlag('king'), /--group must be WORD=GROUP/);
  });
});

test('PNG: resvg renders a picture of the expected size that is not blank', async () => {
  const { svg } = heatmapSvg(['x', 'y'], Float64Array.from([1, 0.5, 0.5, 1]));
  const { width, height } = assertSvg(svg);
  const png = decodePng(await renderPng(svg, { scale: 3 }));
  assert.equal(png.width, width * 3);
  assert.equal(png.height, height * 3);
  assert.ok(inkedPixels(png.pixels) > 100, 'the PNG is blank');
});

describe('plot on the command line', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'wordspace-plot-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('plot map --neighbours: the word and its k neighbours, SVG on standard output', async () => {
    const r = await runCli(['plot', 'map', TINY, '--neighbours', 'king', '-k', '4']);
    assert.equal(r.code, 0, r.stderr);
    assertSvg(r.stdout);
    assert.equal((r.stdout.match(/<circle /g) ?? []).length, 5);
    assert.match(r.stdout, /font-weight="700"[^>]*>king<\/text>/);
    assert.match(r.stdout, /Neighbours of “king”/);
  });

  test('plot map with groups and t-SNE writes an SVG file; plot heatmap a PNG of twice its size', async () => {
    const groups = join(dir, 'groups.tsv');
    writeFileSync(groups, 'man\tpeople\nwoman\tpeople\nking\troyal\n');
    const svgPath = join(dir, 'map.svg');
    const r = await runCli(['plot', 'map', TINY, ...TINY_WORDS, '--groups', groups, '--group', 'queen=royal', '--projection', 'tsne', '-o', svgPath]);
    assert.equal(r.code, 0, r.stderr);
    const svg = readFileSync(svgPath, 'utf8');
    assertSvg(svg);
    assert.match(svg, />royal<\/text>/);
    assert.match(svg, />people<\/text>/);
    assert.match(svg, />other<\/text>/);

    const pngPath = join(dir, 'heat.png');
    const h = await runCli(['plot', 'heatmap', TINY, 'king', 'queen', 'man', 'woman', '-o', pngPath]);
    assert.equal(h.code, 0, h.stderr);
    const same = await runCli(['plot', 'heatmap', TINY, 'king', 'queen', 'man', 'woman']);
    const { width, height } = assertSvg(same.stdout);
    const png = decodePng(readFileSync(pngPath));
    assert.deepEqual([png.width, png.height], [width * 2, height * 2]);
    assert.ok(inkedPixels(png.pixels) > 1000);
  });

  test('labels in any script pass through (CJK, commas, __proto__)', async () => {
    const r = await runCli(['plot', 'heatmap', AWKWARD, '猫', 'new,york', '__proto__', 'the']);
    assert.equal(r.code, 0, r.stderr);
    assertSvg(r.stdout);
    assert.match(r.stdout, />猫<\/text>/);
  });

  test('an unknown word is one error line naming it (exit 1), and no file is written', async () => {
    const out = join(dir, 'unknown.svg');
    const r = await runCli(['plot', 'map', TINY, 'king', 'kingg', '-o', out]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.split('\n').length, 2, r.stderr);
    assert.match(r.stderr, /^wordspace: .*kingg/);
    assert.equal(existsSync(out), false);
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
  });

  test('fewer than 2 words, a bad --group or an unknown extension is a usage error (exit 2)', async () => {
    for (const argv of [
      ['plot', 'map', TINY, 'king'],
      ['plot', 'heatmap', TINY, 'king', 'king'],
      ['plot', 'map', TINY, 'king', 'queen', '--group', 'king'],
      ['plot', 'map', TINY, 'king', 'queen', '-o', join(dir, 'map.gif')],
      ['plot', 'map', TINY, 'king', 'queen', '--projection', 'umap'],
    ]) {
      const r = await runCli(argv);
      assert.equal(r.code, 2, `${argv.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
    }
  });

  test('a missing --font file is one error line (exit 1)', async () => {
    const r = await runCli(['plot', 'map', TINY, 'king', 'queen', '-o', join(dir, 'f.png'), '--font', join(dir, 'none.ttf')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^wordspace: font file .*none\.ttf not found/);
  });
});

describe('plot compare', () => {
  const rows = [
    { method: 'ppmi-svd', scores: { 'EN-WS-353-ALL.txt': 0.5, 'questions-words.txt': 0.2 } },
    { method: 'sgns', scores: { 'EN-WS-353-ALL.txt': -0.1, 'questions-words.txt': null }, spread: { 'EN-WS-353-ALL.txt': 0.05, 'questions-words.txt': null } },
  ];

  test('one bar per method and covered set, heights proportional to the scores on one axis', async () => {
    const { compareBarsSvg } = await import('../src/plot/compare.js');
    const picture = compareBarsSvg(rows, { title: 'Which method?' });
    assert.equal(XMLValidator.validate(picture.svg), true);
    assert.deepEqual(picture.sets, ['EN-WS-353-ALL.txt', 'questions-words.txt']);
    // Axis: lowest −0.1 − 0.05 → −0.2; highest 0.5 → 0.5.
    assert.deepEqual([picture.low, picture.high], [-0.2, 0.5]);
    const bars = [...picture.svg.matchAll(/<rect class="bar" data-method="([^"]+)" data-set="([^"]+)" data-value="([^"]+)" x="[^"]+" y="([^"]+)" width="\d+" height="([^"]+)"/g)]
      .map((m) => ({ method: m[1], set: m[2], value: Number(m[3]), y: Number(m[4]), height: Number(m[5]) }));
    assert.equal(bars.length, 3, 'sgns has no questions-words bar');
    const h = (method: string, set: string): number => bars.find((b) => b.method === method && b.set === set)!.height;
    // 320 px for 0.7 of axis: 0.5 → 228.57, 0.2 → 91.43, 0.1 → 45.71.
    assert.ok(Math.abs(h('ppmi-svd', 'EN-WS-353-ALL.txt') - (0.5 / 0.7) * 320) < 0.01);
    assert.ok(Math.abs(h('ppmi-svd', 'questions-words.txt') / h('ppmi-svd', 'EN-WS-353-ALL.txt') - 0.4) < 1e-3);
    // A negative score hangs below the zero line, where the positive ones stand.
    const zero = (b: { y: number; height: number }): number => b.y + b.height;
    const positive = bars.find((b) => b.method === 'ppmi-svd')!;
    const negative = bars.find((b) => b.method === 'sgns')!;
    assert.ok(Math.abs(negative.y - zero(positive)) < 0.02);
    assert.match(picture.svg, />n\/a</);
    assert.match(picture.svg, />sgns</);
  });

  test('from compare JSON on the command line; a file that is not compare output is one error line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wordspace-plot-compare-'));
    try {
      const results = join(dir, 'results.json');
      writeFileSync(results, JSON.stringify(rows));
      const svg = join(dir, 'bars.svg');
      const r = await runCli(['plot', 'compare', results, '-o', svg]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(XMLValidator.validate(readFileSync(svg, 'utf8')), true);
      const fromStdin = await runCli(['plot', 'compare', '-'], JSON.stringify(rows));
      assert.equal(fromStdin.stdout, readFileSync(svg, 'utf8'));
      writeFileSync(join(dir, 'bad.json'), JSON.stringify({ rows: 1 }));
      const bad = await runCli(['plot', 'compare', join(dir, 'bad.json'), '-o', join(dir, 'x.svg')]);
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /^wordspace: .*bad\.json does not hold the rows of `wordspace compare --format json`/);
      assert.equal(bad.stderr.trim().split('\n').length, 1);
      assert.equal(existsSync(join(dir, 'x.svg')), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('plot loss', () => {
  test('lines through the recorded losses on a nice axis; from a glove run on the command line; a run without loss is one error line', async () => {
    const { lossSvg, niceStep } = await import('../src/plot/loss.js');
    assert.deepEqual([niceStep(0.7, 5), niceStep(13, 5), niceStep(0.003, 5)], [0.2, 5, 0.001]);
    const picture = lossSvg([{ name: 'a', loss: [0.9, 0.5, 0.4] }, { name: 'b', loss: [0.7, 0.35] }]);
    assert.equal(XMLValidator.validate(picture.svg), true);
    // 0.35 … 0.9 in steps of 0.2 (span 0.55 / 5 = 0.11 → 0.2): 0.2 … 1.
    assert.deepEqual([Math.round(picture.low * 10) / 10, Math.round(picture.high * 10) / 10, picture.epochs], [0.2, 1, 3]);
    const lines = [...picture.svg.matchAll(/<polyline class="loss" data-name="([^"]+)" points="([^"]+)"/g)].map((m) => ({ name: m[1], points: m[2]!.split(' ').map((p) => p.split(',').map(Number)) }));
    assert.deepEqual(lines.map((l) => [l.name, l.points.length]), [['a', 3], ['b', 2]]);
    // Lower loss is drawn higher up the page's y: 0.9 above 0.5 means a smaller y for 0.9.
    const [a0, a1, a2] = lines[0]!.points;
    assert.ok(a0![1]! < a1![1]! && a1![1]! < a2![1]!);
    // Equal spacing of epochs: a's x steps are equal, b's second point is at a's second x.
    assert.ok(Math.abs(a1![0]! - a0![0]! - (a2![0]! - a1![0]!)) < 0.02);
    assert.equal(lines[1]!.points[1]![0], a1![0]);

    const dir = mkdtempSync(join(tmpdir(), 'wordspace-plot-loss-'));
    try {
      const corpus = join(dir, 'c.txt');
      writeFileSync(corpus, 'the cat sat on the mat\nthe dog sat on the rug\na cat and a dog\n'.repeat(20));
      const vec = join(dir, 'g.vec');
      const g = await runCli(['encode', 'glove', corpus, '--dim', '4', '--epochs', '4', '--min-count', '1', '--threads', '1', '-o', vec, '-q']);
      assert.equal(g.code, 0, g.stderr);
      const recorded = (JSON.parse(readFileSync(`${vec}.meta.json`, 'utf8')) as { lossPerEpoch: number[] }).lossPerEpoch;
      assert.equal(recorded.length, 4);
      const r = await runCli(['plot', 'loss', vec, '-o', join(dir, 'loss.svg')]);
      assert.equal(r.code, 0, r.stderr);
      const svg = readFileSync(join(dir, 'loss.svg'), 'utf8');
      assert.match(svg, /data-name="glove \(g\.vec\)"/);
      assert.equal([...svg.matchAll(/<circle /g)].length, 4);
      const cooc = join(dir, 'c.vec');
      assert.equal((await runCli(['encode', 'cooc', corpus, '--dim', '2', '--min-count', '1', '-o', cooc, '-q'])).code, 0);
      const bad = await runCli(['plot', 'loss', cooc, '-o', join(dir, 'x.svg')]);
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /^wordspace: .*c\.vec\.meta\.json records no loss per epoch/);
      assert.equal(existsSync(join(dir, 'x.svg')), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
