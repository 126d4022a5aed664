/**
 * `parkit bucket create|ls|rm`: manage a parkit server's buckets through its admin API. The
 * connection comes from `--server URL` or `PARKIT_SERVER`, else `server.json` of `--data DIR`;
 * the admin key from `PARKIT_ADMIN_KEY`, `--admin-key-file FILE`, or `admin.key` of `--data DIR`
 * (never from a flag value, which would show in process lists and shell history).
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { ParkitAdmin } from '../../issuers/parkit-admin.js';
import { ADMIN_KEY_FILE } from '../../server/admin/admin-key.js';
import { SERVER_INFO_FILE } from './serve.js';

/** The connection options shared by `bucket` and `share`. */
export interface ConnectionOptions {
  server?: string;
  data?: string;
  adminKeyFile?: string;
}

/**
 * Add the connection options to a command.
 *
 * @param command - the command
 */
export function withConnection(command: Command): Command {
  return command
    .option('--server <url>', 'the server URL (default: PARKIT_SERVER, or server.json of --data)')
    .option('--data <dir>', "the server's data directory (finds its URL and admin key)")
    .option(
      '--admin-key-file <file>',
      'file holding the admin key (default: PARKIT_ADMIN_KEY, or admin.key of --data)',
    );
}

async function firstLine(path: string, what: string): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    throw new TypeError(`cannot read ${what} (${path})`);
  }
}

/**
 * The admin client the options name.
 *
 * @param options - `--server`, `--data`, `--admin-key-file`
 * @throws TypeError when the server or the key cannot be found
 */
export async function connect(options: ConnectionOptions): Promise<ParkitAdmin> {
  return new ParkitAdmin(await resolveConnection(options));
}

/**
 * The server URL and admin key the options name (for other admin clients, such as `observe`).
 *
 * @param options - `--server`, `--data`, `--admin-key-file`
 * @throws TypeError when the server or the key cannot be found
 */
export async function resolveConnection(
  options: ConnectionOptions,
): Promise<{ url: string; adminKey: string }> {
  let url = options.server ?? (process.env.PARKIT_SERVER || undefined);
  if (url === undefined && options.data !== undefined) {
    const text = await firstLine(
      join(options.data, SERVER_INFO_FILE),
      `the ${SERVER_INFO_FILE} of the data directory (is parkit serve running?)`,
    );
    try {
      url = (JSON.parse(text) as { url?: string }).url;
    } catch {
      url = undefined;
    }
  }
  if (url === undefined || url === '')
    throw new TypeError('no server: give --server URL, set PARKIT_SERVER, or give --data DIR');
  let key = process.env.PARKIT_ADMIN_KEY?.trim();
  if (options.adminKeyFile !== undefined) key = await firstLine(options.adminKeyFile, 'the admin key file');
  else if (!key && options.data !== undefined)
    key = await firstLine(join(options.data, ADMIN_KEY_FILE), 'the admin key of the data directory');
  if (!key)
    throw new TypeError('no admin key: set PARKIT_ADMIN_KEY, or give --admin-key-file FILE or --data DIR');
  return { url, adminKey: key };
}

/**
 * Register the command.
 *
 * @param program - the root command
 */
export function bucketCommand(program: Command): void {
  const bucket = program.command('bucket').description("manage a parkit server's buckets");
  withConnection(
    bucket.command('create').description('create a bucket').argument('<name>', 'the bucket name'),
  )
    .option('--json', 'print { name, created } as JSON')
    .action(async (name: string, options: ConnectionOptions & { json?: boolean }) => {
      const created = await (await connect(options)).createBucket(name);
      if (options.json) console.log(JSON.stringify({ name: created.name, created: created.created.toISO() }));
      else console.log(`created bucket ${created.name}`);
    });
  withConnection(bucket.command('ls').description('list the buckets'))
    .option('--json', 'print [{ name, created }] as JSON')
    .action(async (options: ConnectionOptions & { json?: boolean }) => {
      const buckets = await (await connect(options)).listBuckets();
      if (options.json)
        console.log(JSON.stringify(buckets.map((b) => ({ name: b.name, created: b.created.toISO() }))));
      else for (const b of buckets) console.log(`${b.name}\t${b.created.toISO()}`);
    });
  withConnection(
    bucket
      .command('rm')
      .description('delete a bucket and close every Par on it')
      .argument('<name>', 'the bucket name'),
  )
    .option('--force', 'also delete the objects in it')
    .action(async (name: string, options: ConnectionOptions & { force?: boolean }) => {
      await (await connect(options)).deleteBucket(name, { force: options.force === true });
      console.log(`deleted bucket ${name}`);
    });
  bucket.addHelpText(
    'after',
    '\nExamples:\n  parkit bucket create reports --data ./data\n  PARKIT_SERVER=http://127.0.0.1:8080 PARKIT_ADMIN_KEY=… parkit bucket ls --json\n  parkit bucket rm reports --force --data ./data',
  );
}
