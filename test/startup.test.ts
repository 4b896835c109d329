/**
 * Issue 8, start-up: a run loads the modules of the command it runs and no other; `--version` and
 * `--help` load no command, encoder, wasm loader or CSV/table/progress package. Checked by the
 * modules a real process loads (no timing here: bench/startup.ts measures the time).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Writable } from 'node:stream';
import type { CliIO } from '../src/cli/context.js';
import { buildProgram, runProgram } from '../src/cli/program.js';
import { programHelp, quickAnswer } from '../src/cli/quick.js';
import { loadAllCommands } from '../src/cli/commands/index.js';
import { ENCODER_CATALOG } from '../src/encoders/catalog.js';
import { encoders } from '../src/encoders/registry.js';
import { BIN } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'wordspace-startup-'));
// ES modules through a resolve hook, CommonJS packages from the require cache at exit. The hook
// runs on the loader's thread and writes with writeSync: a process.stderr.write there is handed to
// the main thread, and a run that ends right after its last import (`--help`) could lose it.
writeFileSync(
  join(dir, 'hooks.mjs'),
  "import { writeSync } from 'node:fs';\nexport async function resolve(specifier, context, next) {\n  const result = await next(specifier, context);\n  writeSync(2, `LOADED ${result.url}\\n`);\n  return result;\n}\n",
);
writeFileSync(
  join(dir, 'trace.mjs'),
  "import { createRequire, register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\nconst require = createRequire(import.meta.url);\nprocess.on('exit', () => { for (const path of Object.keys(require.cache)) process.stderr.write(`LOADED file://${path}\\n`); });\n",
);

/** The files a run of `wordspace <args>` loads: dist/src paths (`cli/main.js`) and package names. */
function loaded(args: string[]): Promise<{ src: Set<string>; packages: Set<string>; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', join(dir, 'trace.mjs'), BIN, ...args], { env: { PATH: process.env.PATH, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', () => {
      const src = new Set<string>();
      const packages = new Set<string>();
      for (const line of stderr.split('\n')) {
        const url = /^LOADED (.*)$/.exec(line)?.[1];
        if (!url) continue;
        const inSrc = /\/dist\/src\/(.*)$/.exec(url);
        if (inSrc) src.add(inSrc[1]!);
        const inPackage = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
        if (inPackage) packages.add(inPackage[1]!);
      }
      resolve({ src, packages, stdout });
    });
  });
}

const commandModules = (src: Set<string>): string[] => [...src].filter((p) => p.startsWith('cli/commands/') && p !== 'cli/commands/index.js').sort();

test('--version and --help load neither commander nor the program: main, quick, the catalog and the version', async () => {
  for (const args of [['--version'], ['--help'], []]) {
    const { src, packages, stdout } = await loaded(args);
    assert.ok(stdout.length > 0, `wordspace ${args.join(' ')} printed nothing`);
    assert.deepEqual([...packages], [], `wordspace ${args.join(' ')}`);
    assert.deepEqual([...src].sort(), ['cli/commands/index.js', 'cli/main.js', 'cli/quick.js', 'version.js'], `wordspace ${args.join(' ')}`);
    assert.deepEqual(commandModules(src), [], `wordspace ${args.join(' ')}`);
    const heavy = [...src].filter((p) => /^(encoders|io\/formats|io\/read-corpus|query\/(?!suggest)|text\/tokenize|corpus)/.test(p));
    assert.deepEqual(heavy, [], `wordspace ${args.join(' ')}`);
  }
});

test('a command loads its own module only; encode <method> --help loads that encoder and no other', async () => {
  const vocab = await loaded(['vocab', '--help']);
  assert.deepEqual(commandModules(vocab.src), ['cli/commands/vocab.js']);
  assert.deepEqual([...vocab.packages], ['commander']);
  const sgns = await loaded(['encode', 'sgns', '--help']);
  assert.match(sgns.stdout, /--negative <n>/);
  assert.deepEqual(commandModules(sgns.src), ['cli/commands/encode.js']);
  assert.ok(sgns.src.has('encoders/word2vec/index.js'));
  // (word2vec shares cooc's window options, so cooc.js may load.)
  for (const other of ['encoders/glove.js', 'encoders/autoencoder.js', 'encoders/doc.js', 'encoders/features.js']) assert.ok(!sgns.src.has(other), `${other} loaded`);
  assert.deepEqual([...sgns.packages], ['commander']);
  const help = await loaded(['help', 'similar']);
  assert.deepEqual(commandModules(help.src), ['cli/commands/similar.js']);
  assert.match(help.stdout, /Usage: wordspace similar \[options\] <vectors> \[words\.\.\.\]/);
});

