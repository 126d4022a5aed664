/**
 * What most commands share: the `--identity`, `--json` and `--quiet` options, and turning a
 * token argument into a Par and an identity.
 *
 * @module
 */
import type { Command } from 'commander';
import { Par } from '../par/par.js';
import { readIdentity, readTokenArgument } from './io.js';

/** Options every command that opens a Par takes. */
export interface CommonOptions {
  readonly identity?: string;
  readonly json?: boolean;
  readonly quiet?: boolean;
}

/**
 * Add `--identity FILE`.
 *
 * @param command - the command
 */
export function identityOption(command: Command): Command {
  return command.option(
    '-i, --identity <file>',
    'age identity file (default: $PARKIT_IDENTITY, else ~/.config/parkit/identity.txt)',
  );
}

/**
 * Add `--json` and `--quiet`.
 *
 * @param command - the command
 */
export function outputOptions(command: Command): Command {
  return command
    .option('--json', 'machine-readable output (one JSON document on stdout)')
    .option('-q, --quiet', 'no progress display');
}

/** A token argument's help text. */
export const TOKEN_HELP = 'the token, @file, a file path, or - for standard input';

/**
 * The Par a token argument names, and the identity to open it with.
 *
 * @param token - the argument
 * @param options - the command's options
 */
export async function parAndIdentity(
  token: string,
  options: CommonOptions,
): Promise<{ par: Par; identity: string }> {
  const par = Par.fromToken(await readTokenArgument(token));
  return { par, identity: await readIdentity(options.identity) };
}

/**
 * Help text listing examples.
 *
 * @param lines - one example per line
 */
export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  ${line}`).join('\n')}`;
}

/**
 * A signal that aborts on Ctrl-C (SIGINT) or SIGTERM, so a transfer stops cleanly and leaves
 * nothing partial behind (the command then exits 130).
 */
export function interruptSignal(): AbortSignal {
  const controller = new AbortController();
  const stop = () => controller.abort(new DOMException('interrupted', 'AbortError'));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return controller.signal;
}
