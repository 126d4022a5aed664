/**
 * `--observe <sequence>` on the commands that deliver data (`get`, `watch`): record each
 * download as a submission on a parkit server's slot sequence, reached with the connection
 * options of `parkit bucket` (`--server`/`PARKIT_SERVER` or `--data`, the admin key from
 * `PARKIT_ADMIN_KEY`, `--admin-key-file` or the data directory).
 *
 * @module
 */
import type { Command } from 'commander';
import { ParkitObserver } from '../../observe/observer.js';
import type { ObserveOptions } from '../../observe/record-run.js';
import { type ConnectionOptions, resolveConnection, withConnection } from './bucket.js';

/** The flags {@link withObserveOptions} adds. */
export interface ObserveFlags extends ConnectionOptions {
  readonly observe?: string;
  readonly observeTag?: string;
  readonly observeDataset?: string;
}

/**
 * Add `--observe`, `--observe-tag`, `--observe-dataset` and the connection options.
 *
 * @param command - the command
 */
export function withObserveOptions(command: Command): Command {
  return withConnection(
    command
      .option('--observe <sequence>', "record each download as a submission on this server's slot sequence")
      .option('--observe-tag <tag>', 'the slot tag of the submission (default: the server picks one)')
      .option('--observe-dataset <name>', 'the dataset named in the checksum quality result'),
  );
}

/**
 * What `observe` option the flags ask for.
 *
 * @param flags - the command's flags
 * @returns undefined without `--observe`
 * @throws TypeError when `--observe-tag`/`--observe-dataset` come without `--observe`, or the
 *   server or admin key cannot be found
 */
export async function observeOptions(flags: ObserveFlags): Promise<ObserveOptions | undefined> {
  if (flags.observe === undefined) {
    if (flags.observeTag !== undefined || flags.observeDataset !== undefined)
      throw new TypeError('--observe-tag and --observe-dataset need --observe <sequence>');
    return undefined;
  }
  return {
    recorder: new ParkitObserver(await resolveConnection(flags)),
    sequence: flags.observe,
    ...(flags.observeTag === undefined ? {} : { tag: flags.observeTag }),
    ...(flags.observeDataset === undefined ? {} : { dataset: flags.observeDataset }),
  };
}
