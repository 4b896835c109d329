import { VERSION } from '../version.js';
import { COMMANDS } from './commands/index.js';

/*
 * The answers a run gives without loading commander or any command (issue 8's start-up row):
 * `--version` and the program's own help (`--help`, `-h`, `help`, no arguments). The help is laid
 * out as commander lays it out (its Help.formatHelp for the top-level program, help.js in commander
 * 14); test/startup.test.ts checks it against commander's text, at several widths, byte for byte.
 */

/** The program's description, shared with the commander program (program.ts). */
export const PROGRAM_DESCRIPTION = 'Turn a corpus into vectors: one-hot, feature tables, term-document, co-occurrence (PPMI, SVD), autoencoder, word2vec, GloVe.';

/** The program's own options, shared with the commander program. */
export const PROGRAM_OPTIONS = {
  version: { flags: '-V, --version', description: 'print the version' },
  debug: { flags: '--debug', description: 'show stack traces of errors' },
  help: { flags: '-h, --help', description: 'display help for command' },
} as const;

/** commander's implicit `help [command]` entry in the command list. */
const HELP_COMMAND = { term: 'help [command]', summary: 'display help for command' };

/**
 * What the run prints for argv when it needs nothing but this module, else undefined. `helpWidth`
 * is the terminal's width, as commander takes it (undefined when standard output is not one: 80).
 */
export function quickAnswer(argv: readonly string[], helpWidth: number | undefined): string | undefined {
  if (argv.length === 0) return programHelp(helpWidth ?? 80);
  if (argv.length !== 1) return undefined;
  const only = argv[0];
  if (only === '--version' || only === '-V') return `${VERSION}\n`;
  if (only === '--help' || only === '-h' || only === 'help') return programHelp(helpWidth ?? 80);
  return undefined;
}

/** `wordspace --help`, as commander formats the program's help at this width. */
export function programHelp(helpWidth: number): string {
  const options = [PROGRAM_OPTIONS.version, PROGRAM_OPTIONS.debug, PROGRAM_OPTIONS.help].map((o) => ({ term: o.flags, text: o.description }));
  const commands = [...COMMANDS, HELP_COMMAND].map((c) => ({ term: c.term, text: c.summary }));
  const termWidth = Math.max(...options.map((o) => o.term.length), ...commands.map((c) => c.term.length));
  const item = ({ term, text }: { term: string; text: string }): string => formatItem(term, termWidth, text, helpWidth);
  return ['Usage: wordspace [options] [command]', '', boxWrap(PROGRAM_DESCRIPTION, helpWidth), '', 'Options:', ...options.map(item), '', 'Commands:', ...commands.map(item), ''].join('\n');
}

/** commander's Help.minWidthToWrap: narrower columns are not wrapped. */
const MIN_WIDTH_TO_WRAP = 40;
const ITEM_INDENT = '  ';
const SPACER = 2;

/** A term padded to the column and its description wrapped beside it (commander's formatItem). */
function formatItem(term: string, termWidth: number, description: string, helpWidth: number): string {
  if (!description) return ITEM_INDENT + term;
  const remaining = helpWidth - termWidth - SPACER - ITEM_INDENT.length;
  const text = remaining < MIN_WIDTH_TO_WRAP || /\n[^\S\r\n]/.test(description) ? description : boxWrap(description, remaining).replace(/\n/g, `\n${' '.repeat(termWidth + SPACER)}`);
  return ITEM_INDENT + term.padEnd(termWidth) + ' '.repeat(SPACER) + text.replace(/\n/g, `\n${ITEM_INDENT}`);
}

/** Text wrapped at whitespace to `width` columns, its own line breaks kept (commander's boxWrap). */
function boxWrap(text: string, width: number): string {
  if (width < MIN_WIDTH_TO_WRAP) return text;
  const out: string[] = [];
  for (const line of text.split(/\r\n|\n/)) {
    const chunks = line.match(/[\s]*[^\s]+/g);
    if (chunks === null) {
      out.push('');
      continue;
    }
    let current = chunks[0]!;
    for (const chunk of chunks.slice(1)) {
      if (current.length + chunk.length <= width) current += chunk;
      else {
        out.push(current);
        current = chunk.trimStart();
      }
    }
    out.push(current);
  }
  return out.join('\n');
}
