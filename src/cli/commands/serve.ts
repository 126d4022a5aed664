/**
 * `parkit serve`: run the embedded server on a data directory until SIGINT/SIGTERM, then shut
 * down cleanly (in-flight requests finish). Prints its URL on standard output and writes it to
 * `server.json` in the data directory, so `parkit bucket` / `parkit share --data DIR` find it.
 *
 * @module
 */
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { ADMIN_KEY_FILE } from '../../server/admin/admin-key.js';
import { createServer } from '../../server/server.js';

/** The file `serve` writes into the data directory: `{ "url", "pid" }`. */
export const SERVER_INFO_FILE = 'server.json';

interface ServeOptions {
  data: string;
  host: string;
  port: string;
  publicUrl?: string;
  namespace?: string;
  maxBodyBytes?: string;
  log?: boolean;
  json?: boolean;
}

function integer(text: string | undefined, name: string, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max)
    throw new RangeError(`${name} must be an integer from ${min} to ${max}`);
  return value;
}

/**
 * Register the command.
 *
 * @param program - the root command
 */
export function serveCommand(program: Command): void {
  program
    .command('serve')
    .description('run the parkit server on a data directory (loopback by default) until Ctrl-C')
    .requiredOption('--data <dir>', 'the data directory (created if missing)')
    .option('--host <address>', 'interface to listen on', '127.0.0.1')
    .option('--port <n>', 'port (0 picks a free one)', '0')
    .option('--public-url <url>', 'base URL put into minted Pars (when clients use another address)')
    .option('--namespace <name>', 'namespace in access URLs (default parkit)')
    .option('--max-body-bytes <n>', 'largest upload accepted (default 5 GiB)')
    .option('--log', 'log every request to standard error as JSON lines (no secrets)')
    .option('--json', 'print { url, dataDir, adminKeyFile } as JSON')
    .addHelpText(
      'after',
      '\nThe admin key is read from PARKIT_ADMIN_KEY, else from DIR/admin.key (created 0600 at first start).\n' +
        'PARKIT_SIGNING_KEY (base64url, 32+ bytes) sets the token signing key; default: kept in the store.\n' +
        '\nExamples:\n  parkit serve --data ./data\n  parkit serve --data /srv/parkit --port 8080 --log',
    )
    .action(async (options: ServeOptions) => {
      const port = integer(options.port, '--port', 0, 65535) ?? 0;
      const maxBodyBytes = integer(options.maxBodyBytes, '--max-body-bytes', 1, Number.MAX_SAFE_INTEGER);
      const adminKey = process.env.PARKIT_ADMIN_KEY?.trim();
      const signingKey = process.env.PARKIT_SIGNING_KEY?.trim();
      const server = await createServer({
        dataDir: options.data,
        host: options.host,
        port,
        ...(adminKey ? { adminKey } : {}),
        ...(signingKey ? { signingKey } : {}),
        ...(options.publicUrl === undefined ? {} : { publicUrl: options.publicUrl }),
        ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
        ...(maxBodyBytes === undefined ? {} : { maxBodyBytes }),
        ...(options.log ? { log: (entry) => process.stderr.write(`${JSON.stringify(entry)}\n`) } : {}),
      });
      const infoFile = join(server.dataDir, SERVER_INFO_FILE);
      await writeFile(infoFile, JSON.stringify({ url: server.url, pid: process.pid }), { mode: 0o600 });
      const keyFile = adminKey ? undefined : join(server.dataDir, ADMIN_KEY_FILE);
      if (options.json)
        console.log(
          JSON.stringify({ url: server.url, dataDir: server.dataDir, adminKeyFile: keyFile ?? null }),
        );
      else console.log(server.url);
      console.error(
        `parkit server listening on ${server.url} (data ${server.dataDir}; admin key ${keyFile === undefined ? 'from PARKIT_ADMIN_KEY' : `in ${keyFile}${server.adminKeyCreated ? ', just created' : ''}`}); Ctrl-C stops it`,
      );
      await new Promise<void>((done) => {
        const stop = (signal: string) => {
          console.error(`parkit server: ${signal}, finishing in-flight requests`);
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          done();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await server.close();
      await rm(infoFile, { force: true });
      console.error('parkit server: stopped');
    });
}
