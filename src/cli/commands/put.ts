/**
 * `parkit put`: upload a file (or standard input) through a writable Par, with progress.
 *
 * @module
 */
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import type { Command } from 'commander';
import type { BucketWriter } from '../../access/bucket-writer.js';
import type { ObjectStat } from '../../access/endpoint.js';
import type { ObjectWriter, WriteOptions } from '../../access/object-writer.js';
import {
  type CommonOptions,
  examples,
  identityOption,
  interruptSignal,
  outputOptions,
  parAndIdentity,
  TOKEN_HELP,
} from '../common.js';
import { printJson } from '../json.js';
import { createProgress, formatBytes, progressMode } from '../progress.js';

interface PutOptions extends CommonOptions {
  readonly contentType?: string;
}

function stdinStream(onBytes: (loaded: number) => void): ReadableStream<Uint8Array> {
  let loaded = 0;
  return (Readable.toWeb(process.stdin) as ReadableStream<Uint8Array>).pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        loaded += chunk.length;
        onBytes(loaded);
        controller.enqueue(chunk);
      },
    }),
  );
}

/**
 * Register the command.
 *
 * @param program - the root command
 */
export function putCommand(program: Command): void {
  const command = program
    .command('put')
    .description('upload a file (or - for standard input) through a writable Par')
    .argument('<token>', TOKEN_HELP)
    .argument(
      '<key-or-file>',
      'object Par: the file; bucket Par: the key (or the file, stored under its name)',
    )
    .argument('[file]', 'bucket Par: the file (- for standard input)')
    .option('--content-type <type>', 'content type to store');
  identityOption(command);
  outputOptions(command);
  command
    .addHelpText(
      'after',
      examples(
        'parkit put @upload.txt report.csv',
        'tar c data | parkit put @upload.txt -',
        'parkit put @bucket.txt notes/today.txt today.txt',
        'parkit put @bucket.txt today.txt          # key: the Par\'s prefix + "today.txt"',
      ),
    )
    .action(async (token: string, first: string, second: string | undefined, options: PutOptions) => {
      const { par, identity } = await parAndIdentity(token, options);
      let key: string;
      let file: string;
      if (par.isObject()) {
        if (second !== undefined)
          throw new TypeError('an object Par names its object already; give only the file');
        key = par.target.key;
        file = first;
      } else if (par.isBucket()) {
        if (second === undefined) {
          if (first === '-') throw new TypeError('give a key when uploading standard input to a bucket Par');
          key = `${par.target.prefix ?? ''}${basename(first)}`;
          file = first;
        } else {
          key = first;
          file = second;
        }
      } else {
        throw new TypeError('a calculation Par is run, not written');
      }
      const signal = interruptSignal();
      const mode = progressMode(options.quiet === true, options.json === true);
      const total = file === '-' ? undefined : (await stat(file).catch(() => undefined))?.size;
      if (file !== '-' && total === undefined) throw new TypeError('the file to upload does not exist');
      const progress = createProgress({ label: `put ${basename(key)}`, mode });
      const write: WriteOptions = {
        signal,
        onProgress: (update) => progress.update(update),
        ...(options.contentType === undefined ? {} : { contentType: options.contentType }),
      };
      const writer = await par.write(identity);
      let stored: ObjectStat;
      if (par.isObject()) {
        const object = writer as ObjectWriter;
        stored =
          file === '-'
            ? await object.setObject(
                stdinStream((loaded) => progress.update({ loaded, total })),
                write,
              )
            : await object.setObjectFromFile(file, write);
      } else {
        const bucket = writer as BucketWriter;
        stored =
          file === '-'
            ? await bucket.setObject(
                key,
                stdinStream((loaded) => progress.update({ loaded, total })),
                write,
              )
            : await bucket.setObjectFromFile(key, file, write);
      }
      progress.finish();
      if (options.json)
        printJson({ key, size: stored.size ?? total, etag: stored.etag, fingerprint: par.fingerprint() });
      else
        process.stderr.write(
          `stored ${key}${stored.size === undefined ? '' : ` (${formatBytes(stored.size)})`}\n`,
        );
    });
}
