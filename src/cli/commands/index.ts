import type { Command } from 'commander';
import type { CliIO } from '../context.js';
import { registerAnalogy } from './analogy.js';
import { registerConvert } from './convert.js';
import { registerEncode } from './encode.js';
import { registerEvaluate } from './evaluate.js';
import { registerMerge } from './merge.js';
import { registerPrepare } from './prepare.js';
import { registerSimilar } from './similar.js';
import { registerVocab } from './vocab.js';

/** Each command lives in its own file and registers itself on the program. */
export type RegisterCommand = (program: Command, io: CliIO) => void;

export const COMMANDS: RegisterCommand[] = [
  registerVocab,
  registerPrepare,
  registerEncode,
  registerSimilar,
  registerAnalogy,
  registerEvaluate,
  registerConvert,
  registerMerge,
];
