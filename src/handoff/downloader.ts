/**
 * The Downloader: fetch what a Par, a list of Pars, a parkit share event or a Pacifica ingest
 * event refers to into one local folder — in parallel, verified, resumable, with one progress
 * stream and cancellation. Pars are read through their own readers (`getObjectAsFile`: each
 * file appears complete or not at all); Pacifica events drive cartd and extract its tar safely.
 *
 * @module
 */
import type { BucketReader } from '../access/bucket-reader.js';
import type { ObjectStat } from '../access/endpoint.js';
import type { ObjectReader } from '../access/object-reader.js';
import type { AccessOptions } from '../access/options.js';
import type { SavedFile } from '../access/transfer.js';
import { type ChecksumTally, downloadReporting } from '../observe/download-report.js';
import type { SubmissionRef } from '../observe/model.js';
import { type ObserveOptions, recordRun } from '../observe/record-run.js';
import { FormatError, isParkitError, TransferError } from '../par/errors.js';
import { Par } from '../par/par.js';
import { localFiles } from '../platform/files.js';
import { localTree } from '../platform/tree.js';
import type { Identity } from '../seal/keys.js';
import { checkConcurrency, mapAll } from '../stoa/pool.js';
import { CartClient, type CartClientOptions, type CartState } from './cart-client.js';
import { extractCart } from './extract.js';
import { hashLocalFile } from './local-hash.js';
import { type CartFile, isPacificaEvent, pacificaCartFiles } from './pacifica-event.js';
import { type DownloadProgress, ProgressTally } from './progress.js';
import { safeSegments } from './safe-path.js';
import { readShareEvent, SHARE_EVENT_TYPE } from './share-event.js';

/** How a Downloader opens Pars and reaches cartd. */
export interface DownloaderOptions {
  /** Opens the Pars (needed for Pars and parkit share events). */
  readonly identity?: Identity;
  /** Files in flight at once (default 4). */
  readonly concurrency?: number;
  /** Transport and clock for the Pars' readers. */
  readonly access?: AccessOptions;
  /** Where carts are created (needed for Pacifica events). */
  readonly cartApiUrl?: string;
  /** How cartd is polled (interval, timeout, headers; `fetch` defaults to `access.fetch`). */
  readonly cart?: CartClientOptions;
  /** The cart's top folder name, where Pacifica files land (default `data`, as the Python client). */
  readonly cartName?: string;
  /** Record every download as a submission (see docs/observability.md); a download's own `observe` wins. */
  readonly observe?: ObserveOptions;
}

/** Options of one download. */
export interface DownloadOptions {
  readonly signal?: AbortSignal;
  /** The one progress stream. */
  readonly onProgress?: (progress: DownloadProgress) => void;
  /** cartd's status while a cart is prepared. */
  readonly onCartStatus?: (state: CartState) => void;
  /**
   * Record this download as a submission: bytes, objects, duration and checksum verification
   * (a quality result), `Completed` or `Failed` (see docs/observability.md).
   */
  readonly observe?: ObserveOptions;
}

/** One file of a download. */
export interface DownloadedFile {
  /** Path below the location, `/`-separated. */
  readonly relative: string;
  /** Native path. */
  readonly path: string;
  readonly size: number;
  /** True when it was already complete and verified, so nothing was transferred. */
  readonly skipped: boolean;
  /** True when its content was checked against a checksum the source gave (SHA-256, or the Pacifica hashsum). */
  readonly verified?: boolean;
}

/** What a download did. */
export interface DownloadResult {
  readonly files: readonly DownloadedFile[];
  /** Bytes transferred (skipped files excluded). */
  readonly transferred: number;
  /** Where the download was recorded, when `observe` was given. */
  readonly submission?: SubmissionRef;
}

/** What a Downloader accepts: a Par or token, a list of them, or a CloudEvent (SDK or plain object). */
export type DownloadSource = Par | string | readonly (Par | string)[] | object;

interface ParJob {
  readonly relative: string;
  readonly segments: string[];
  readonly remote: ObjectStat;
  save(
    path: string,
    options: { signal?: AbortSignal; onProgress?: (p: { loaded: number }) => void },
  ): Promise<SavedFile>;
}

function withSignal(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal === undefined ? {} : { signal };
}

