import { Command, InvalidArgumentError, Option } from 'commander';
import { promises as fs } from 'node:fs';
import { basename, extname } from 'node:path';
import { InputError, UsageError, WordspaceError } from '../../core/errors.js';
import { integer, number } from '../../core/parse.js';
import type { WordVectors } from '../../core/vectors.js';
import { withOutput } from '../../io/output.js';
import { DEFAULT_PNG_SCALE } from '../../io/png.js';
import { HEATMAP_ORDERS, type HeatmapOrder } from '../../plot/heatmap.js';
import type { CompareBarsRow } from '../../plot/compare.js';
import { DEFAULT_MAP_SIZE } from '../../plot/map.js';
import { parseGroupFlag, parseGroups } from '../../plot/groups.js';
import { PROJECTIONS, type Projection } from '../../plot/project.js';
import { resolveWord, type QueryCase } from '../../query/fold.js';
import { warn, type CliIO } from '../context.js';
import { parsedOption } from '../options.js';
import { addForceOption, checkOutput } from '../output-options.js';
import { VECTORS_ARGUMENT } from './similar.js';
import type { RegisterCommand } from './index.js';

const PICTURE_FORMATS = ['svg', 'png'] as const;
type PictureFormat = (typeof PICTURE_FORMATS)[number];

/** Words a `--neighbours` picture shows besides the query, unless -k says. */
const DEFAULT_NEIGHBOURS = { map: 30, heatmap: 15 } as const;

interface CommonFlags {
  neighbours?: string;
  top: number;
  title?: string;
  output: string;
  format?: PictureFormat;
  scale: number;
  font: string[];
  force?: boolean;
}

interface MapFlags extends CommonFlags {
  projection: Projection;
  perplexity?: number;
  group: [string, string][];
  groups?: string;
  width: number;
  height: number;
}

interface HeatmapFlags extends CommonFlags {
  order: HeatmapOrder;
  values?: boolean;
}

