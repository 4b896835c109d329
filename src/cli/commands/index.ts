import type { Command } from 'commander';
import type { CliIO } from '../context.js';

/** Each command lives in its own file and registers itself on the program. */
export type RegisterCommand = (program: Command, io: CliIO) => void;

export const COMMANDS: RegisterCommand[] = [
];
