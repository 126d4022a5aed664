/**
 * `parkit share <bucket>[/<key-or-prefix>]`: mint a Par on a parkit server, sealed (by the
 * server) to the recipients given, and print its token. `bucket` alone shares the whole bucket,
 * a path ending in `/` (or `--prefix`) shares a key prefix, anything else one object.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { DurationLikeObject } from 'luxon';
import type { ServerParRequest } from '../../issuers/parkit-admin.js';
import type { Permission } from '../../par/permissions.js';
import { type ConnectionOptions, connect, withConnection } from './bucket.js';

interface ShareOptions extends ConnectionOptions {
  to: string[];
  expires: string;
  read: boolean;
  write?: boolean;
  list?: boolean;
  delete?: boolean;
  prefix?: boolean;
  name?: string;
  json?: boolean;
}

const UNITS: Record<string, keyof DurationLikeObject> = {
  s: 'seconds',
  m: 'minutes',
  h: 'hours',
  d: 'days',
  w: 'weeks',
};

/**
 * Parse a lifetime such as `90s`, `15m`, `2h`, `1h30m`, `7d`, or an ISO 8601 instant.
 *
 * @param text - what the user typed
 * @throws RangeError when it is neither
 */
export function parseExpires(text: string): DurationLikeObject | Date {
  const trimmed = text.trim();
  if (/^\d{4}-\d\d-\d\dT/.test(trimmed)) {
    const at = new Date(trimmed);
    if (Number.isNaN(at.getTime())) throw new RangeError('--expires is not a valid ISO 8601 time');
    return at;
  }
  if (!/^(\d+[smhdw])+$/.test(trimmed)) {
    throw new RangeError('--expires must be a lifetime like 90s, 15m, 2h, 1h30m, 7d, or an ISO 8601 time');
  }
  const lifetime: Record<string, number> = {};
  for (const [, amount, unit] of trimmed.matchAll(/(\d+)([smhdw])/g)) {
    const field = UNITS[unit as string] as string;
    lifetime[field] = (lifetime[field] ?? 0) + Number(amount);
  }
  return lifetime as DurationLikeObject;
}

/**
 * The recipients named by `--to`: `age1…` strings, or files of them (one per line, `#` comments).
 *
 * @param values - the `--to` values
 * @throws TypeError when one is neither
 */
export async function readRecipients(values: readonly string[]): Promise<string[]> {
  const recipients: string[] = [];
  for (const value of values) {
    if (value.startsWith('age1')) {
      recipients.push(value);
      continue;
    }
    let text: string;
    try {
      text = await readFile(value, 'utf8');
    } catch {
      throw new TypeError(
        `--to ${JSON.stringify(value.slice(0, 80))} is neither an age1… recipient nor a readable file`,
      );
    }
    const found = text
      .split(/\r?\n/)
      .map((line) => line.replace(/#.*/, '').trim())
      .filter((line) => line.startsWith('age1'));
    if (found.length === 0)
      throw new TypeError(`the file ${JSON.stringify(value.slice(0, 80))} holds no age1… recipient`);
    recipients.push(...found);
  }
  if (recipients.length === 0) throw new TypeError('give at least one --to recipient');
  return recipients;
}

/**
 * Split `bucket[/key-or-prefix]` into a request target.
 *
 * @param where - what the user typed
 * @param forcePrefix - treat the rest as a prefix even without a trailing `/`
 */
export function parseWhere(
  where: string,
  forcePrefix: boolean,
): Pick<ServerParRequest, 'bucket' | 'key' | 'prefix'> {
  const slash = where.indexOf('/');
  const bucket = slash < 0 ? where : where.slice(0, slash);
  const rest = slash < 0 ? '' : where.slice(slash + 1);
  if (bucket === '') throw new TypeError('name a bucket: parkit share BUCKET[/KEY-OR-PREFIX/]');
  if (rest === '') return { bucket };
  return forcePrefix || rest.endsWith('/') ? { bucket, prefix: rest } : { bucket, key: rest };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/**
 * Register the command.
 *
 * @param program - the root command
 */
export function shareCommand(program: Command): void {
  withConnection(
    program
      .command('share')
      .description('mint a Par on a parkit server, sealed to recipients, and print its token')
      .argument('<where>', 'BUCKET (whole bucket), BUCKET/PREFIX/ (a key prefix) or BUCKET/KEY (one object)'),
  )
    .requiredOption('--to <recipient>', 'an age1… recipient, or a file of them (repeatable)', collect, [])
    .requiredOption('--expires <lifetime>', 'lifetime (90s, 15m, 2h, 1h30m, 7d) or an ISO 8601 time')
    .option('--no-read', 'do not grant read')
    .option('--write', 'grant write')
    .option('--list', 'grant listing (bucket and prefix Pars)')
    .option('--delete', 'grant delete')
    .option('--prefix', 'treat the part after the bucket as a key prefix')
    .option('--name <label>', 'a label for the Par')
    .option('--json', 'print { token, fingerprint, … } as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  parkit share reports/q3.csv --to age1… --expires 2h --data ./data\n' +
        '  parkit share reports/incoming/ --to team.txt --expires 1d --no-read --write\n' +
        '  parkit share reports --to age1… --expires 30m --list > token.txt',
    )
    .action(async (where: string, options: ShareOptions) => {
      const target = parseWhere(where, options.prefix === true);
      const permissions: Permission[] = [];
      if (options.read) permissions.push('read');
      if (options.write) permissions.push('write');
      if (options.list) permissions.push('list');
      if (options.delete) permissions.push('delete');
      if (permissions.length === 0)
        throw new TypeError('grant something: --write, --list or --delete (read is dropped by --no-read)');
      if (options.list && target.key !== undefined) {
        throw new TypeError('--list is for a bucket or a prefix (end the path with "/", or use --prefix)');
      }
      const request: ServerParRequest = {
        ...target,
        permissions,
        expires: parseExpires(options.expires),
        recipients: await readRecipients(options.to),
        ...(options.name === undefined ? {} : { name: options.name }),
      };
      const par = await (await connect(options)).createPar(request);
      const token = par.toToken();
      if (options.json) console.log(JSON.stringify({ ...par.toJSON(), token }));
      else {
        console.error(String(par));
        console.log(token);
      }
    });
}