export const registerPlot: RegisterCommand = (program, io) => {
  const plot = program
    .command('plot')
    .description('SVG/PNG pictures of word vectors: a 2-D map of words, a similarity heatmap; the compare table as bars; loss per epoch')
    .summary('SVG/PNG pictures of a neighbourhood or a similarity matrix');

  const map = addCommon(plot.command('map'), 'map')
    .description('the words in 2-D (PCA or t-SNE of their unit vectors), labelled, coloured by group')
    .addOption(new Option('--projection <method>', 'pca (exact, axes of most variance) or tsne (exact t-SNE, keeps neighbourhoods)').choices(PROJECTIONS).default('pca'))
    .addOption(parsedOption('--perplexity <n>', 't-SNE: effective number of neighbours (capped at (words − 1) / 3)', number('--perplexity', 1)))
    .addOption(new Option('--group <word=group>', 'colour a word by group (repeatable)').argParser(collect(parseGroupFlag)).default([]))
    .option('--groups <file>', 'word<TAB>group lines: colour words by group')
    .addOption(parsedOption('--width <px>', 'picture width', integer('--width', 200, 10000), DEFAULT_MAP_SIZE.width))
    .addOption(parsedOption('--height <px>', 'picture height', integer('--height', 150, 10000), DEFAULT_MAP_SIZE.height))
    .addHelpText('after', '\nExamples:\n  wordspace plot map vectors.vec --neighbours freedom -k 30 -o freedom.svg\n  wordspace plot map vectors.vec france germany britain japan china --group japan=asia --group china=asia -o countries.png');
  map.action(async (path: string, words: string[], flags: MapFlags) => {
    const output = await prepareOutput(flags, [path, flags.groups]);
    const groupText = flags.groups === undefined ? undefined : await readText(flags.groups);
    const { vectors, caseMode } = await load(io, path, words, flags);
    const chosen = chooseWords(vectors, caseMode, words, flags, 'map');
    const groups = new Map<string, string>();
    const given = [...(groupText === undefined ? [] : parseGroups(groupText, flags.groups!)), ...flags.group];
    for (const [word, group] of given) groups.set(foldedOrAsIs(vectors, word, caseMode), group);
    const { wordMap } = await import('../../plot/map.js');
    const picture = wordMap(vectors, chosen, {
      projection: flags.projection,
      ...(flags.perplexity === undefined ? {} : { perplexity: flags.perplexity }),
      groups,
      width: flags.width,
      height: flags.height,
      ...(flags.title !== undefined ? { title: flags.title } : flags.neighbours !== undefined ? { title: `Neighbours of “${chosen[0]}”` } : {}),
      ...(flags.neighbours !== undefined ? { highlight: chosen[0]! } : {}),
    });
    if (picture.unlabelled.length > 0) {
      const shown = picture.unlabelled.slice(0, 5).join(', ');
      warn(io, `no room for ${picture.unlabelled.length} label(s): ${shown}${picture.unlabelled.length > 5 ? ', …' : ''} (plot fewer words or a larger --width/--height)`);
    }
    await write(io, output, picture.svg, flags);
  });

  addCommon(plot.command('heatmap'), 'heatmap')
    .description('the cosine-similarity matrix of the words, rows and columns ordered by clustering, with a colour legend')
    .addOption(new Option('--order <order>', 'cluster (average linkage: similar words side by side) or input (as given)').choices(HEATMAP_ORDERS).default('cluster'))
    .option('--values', 'print each similarity in its cell (default: when the cells are large enough)')
    .option('--no-values', 'never print the similarities')
    .addHelpText('after', '\nExamples:\n  wordspace plot heatmap vectors.vec war peace army navy freedom liberty -o heatmap.svg\n  wordspace plot heatmap vectors.vec --neighbours freedom -k 12 -o freedom-heatmap.png')
    .action(async (path: string, words: string[], flags: HeatmapFlags) => {
      const output = await prepareOutput(flags, [path]);
      const { vectors, caseMode } = await load(io, path, words, flags);
      const chosen = chooseWords(vectors, caseMode, words, flags, 'heatmap');
      const { wordHeatmap } = await import('../../plot/heatmap.js');
      const title = flags.title ?? (flags.neighbours !== undefined ? `Neighbours of “${chosen[0]}”` : undefined);
      const picture = wordHeatmap(vectors, chosen, { order: flags.order, ...(flags.values === undefined ? {} : { values: flags.values }), ...(title === undefined ? {} : { title }) });
      await write(io, output, picture.svg, flags);
    });

  const compare = plot
    .command('compare')
    .description('the table of `wordspace compare --format json` as grouped bars: one group per evaluation set, one bar per method (± sd with --seeds)')
    .argument('<results>', 'the JSON `wordspace compare … --format json` wrote; - for standard input');
  addPictureOptions(compare)
    .addHelpText('after', '\nExamples:\n  wordspace compare corpus.txt --methods ppmi-svd,cbow --dim 50 --format json > results.json\n  wordspace plot compare results.json -o compare.svg')
    .action(async (path: string, flags: CommonFlags) => {
      const output = await prepareOutput(flags, [path]);
      const text = path === '-' ? await readStdin(io.stdin) : await readText(path);
      const rows = compareRows(text, path === '-' ? 'standard input' : path);
      const { compareBarsSvg } = await import('../../plot/compare.js');
      const picture = compareBarsSvg(rows, flags.title === undefined ? {} : { title: flags.title });
      await write(io, output, picture.svg, flags);
    });

  const loss = plot
    .command('loss')
    .description('the loss per epoch an encoder recorded (glove, autoencoder: `lossPerEpoch` in the output\'s metadata) as lines, one per run')
    .argument('<runs...>', 'vectors files (their X.meta.json beside them is read) or .meta.json files');
  addPictureOptions(loss)
    .addHelpText('after', '\nExamples:\n  wordspace encode glove corpus.txt --dim 50 --epochs 10 -o glove.vec && wordspace plot loss glove.vec -o loss.svg')
    .action(async (runs: string[], flags: CommonFlags) => {
      const metaFiles = runs.map((r) => (r.endsWith('.json') ? r : `${r}.meta.json`));
      const output = await prepareOutput(flags, metaFiles);
      const series: { name: string; loss: number[] }[] = [];
      for (let i = 0; i < runs.length; i++) {
        const file = metaFiles[i]!;
        let meta: { method?: unknown; lossPerEpoch?: unknown };
        try {
          meta = JSON.parse(await readText(file)) as typeof meta;
        } catch (err) {
          if (err instanceof WordspaceError) throw err;
          throw new InputError(`${file} is not JSON`, 'give a vectors file with its .meta.json, or the .meta.json itself');
        }
        const loss = meta?.lossPerEpoch;
        if (!Array.isArray(loss) || loss.length === 0 || !loss.every((v) => typeof v === 'number')) {
          throw new InputError(`${file} records no loss per epoch`, 'glove and autoencoder record one (lossPerEpoch in the metadata)');
        }
        series.push({ name: `${typeof meta.method === 'string' ? meta.method : 'run'} (${basename(runs[i]!)})`, loss: loss as number[] });
      }
      const { lossSvg } = await import('../../plot/loss.js');
      await write(io, output, lossSvg(series, flags.title === undefined ? {} : { title: flags.title }).svg, flags);
    });
};

