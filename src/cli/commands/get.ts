/**
 * `parkit get`: download an object (or every object of a bucket Par) to a file, a folder, or
 * standard output, with progress.
 *
 * @module
 */
import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import type { BucketReader } from '../../access/bucket-reader.js';
import type { ObjectReader } from '../../access/object-reader.js';
import type { SavedFile, TransferOptions } from '../../access/transfer.js';
import { Downloader } from '../../handoff/downloader.js';
import { singleDownloadReporting } from '../../observe/download-report.js';
import type { SubmissionRef } from '../../observe/model.js';
import { type ObserveOptions, recordRun } from '../../observe/record-run.js';
import type { Par } from '../../par/par.js';
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
import { type ObserveFlags, observeOptions, withObserveOptions } from './observe-flags.js';

interface GetOptions extends CommonOptions, ObserveFlags {
  readonly output?: string;
  readonly concurrency?: string;
}

interface OneObject {
  readonly key: string;
  stream(signal: AbortSignal): Promise<ReadableStream<Uint8Array>>;
  save(path: string, options: TransferOptions): Promise<SavedFile>;
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isDirectory(),
    () => false,
  );
}

function recorded(submission: SubmissionRef | undefined, options: GetOptions): void {
  if (submission !== undefined && !options.json && !options.quiet)
    process.stderr.write(
      `recorded as submission ${submission.id} (slot ${submission.tag} of ${submission.sequence})\n`,
    );
}

async function getOne(
  par: Par,
  object: OneObject,
  options: GetOptions,
  observe: ObserveOptions | undefined,
  signal: AbortSignal,
): Promise<void> {
  const mode = progressMode(options.quiet === true, options.json === true);
  const observed = async <T extends { size: number }>(work: () => Promise<T>) => {
    if (observe === undefined) return { result: await work(), submission: undefined };
    const reporting = singleDownloadReporting<T>(observe.dataset, signal);
    return recordRun(observe, reporting, work);
  };
  if (options.output === '-') {
    const progress = createProgress({
      label: `get ${basename(object.key)}`,
      mode: mode === 'tty' ? 'tty' : 'off',
    });
    let loaded = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        loaded += chunk.length;
        progress.update({ loaded, total: undefined });
        done(null, chunk);
      },
    });
    const { submission } = await observed(async () => {
      await pipeline(Readable.fromWeb((await object.stream(signal)) as never), counter, process.stdout, {
        signal,
      });
      return { size: loaded };
    });
    progress.finish();
    recorded(submission, options);
    return;
  }
  const wanted = options.output ?? basename(object.key);
  const path = (await isDirectory(wanted)) ? join(wanted, basename(object.key)) : wanted;
  const progress = createProgress({ label: `get ${basename(object.key)}`, mode });
  const { result: saved, submission } = await observed(() =>
    object.save(path, { signal, onProgress: (update) => progress.update(update) }),
  );
  progress.finish();
  if (options.json)
    printJson({
      key: object.key,
      path: saved.path,
      size: saved.size,
      fingerprint: par.fingerprint(),
      ...(submission === undefined ? {} : { submission }),
    });
  else process.stdout.write(`${saved.path}\n`);
  recorded(submission, options);
}

/**
 * Register the command.
 *
 * @param program - the root command
 */
export function getCommand(program: Command): void {
  const command = program
    .command('get')
    .description('download the object a Par grants (or one key, or every object, of a bucket Par)')
    .argument('<token>', TOKEN_HELP)
    .argument('[key]', 'for a bucket Par: the key to get (omit to get every object into a folder)')
    .option(
      '-o, --output <path>',
      "file or folder to write (- for standard output); default: the key's name here",
    )
    .option('--concurrency <n>', 'files in flight when getting a whole bucket', '4');
  withObserveOptions(command);
  identityOption(command);
  outputOptions(command);
  command
    .addHelpText(
      'after',
      examples(
        'parkit get @report.txt                   # writes ./q3.csv',
        'parkit get @report.txt -o - | head       # to standard output',
        'parkit get @bucket.txt notes/today.txt -o today.txt',
        'parkit get @bucket.txt -o incoming/      # every object, resumable',
        'parkit get @report.txt --observe q3-reports --data ./data   # recorded as a submission',
      ),
    )
    .action(async (token: string, key: string | undefined, options: GetOptions) => {
      const { par, identity } = await parAndIdentity(token, options);
      const observe = await observeOptions(options);
      const signal = interruptSignal();
      if (par.isObject()) {
        if (key !== undefined) throw new TypeError('an object Par names its object already; give no key');
        const reader = (await par.read(identity)) as ObjectReader;
        return getOne(
          par,
          {
            key: par.target.key,
            stream: (s) => reader.getObjectStream({ signal: s }),
            save: (path, o) => reader.getObjectAsFile(path, o),
          },
          options,
          observe,
          signal,
        );
      }
      if (!par.isBucket()) throw new TypeError('a calculation Par is run, not downloaded');
      if (key !== undefined) {
        const reader = (await par.read(identity)) as BucketReader;
        return getOne(
          par,
          {
            key,
            stream: (s) => reader.getObjectStream(key, { signal: s }),
            save: (path, o) => reader.getObjectAsFile(key, path, o),
          },
          options,
          observe,
          signal,
        );
      }
      if (options.output === '-')
        throw new TypeError('a whole bucket cannot go to standard output; give a key or a folder');
      const location = options.output ?? '.';
      const concurrency = Number(options.concurrency);
      const downloader = new Downloader(location, { identity, concurrency });
      const progress = createProgress({
        label: 'get',
        mode: progressMode(options.quiet === true, options.json === true),
      });
      const result = await downloader.pars([par], {
        signal,
        onProgress: (update) => progress.update(update),
        ...(observe === undefined ? {} : { observe }),
      });
      progress.finish();
      if (options.json) {
        printJson({
          location,
          fingerprint: par.fingerprint(),
          files: result.files,
          transferred: result.transferred,
          ...(result.submission === undefined ? {} : { submission: result.submission }),
        });
        return;
      }
      const skipped = result.files.filter((file) => file.skipped).length;
      for (const file of result.files) if (!file.skipped) process.stdout.write(`${file.path}\n`);
      process.stderr.write(
        `${result.files.length} file(s) in ${location}: ${result.files.length - skipped} downloaded (${formatBytes(result.transferred)}), ${skipped} already complete\n`,
      );
      recorded(result.submission, options);
    });
}
