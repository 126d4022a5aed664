/**
 * Input and output helpers for commands: tokens from an argument, a file or standard input;
 * identities from a flag, the environment or the default path; one-line errors.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { FormatError } from '../par/errors.js';
import { TOKEN_PREFIX } from '../par/token.js';

/** Where `keygen` writes and other commands look by default. */
export function defaultIdentityPath(): string {
  const base = process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config');
  return join(base, 'parkit', 'identity.txt');
}

/**
 * Read a token given as text, as `@file`, as a file path, or `-` for standard input.
 *
 * @param argument - what the user passed (undefined reads standard input)
 */
export async function readTokenArgument(argument: string | undefined): Promise<string> {
  if (argument === undefined || argument === '-') return (await text(process.stdin)).trim();
  if (argument.replace(/\s+/g, '').toLowerCase().startsWith(TOKEN_PREFIX)) return argument;
  const path = argument.startsWith('@') ? argument.slice(1) : argument;
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    // Never echo the argument: it may be a damaged token.
    throw new FormatError(`not a parkit token (tokens start with "${TOKEN_PREFIX}"), nor a readable file`, {
      field: 'token',
    });
  }
}

/**
 * Read the identity to use: `--identity FILE`, else `PARKIT_IDENTITY` (a file path or the key
 * itself), else the default path. Files may hold comments, as age identity files do.
 *
 * @param flag - the `--identity` value
 */
export async function readIdentity(flag: string | undefined): Promise<string> {
  const fromEnvironment = process.env.PARKIT_IDENTITY;
  if (flag === undefined && fromEnvironment?.startsWith('AGE-SECRET-KEY-')) return fromEnvironment.trim();
  const path = flag ?? fromEnvironment ?? defaultIdentityPath();
  let content: string;
  try {
    content = await readFile(path, 'utf8');
  } catch {
    throw new TypeError(
      `cannot read the identity file (give --identity FILE, set PARKIT_IDENTITY, or run parkit keygen)`,
    );
  }
  const key = content
    .split(/\r?\n/)
    .map((line) => line.trim())
    .find((line) => line.startsWith('AGE-SECRET-KEY-'));
  if (key === undefined) throw new TypeError('the identity file holds no AGE-SECRET-KEY-1… line');
  return key;
}
