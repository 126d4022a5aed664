/**
 * `parkit watch`: receive share events over HTTP and download what they grant to this identity.
 *
 * @module
 */
import type { Command } from 'commander';
import { Downloader } from '../../handoff/downloader.js';
import { type WatchLogEntry, watchShares } from '../../server/handoff/share-listener.js';
import { examples, identityOption } from '../common.js';
import { readIdentity } from '../io.js';
import { toJsonLine } from '../json.js';
import { type ObserveFlags, observeOptions, withObserveOptions } from './observe-flags.js';

interface WatchFlags extends ObserveFlags {
  readonly listen: string;
  readonly toDir: string;
  readonly identity?: string;
  readonly cartApi?: string;
  readonly cartName?: string;
  readonly pollInterval?: string;
  readonly cartTimeout?: string;
  readonly concurrency?: string;
  readonly json?: boolean;
}

/**
 * Split `HOST:PORT` (IPv6 as `[::1]:PORT`).
 *
 * @param listen - the flag
 * @throws TypeError for anything else
 */
export function parseListen(listen: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(listen);
  const port = match === null ? Number.NaN : Number(match[3]);
  if (match === null || port > 65535) throw new TypeError('--listen must be HOST:PORT, e.g. 127.0.0.1:8787');
  return { host: (match[1] ?? match[2]) as string, port };
}

function text(entry: WatchLogEntry): string {
  const parts = [entry.at, entry.event];
  if (entry.kind !== undefined) parts.push(entry.kind);
  if (entry.fingerprint !== undefined) parts.push(entry.fingerprint);
  if (entry.url !== undefined) parts.push(entry.url);
  if (entry.files !== undefined) parts.push(`${entry.files} file(s)`);
  if (entry.skipped) parts.push(`${entry.skipped} already complete`);
  if (entry.bytes !== undefined) parts.push(`${entry.bytes} bytes`);
  if (entry.submission !== undefined) parts.push(`submission ${entry.submission}`);
  if (entry.code !== undefined) parts.push(entry.code);
  if (entry.message !== undefined) parts.push(`(${entry.message})`);
  return parts.join(' ');
}

function milliseconds(value: string | undefined, argument: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new RangeError(`${argument} must be a positive number`);
  return number;
}

/**
 * Register the command.
 *
 * @param program - the root command
 */
export function watchCommand(program: Command): void {
  const command = program
    .command('watch')
    .description('receive share events (CloudEvents over HTTP) and download what they grant you')
    .requiredOption('--listen <host:port>', 'where to listen (port 0: any free port)')
    .requiredOption('--to-dir <dir>', 'where downloads land')
    .option('--cart-api <url>', 'also download Pacifica ingest events through this cartd')
    .option('--cart-name <name>', 'folder Pacifica files land in (default data)')
    .option('--poll-interval <ms>', 'cartd polling interval (default 1000)')
    .option('--cart-timeout <ms>', 'how long to wait for a cart (default 120000)')
    .option('--concurrency <n>', 'files in flight per event (default 4)')
    .option('--json', 'log one JSON object per line');
  withObserveOptions(command);
  identityOption(command);
  command
    .addHelpText(
      'after',
      examples(
        'parkit watch --listen 127.0.0.1:8787 --to-dir incoming',
        'parkit watch --listen 127.0.0.1:8787 --to-dir incoming --cart-api https://cart.example.org --json',
        'parkit watch --listen 127.0.0.1:8787 --to-dir incoming --observe shares --data ./data',
        '# then, elsewhere: parkit event @shared.txt --post http://127.0.0.1:8787/',
      ),
    )
    .action(async (flags: WatchFlags) => {
      const { host, port } = parseListen(flags.listen);
      const identity = await readIdentity(flags.identity);
      const pollInterval = milliseconds(flags.pollInterval, '--poll-interval');
      const timeout = milliseconds(flags.cartTimeout, '--cart-timeout');
      const observe = await observeOptions(flags);
      const downloader = new Downloader(flags.toDir, {
        identity,
        ...(observe === undefined ? {} : { observe }),
        ...(flags.concurrency === undefined ? {} : { concurrency: Number(flags.concurrency) }),
        ...(flags.cartApi === undefined ? {} : { cartApiUrl: flags.cartApi }),
        ...(flags.cartName === undefined ? {} : { cartName: flags.cartName }),
        cart: {
          ...(pollInterval === undefined ? {} : { pollInterval }),
          ...(timeout === undefined ? {} : { timeout }),
        },
      });
      const server = await watchShares({
        host,
        port,
        identity,
        downloader,
        pacifica: flags.cartApi !== undefined,
        log: (entry) => process.stdout.write(`${flags.json ? toJsonLine(entry) : text(entry)}\n`),
      });
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          server.close().then(resolve, resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