async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks).toString('utf8');
}

/** The rows of `compare --format json`, checked: a list of { method, scores: { set: number | null } }. */
function compareRows(text: string, name: string): CompareBarsRow[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new InputError(`${name} is not JSON`, 'give the output of `wordspace compare … --format json`');
  }
  const isScores = (v: unknown): v is Record<string, number | null> =>
    typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => x === null || typeof x === 'number');
  const isRow = (r: unknown): boolean => {
    if (typeof r !== 'object' || r === null) return false;
    const row = r as { method?: unknown; scores?: unknown; spread?: unknown };
    return typeof row.method === 'string' && isScores(row.scores) && (row.spread === undefined || isScores(row.spread));
  };
  if (!Array.isArray(data) || data.length === 0 || !data.every(isRow)) {
    throw new InputError(`${name} does not hold the rows of \`wordspace compare --format json\` (a list of {"method", "scores"})`, 'give the output of `wordspace compare … --format json`');
  }
  return data as CompareBarsRow[];
}

function addCommon(command: Command, kind: 'map' | 'heatmap'): Command {
  command
    .argument('<vectors>', VECTORS_ARGUMENT)
    .argument('[words...]', 'the words to show (at least 2, or --neighbours)')
    .option('--neighbours <word>', 'show this word and its nearest neighbours (with any words given)')
    .addOption(parsedOption('-k, --top <n>', 'neighbours shown with --neighbours', integer('--top', 1, 1000), DEFAULT_NEIGHBOURS[kind]))
  return addPictureOptions(command);
}

/** The options every picture has: title, output file and format, PNG scale and fonts, --force. */
function addPictureOptions(command: Command): Command {
  command
    .option('--title <text>', 'title above the picture')
    .option('-o, --output <file>', 'the picture: .svg or .png (default: SVG on standard output)', '-')
    .addOption(new Option('-f, --format <format>', 'svg or png (default: from the output file name, else svg)').choices(PICTURE_FORMATS))
    .addOption(parsedOption('--scale <n>', 'PNG pixels per SVG pixel', number('--scale', 0, 16, true), DEFAULT_PNG_SCALE))
    .addOption(new Option('--font <file>', 'PNG: a font file to use besides the system fonts, e.g. one that covers Chinese (repeatable)').argParser(collect((v) => v)).default([]));
  return addForceOption(command);
}

