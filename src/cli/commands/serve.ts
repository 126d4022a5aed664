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
  functions?: string;
  maxJobs?: string;
  jobTimeout?: string;
  jobMemory?: string;
}

// A duration such as 90s, 15m, 1h30m, in milliseconds.
function milliseconds(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  if (!/^(\d+(ms|s|m|h))+$/.test(text))
    throw new RangeError(`${name} must be a duration like 90s, 15m or 1h30m`);
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+)(ms|s|m|h)/g))
    total += Number(amount) * (units[unit as string] ?? 0);
  if (total <= 0) throw new RangeError(`${name} must be longer than zero`);
  return total;
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
    .option(
      '--functions <dir>',
      'run the calculations in this directory through executable Pars (docs/compute.md)',
    )
    .option('--max-jobs <n>', 'jobs running at once (default 2; more wait in a queue)')
    .option('--job-timeout <duration>', 'time limit of a job, e.g. 15m (default 15m)')
    .option('--job-memory <mib>', 'heap limit of a job in MiB (default 512)')
    .option('--json', 'print { url, dataDir, adminKeyFile } as JSON')
    .addHelpText(
      'after',
      '\nThe admin key is read from PARKIT_ADMIN_KEY, else from DIR/admin.key (created 0600 at first start).\n' +
        'PARKIT_SIGNING_KEY (base64url, 32+ bytes) sets the token signing key; default: kept in the store.\n' +
        '\nExamples:\n  parkit serve --data ./data\n  parkit serve --data /srv/parkit --port 8080 --log\n  parkit serve --data ./data --functions ./functions --max-jobs 4 --job-timeout 10m',
    )
    .action(async (options: ServeOptions) => {
      const port = integer(options.port, '--port', 0, 65535) ?? 0;
      const maxBodyBytes = integer(options.maxBodyBytes, '--max-body-bytes', 1, Number.MAX_SAFE_INTEGER);
      const maxConcurrentJobs = integer(options.maxJobs, '--max-jobs', 1, 1024);
      const jobTimeoutMs = milliseconds(options.jobTimeout, '--job-timeout');
      const jobMemoryMb = integer(options.jobMemory, '--job-memory', 16, 65536);
      if (options.functions === undefined && (maxConcurrentJobs ?? jobTimeoutMs ?? jobMemoryMb) !== undefined)
        throw new TypeError('--max-jobs, --job-timeout and --job-memory need --functions');
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
        ...(options.functions === undefined
          ? {}
          : {
              functions: options.functions,
              compute: {
                ...(maxConcurrentJobs === undefined ? {} : { maxConcurrentJobs }),
                ...(jobTimeoutMs === undefined ? {} : { jobTimeoutMs }),
                ...(jobMemoryMb === undefined ? {} : { jobMemoryMb }),
              },
            }),
      });
      const infoFile = join(server.dataDir, SERVER_INFO_FILE);
      await writeFile(infoFile, JSON.stringify({ url: server.url, pid: process.pid }), { mode: 0o600 });
      const keyFile = adminKey ? undefined : join(server.dataDir, ADMIN_KEY_FILE);
      if (options.json)
        console.log(
          JSON.stringify({ url: server.url, dataDir: server.dataDir, adminKeyFile: keyFile ?? null }),
        );
      else console.log(server.url);
      if (options.functions !== undefined)
        console.error(
          `parkit server: ${server.calculations.length} calculation(s): ${server.calculations.join(', ') || '(none)'}`,
        );
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