/**
 * Downloads into one folder.
 *
 * @example
 * ```ts
 * const downloader = new Downloader('incoming', { identity, cartApiUrl: 'https://cart.example.org' });
 * await downloader.download(token, { onProgress: ({ loaded, total }) => console.log(loaded, total) });
 * await downloader.download(pacificaEvent);
 * ```
 */
export class Downloader {
  /** The folder files land in. */
  readonly location: string;
  readonly #options: DownloaderOptions;
  readonly #concurrency: number;

  /**
   * @param location - the download folder (created when needed)
   * @param options - identity, parallelism, cartd
   * @throws TypeError / RangeError for bad options
   */
  constructor(location: string, options: DownloaderOptions = {}) {
    if (typeof location !== 'string' || location === '')
      throw new TypeError('location must be a non-empty path');
    this.location = location;
    this.#options = options;
    this.#concurrency = checkConcurrency(options.concurrency, 4, 'concurrency');
    if (options.cartApiUrl !== undefined) new CartClient(options.cartApiUrl, options.cart);
    if (options.cartName !== undefined) {
      const segments = safeSegments(options.cartName, 'cartName');
      if (segments.length !== 1) throw new TypeError('cartName must be one folder name');
    }
  }

  /**
   * Download whatever `source` refers to.
   *
   * @param source - a Par or token, a list of them, a parkit share event or a Pacifica ingest event
   * @param options - cancellation and progress
   * @throws FormatError for an event of another kind or a malformed one; see {@link Downloader.pars}
   *   and {@link Downloader.cloudEvent}
   */
  download(source: DownloadSource, options: DownloadOptions = {}): Promise<DownloadResult> {
    if (source instanceof Par || typeof source === 'string') return this.pars([source], options);
    if (Array.isArray(source)) return this.pars(source as readonly (Par | string)[], options);
    return this.cloudEvent(source, options);
  }

  /**
   * Download what a CloudEvent refers to: a parkit share event (`dev.parkit.par.shared`) or a
   * Pacifica ingest event (`org.pacifica.metadata.ingest`).
   *
   * @param event - the decoded event
   * @param options - cancellation and progress
   * @throws FormatError for another type or bad content; for a Pacifica event also
   *   RemoteServiceError (cart in error, with cartd's message), NotFoundError, TransferError
   *   (not ready in time, wrong hashsum), and FormatError for an unsafe archive
   */
  async cloudEvent(event: unknown, options: DownloadOptions = {}): Promise<DownloadResult> {
    if (typeof event !== 'object' || event === null)
      throw new FormatError('the event is not an object', { field: 'event' });
    const type = (event as { type?: unknown }).type;
    if (type === SHARE_EVENT_TYPE) return this.pars([readShareEvent(event).par], options);
    if (isPacificaEvent(event)) return this.pacifica(pacificaCartFiles(event), options);
    throw new FormatError(
      `cannot download events of this type (only ${SHARE_EVENT_TYPE} and Pacifica ingest events)`,
      {
        field: 'type',
      },
    );
  }

  /**
   * Download every Par's object (object Pars) or objects (bucket Pars, all pages) to
   * `location/<key>`, `concurrency` files at a time. A file already there with the same size
   * and a matching SHA-256 (when the store reports one) or a modification time no older than
   * the store's is skipped. Each file appears complete or not at all.
   *
   * @param pars - Pars or tokens
   * @param options - cancellation and progress
   * @throws TypeError without an identity; the readers' errors (ExpiredError, DecryptionError,
   *   PermissionError, NotFoundError, TransferError); FormatError for a key that is not a safe path
   */
  pars(pars: readonly (Par | string)[], options: DownloadOptions = {}): Promise<DownloadResult> {
    return this.#observed(options, (checks) => this.#pars(pars, options, checks));
  }