/** A repeatable option's parser: each value parsed, all kept in order. */
function collect<T>(parse: (value: string) => T): (value: string, previous: T[]) => T[] {
  return (value, previous) => {
    try {
      return [...previous, parse(value)];
    } catch (err) {
      if (err instanceof WordspaceError) throw new InvalidArgumentError(err.message.replace(/^--[\w-]+ /, ''));
      throw err;
    }
  };
}

interface OutputChoice {
  path: string;
  format: PictureFormat;
}

/** The format (-f, else the file's extension, else SVG), and the output checked before any work. */
async function prepareOutput(flags: CommonFlags, inputs: (string | undefined)[]): Promise<OutputChoice> {
  let format = flags.format;
  if (!format && flags.output !== '-') {
    const ext = extname(flags.output).toLowerCase();
    if (ext === '.png') format = 'png';
    else if (ext === '.svg') format = 'svg';
    else if (!flags.output.startsWith('/dev/')) throw new UsageError(`cannot tell the picture format of ${flags.output} from its name`, 'name it .svg or .png, or give -f svg|png');
  }
  await checkOutput({ output: flags.output, inputs, force: flags.force });
  return { path: flags.output, format: format ?? 'svg' };
}

async function readText(path: string): Promise<string> {
  try {
    return await fs.readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(`cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (err as Error).message}`);
  }
}

async function load(io: CliIO, path: string, words: string[], flags: CommonFlags): Promise<{ vectors: WordVectors; caseMode: QueryCase }> {
  const { loadQueryVectors } = await import('../../query/load.js');
  const queries = flags.neighbours !== undefined ? [flags.neighbours, ...words] : words;
  if (flags.neighbours === undefined && new Set(words).size < 2) {
    throw new UsageError(`plot needs at least 2 different words, got ${new Set(words).size}`, 'name more words, or give --neighbours WORD');
  }
  return loadQueryVectors(path, { stdin: io.stdin, warn: (message) => warn(io, message), queries });
}

/**
 * The words drawn: the --neighbours word and its k nearest first, then the words given; each
 * matched to its row label as `similar` does (an unknown word is the one error line); duplicates
 * dropped. Fewer than 2 is a usage error.
 */
function chooseWords(vectors: WordVectors, caseMode: QueryCase, words: string[], flags: CommonFlags, kind: 'map' | 'heatmap'): string[] {
  const chosen: string[] = [];
  if (flags.neighbours !== undefined) {
    const centre = resolveWord(vectors, flags.neighbours, caseMode);
    chosen.push(centre, ...vectors.nearest(centre, flags.top).map((n) => n.word));
  }
  for (const word of words) chosen.push(resolveWord(vectors, word, caseMode));
  const unique = [...new Set(chosen)];
  if (unique.length < 2) throw new UsageError(`plot ${kind} needs at least 2 different words, got ${unique.length}`, 'name more words, or give --neighbours WORD');
  return unique;
}

/** A group file's word matched as a query word would be, or kept as written when not in the vectors. */
function foldedOrAsIs(vectors: WordVectors, word: string, caseMode: QueryCase): string {
  try {
    return resolveWord(vectors, word, caseMode);
  } catch {
    return word;
  }
}

async function write(io: CliIO, output: OutputChoice, svg: string, flags: CommonFlags): Promise<void> {
  let bytes: Buffer;
  if (output.format === 'png') {
    if (output.path === '-' && io.stdout.isTTY) throw new UsageError('refusing to write a PNG to a terminal', 'give -o picture.png, or pipe the output elsewhere');
    const { renderPng } = await import('../../io/png.js');
    bytes = await renderPng(svg, { scale: flags.scale, fontFiles: flags.font });
  } else {
    bytes = Buffer.from(svg, 'utf8');
  }
  await withOutput(output.path, io.stdout, async (sink) => {
    await sink.write(bytes);
  }, { force: flags.force });
}