test('similar on a word2vec binary file loads the quick path only: no package, no command, no reader, no renderer', async () => {
  // Two words, two dimensions: `2 2\n`, then each word, a space and two float32 LE values.
  const vector = (a: number, b: number): Buffer => {
    const bytes = Buffer.alloc(8);
    bytes.writeFloatLE(a, 0);
    bytes.writeFloatLE(b, 4);
    return bytes;
  };
  const path = join(dir, 'two.bin');
  writeFileSync(path, Buffer.concat([Buffer.from('2 2\ncat '), vector(1, 0), Buffer.from('\ndog '), vector(0, 1), Buffer.from('\n')]));
  const { src, packages, stdout } = await loaded(['similar', path, 'cat']);
  // cos(cat, dog) = 0 by hand.
  assert.equal(stdout, 'query\trank\tword\tsimilarity\ncat\t1\tdog\t0\n');
  assert.deepEqual([...packages], []);
  assert.deepEqual([...src].sort(), [
    'cli/main.js', 'cli/quick-similar.js', 'cli/results.js', 'core/cosine.js', 'core/errors.js', 'core/matrix.js', 'core/parse.js',
    'io/formats/common.js', 'io/formats/detect.js', 'io/node-fs.js',
    'query/kernel.js', 'query/query-case.js', 'query/stream-similar.js', 'version.js',
  ]);
});

class Sink extends Writable {
  override _write(_chunk: unknown, _encoding: BufferEncoding, callback: () => void): void {
    callback();
  }
}

class Collected extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString();
    callback();
  }
}

test('the quick answers are what commander prints for the same arguments', async () => {
  for (const args of [[], ['--help'], ['-h'], ['help'], ['--version'], ['-V']]) {
    const out = new Collected();
    const code = await runProgram(args, { stdin: process.stdin, stdout: out, stderr: new Sink(), env: {} });
    assert.equal(code, 0);
    // (commander wraps to the terminal's width; under the test runner standard output is a pipe: 80.)
    assert.equal(quickAnswer(args, undefined), out.text, `wordspace ${args.join(' ')}`);
  }
  assert.equal(quickAnswer(['--help', '--debug'], undefined), undefined);
  assert.equal(quickAnswer(['similar'], undefined), undefined);
});

test('the quick help wraps as commander does, at every width', async () => {
  const io: CliIO = { stdin: process.stdin, stdout: new Sink(), stderr: new Sink(), env: {} };
  const program = buildProgram(io, await loadAllCommands());
  for (const width of [0, 20, 39, 40, 41, 60, 79, 80, 81, 100, 120, 157, 200, 1000]) {
    program.configureOutput({ getOutHelpWidth: () => width });
    assert.equal(programHelp(width), program.helpInformation(), `width ${width}`);
  }
});

test('the command list without loading matches the loaded commands', async () => {
  const io: CliIO = { stdin: process.stdin, stdout: new Sink(), stderr: new Sink(), env: {} };
  const listed = buildProgram(io);
  const full = buildProgram(io, await loadAllCommands());
  assert.equal(listed.helpInformation(), full.helpInformation());
  assert.deepEqual(
    listed.commands.map((c) => c.name()),
    full.commands.map((c) => c.name()),
  );
  // Every command really registered, with its options (the list alone has none; encode and plot hold subcommands).
  for (const command of full.commands) if (!['encode', 'plot'].includes(command.name())) assert.ok(command.options.length > 0, command.name());
});

test('the catalog agrees with the encoders', () => {
  assert.deepEqual(
    ENCODER_CATALOG.map(({ name, summary, input, defaultMinCount }) => ({ name, summary, input, defaultMinCount })),
    encoders().map(({ name, summary, input, defaultMinCount }) => ({ name, summary, input, defaultMinCount })),
  );
});

test('each catalog entry loads its own encoder', async () => {
  for (const entry of ENCODER_CATALOG) assert.equal(await entry.load(), encoders().find((e) => e.name === entry.name));
});

test('encode cooc --dry-run loads the reader for its calibration, not the encoding, the writers or the linear algebra', async () => {
  const file = join(dir, 'dry.txt');
  writeFileSync(file, 'a b a c\nb a\n');
  const { src, stdout } = await loaded(['encode', 'cooc', file, '--dry-run']);
  assert.match(stdout, /^command\tencode cooc$/m);
  assert.ok(src.has('plan/plan.js') && src.has('io/read-corpus.js'));
  for (const heavy of ['encoders/encode.js', 'io/formats/index.js', 'io/table.js', 'cli/counts.js']) assert.ok(!src.has(heavy), `${heavy} loaded`);
  assert.deepEqual([...src].filter((p) => p.startsWith('linalg/') || p.startsWith('encoders/wasm')), []);
});