  /** Run a download, recorded as a submission when `observe` is given. */
  async #observed(
    options: DownloadOptions,
    run: (checks: ChecksumTally) => Promise<DownloadResult>,
  ): Promise<DownloadResult> {
    const observe = options.observe ?? this.#options.observe;
    const checks: ChecksumTally = { verified: 0, unverified: 0, mismatched: 0, objects: 0, bytes: 0 };
    if (observe === undefined) return run(checks);
    const reporting = downloadReporting(checks, observe.dataset, options.signal);
    const { result, submission } = await recordRun(observe, reporting, () => run(checks));
    return { ...result, submission };
  }

  async #pars(
    pars: readonly (Par | string)[],
    options: DownloadOptions,
    checks: ChecksumTally,
  ): Promise<DownloadResult> {
    const identity = this.#options.identity;
    if (identity === undefined) throw new TypeError('an identity is needed to open Pars');
    const access = this.#options.access ?? {};
    const jobs: ParJob[] = [];
    for (const item of pars) {
      const par = typeof item === 'string' ? Par.fromToken(item) : item;
      if (!(par instanceof Par)) throw new TypeError('pars must be Pars or tokens');
      jobs.push(...(await this.#plan(par, identity, access, options.signal)));
    }
    const seen = new Set<string>();
    for (const job of jobs) {
      if (seen.has(job.relative))
        throw new FormatError(`two Pars name the same file ${JSON.stringify(job.relative)}`, {
          field: 'key',
        });
      seen.add(job.relative);
    }
    const tally = new ProgressTally(
      jobs.map((job) => job.remote.size),
      options.onProgress,
    );
    tally.emit();
    let transferred = 0;
    const files = await mapAll(jobs, this.#concurrency, async (job) => {
      const done = await this.#fetchOne(job, tally, checks, options.signal);
      if (!done.skipped) transferred += done.size;
      return done;
    });
    return { files, transferred };
  }

  async #plan(
    par: Par,
    identity: Identity,
    access: AccessOptions,
    signal: AbortSignal | undefined,
  ): Promise<ParJob[]> {
    if (par.isObject()) {
      const reader = (await par.read(identity, access)) as ObjectReader;
      const remote = await reader.stat(withSignal(signal));
      const segments = safeSegments(par.target.key, 'key');
      return [
        {
          relative: segments.join('/'),
          segments,
          remote,
          save: (path, o) => reader.getObjectAsFile(path, o),
        },
      ];
    }
    if (par.isBucket()) {
      const reader = (await par.read(identity, access)) as BucketReader;
      const jobs: ParJob[] = [];
      let continuation: string | undefined;
      do {
        const page = await reader.listObjects({
          ...withSignal(signal),
          ...(continuation === undefined ? {} : { continuation }),
        });
        for (const object of page.objects) {
          const segments = safeSegments(object.key, 'key');
          const { key, ...remote } = object;
          jobs.push({
            relative: segments.join('/'),
            segments,
            remote,
            save: (path, o) => reader.getObjectAsFile(key, path, o),
          });
        }
        continuation = page.continuation;
      } while (continuation !== undefined);
      return jobs;
    }
    throw new FormatError('a calculation Par has nothing to download', { field: 'target' });
  }

  async #fetchOne(
    job: ParJob,
    tally: ProgressTally,
    checks: ChecksumTally,
    signal: AbortSignal | undefined,
  ): Promise<DownloadedFile> {
    const path = await (await localTree()).inside(this.location, job.segments);
    const files = await localFiles();
    const local = await files.stat(path);
    const remote = job.remote;
    if (local !== undefined && remote.size === local.size) {
      const current =
        remote.sha256 !== undefined
          ? (await hashLocalFile(path, 'sha256', signal)) === remote.sha256
          : remote.lastModified !== undefined && local.modified >= remote.lastModified.toMillis();
      if (current) {
        tally.finished(job.relative, local.size);
        const verified = remote.sha256 !== undefined;
        checks.objects++;
        if (verified) checks.verified++;
        else checks.unverified++;
        return { relative: job.relative, path, size: local.size, skipped: true, verified };
      }
    }
    let saved: SavedFile;
    try {
      saved = await job.save(path, {
        ...withSignal(signal),
        onProgress: ({ loaded }) => tally.bytes(job.relative, loaded),
      });
    } catch (error) {
      if (isParkitError(error, 'PARKIT_TRANSFER_FAILED') && error.context.reason === 'checksum') {
        checks.mismatched++;
      }
      throw error;
    }
    // The reader verified the store's checksum, when the answer carried one, before the file
    // appeared; a SHA-256 known only from the listing is checked here.
    let verified = saved.stat.sha256 !== undefined || saved.stat.md5 !== undefined;
    if (!verified && remote.sha256 !== undefined) {
      if ((await hashLocalFile(path, 'sha256', signal)) !== remote.sha256) {
        checks.mismatched++;
        await files.remove(path);
        throw new TransferError(
          `${JSON.stringify(job.relative)} does not match the store's SHA-256; it was removed`,
          { context: { path: job.relative, reason: 'checksum' } },
        );
      }
      verified = true;
    }
    tally.finished(job.relative, saved.size);
    checks.objects++;
    checks.bytes += saved.size;
    if (verified) checks.verified++;
    else checks.unverified++;
    return { relative: job.relative, path, size: saved.size, skipped: false, verified };
  }

  /**
   * Download Pacifica files through cartd into `location/<cartName>/<path>`: files already
   * there and matching their hashsum are skipped (and left out of the cart); the others are put
   * in a cart, awaited (`HEAD` every `cart.pollInterval`), downloaded and extracted safely, then
   * the cart is deleted.
   *
   * @param files - cart entries (see `pacificaCartFiles`)
   * @param options - cancellation and progress
   * @throws TypeError without `cartApiUrl`; RemoteServiceError, NotFoundError, TransferError,
   *   FormatError as for {@link Downloader.cloudEvent}
   */
  pacifica(files: readonly CartFile[], options: DownloadOptions = {}): Promise<DownloadResult> {
    return this.#observed(options, (checks) => this.#pacifica(files, options, checks));
  }

  async #pacifica(
    files: readonly CartFile[],
    options: DownloadOptions,
    checks: ChecksumTally,
  ): Promise<DownloadResult> {
    const { cartApiUrl } = this.#options;
    if (cartApiUrl === undefined) throw new TypeError('cartApiUrl is needed to download Pacifica events');
    const top = this.#options.cartName ?? 'data';
    const tree = await localTree();
    const local = await localFiles();
    const tally = new ProgressTally(
      files.map((file) => file.size),
      options.onProgress,
    );
    const results: DownloadedFile[] = [];
    const missing: CartFile[] = [];
    for (const file of files) {
      const path = await tree.inside(this.location, [top, ...file.path.split('/')]);
      const info = await local.stat(path);
      const complete =
        info !== undefined &&
        (file.size === undefined || info.size === file.size) &&
        (await hashLocalFile(path, file.hashtype, options.signal)) === file.hashsum;
      if (complete) {
        results.push({
          relative: `${top}/${file.path}`,
          path,
          size: info.size,
          skipped: true,
          verified: true,
        });
        tally.finished(file.path, info.size);
        checks.objects++;
        checks.verified++;
      } else missing.push(file);
    }
    tally.emit();
    if (missing.length === 0) return { files: results, transferred: 0 };
    const carts = new CartClient(cartApiUrl, {
      ...(this.#options.access?.fetch === undefined ? {} : { fetch: this.#options.access.fetch }),
      ...this.#options.cart,
    });
    const call = {
      ...withSignal(options.signal),
      ...(options.onCartStatus === undefined ? {} : { onStatus: options.onCartStatus }),
    };
    const cart = await carts.create(missing, call);
    await carts.waitUntilReady(cart, call);
    const archive = await carts.download(cart, top, call);
    let transferred = 0;
    const extracting = extractCart(archive, {
      location: this.location,
      top,
      files: missing,
      ...withSignal(options.signal),
      onBytes: (loaded) => {
        transferred = loaded;
        tally.bytes('\0cart', loaded);
      },
      onFile: () => tally.fileDone(),
    });
    const written = await extracting.catch((error: unknown) => {
      if (isParkitError(error, 'PARKIT_TRANSFER_FAILED') && error.context.hashtype !== undefined)
        checks.mismatched++;
      throw error;
    });
    for (const file of written) {
      const path = await tree.inside(this.location, [top, ...file.path.split('/')]);
      const info = await local.stat(path);
      const size = info?.size ?? 0;
      results.push({ relative: `${top}/${file.path}`, path, size, skipped: false, verified: true });
      checks.objects++;
      checks.verified++;
      checks.bytes += size;
    }
    // Best effort: the files are safe on disk; a cart left behind expires on cartd's side.
    await carts.remove(cart, withSignal(options.signal)).catch(() => undefined);
    return { files: results, transferred };
  }
}
