/**
 * The filesystem store: objects as plain files under `objects/{bucket}/{key}` (so any static
 * file server can serve them too), metadata sidecars under `meta/`, uploads received in `tmp/`
 * and renamed into place after fsync. One server process owns a data directory at a time
 * (`server.lock`); replicas share state through a shared-store backend instead.
 *
 * @module
 */
import {
  close as closeFd,
  closeSync,
  createReadStream,
  fstat,
  fstatSync,
  open as openFd,
  openSync,
  read as readFd,
  readSync,
  statSync,
} from 'node:fs';
import {
  link,
  lstat,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  rmdir,
  stat,
  unlink,
} from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { StoreError } from './errors.js';
import { listDirectory } from './fs-list.js';
import { etagOf, type FileVersion, MetaFiles } from './fs-meta.js';
import { receiveTemp } from './fs-temp.js';
import { KeyLock } from './key-lock.js';
import type { ListOptions, ListResult, ObjectInfo, ObjectStore, OpenedObject, PutOptions } from './store.js';

const openAsync = promisify(openFd);
const fstatAsync = promisify(fstat) as (
  fd: number,
  options: { bigint: true },
) => Promise<import('node:fs').BigIntStats>;
const closeAsync = promisify(closeFd);
const readAsync = promisify(readFd);

/** Chunk size for streaming reads: large chunks keep throughput near the disk's. */
const READ_CHUNK = 1024 * 1024;

/** Options of {@link FileSystemStore.open}. */
export interface FileSystemStoreOptions {
  /** Refuse to open a data directory another live process holds (default true). */
  readonly exclusive?: boolean;
  /**
   * Do the metadata calls (open, stat) and reads of small objects synchronously (default true).
   * A local disk answers them from the page cache in microseconds, and skipping the thread-pool
   * round trip roughly doubles small-object throughput; turn it off on a network filesystem,
   * where one slow call would stall every request.
   */
  readonly syncSmallReads?: boolean;
}

function errno(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errno(error) === 'EPERM';
  }
}

/** An {@link ObjectStore} on the local filesystem. */
export class FileSystemStore implements ObjectStore {
  /** The data directory. */
  readonly root: string;
  readonly #objects: string;
  readonly #meta: string;
  readonly #tmp: string;
  readonly #metaFiles: MetaFiles;
  readonly #locks = new KeyLock();
  readonly #lockFile: string | undefined;
  readonly #sync: boolean;

  private constructor(root: string, lockFile: string | undefined, sync: boolean) {
    this.root = root;
    this.#objects = join(root, 'objects');
    this.#meta = join(root, 'meta');
    this.#tmp = join(root, 'tmp');
    this.#metaFiles = new MetaFiles(this.#tmp);
    this.#lockFile = lockFile;
    this.#sync = sync;
  }

  /**
   * Open (creating if needed) a data directory: take its lock, and sweep temporary files left by
   * a killed process (they were never visible).
   *
   * @param root - the data directory
   * @param options - exclusivity
   * @throws StoreError `DATA_DIR_IN_USE` when another live process holds it
   */
  static async open(root: string, options: FileSystemStoreOptions = {}): Promise<FileSystemStore> {
    await mkdir(root, { recursive: true, mode: 0o700 });
    let lockFile: string | undefined;
    if (options.exclusive !== false) {
      lockFile = join(root, 'server.lock');
      await FileSystemStore.#takeLock(lockFile);
    }
    const store = new FileSystemStore(root, lockFile, options.syncSmallReads !== false);
    await mkdir(store.#objects, { recursive: true, mode: 0o700 });
    await mkdir(store.#meta, { recursive: true, mode: 0o700 });
    if (lockFile !== undefined) await rm(store.#tmp, { recursive: true, force: true });
    await mkdir(store.#tmp, { recursive: true, mode: 0o700 });
    return store;
  }

  static async #takeLock(lockFile: string): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const file = await open(lockFile, 'wx', 0o600);
        await file.writeFile(String(process.pid));
        await file.close();
        return;
      } catch (error) {
        if (errno(error) !== 'EEXIST') throw error;
      }
      const holder = Number((await readFile(lockFile, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && processAlive(holder)) {
        throw new StoreError('DATA_DIR_IN_USE', `the data directory is in use by process ${holder}`);
      }
      // A stale lock of a process that died (or our own from an earlier open): take it over.
      await rm(lockFile, { force: true });
    }
    throw new StoreError('DATA_DIR_IN_USE', 'could not take the data directory lock');
  }

  #dataPath(bucket: string, key: string): string {
    return join(this.#objects, bucket, ...key.split('/'));
  }

  #metaPath(bucket: string, key: string): string {
    return join(this.#meta, bucket, ...key.split('/'));
  }

  async #info(bucket: string, key: string, version: FileVersion & { mtimeMs: bigint }): Promise<ObjectInfo> {
    const path = this.#metaPath(bucket, key);
    const meta =
      (await this.#metaFiles.read(path, version, false)) ??
      // A write makes its version visible a moment before it writes the version's sidecar, both
      // under the key's lock: wait for a write in progress, then the sidecar is the version's own.
      (await this.#locks.run(`${bucket}/${key}`, () => this.#metaFiles.read(path, version, true)));
    return {
      key,
      size: Number(version.size),
      etag: etagOf(version),
      modified: Number(version.mtimeMs),
      ...meta,
    };
  }

  async #currentEtag(path: string): Promise<string | undefined> {
    try {
      const info = await stat(path, { bigint: true });
      return info.isFile() ? etagOf(info) : undefined;
    } catch (error) {
      if (errno(error) === 'ENOENT' || errno(error) === 'ENOTDIR') return undefined;
      throw error;
    }
  }

  async put(
    bucket: string,
    key: string,
    body: AsyncIterable<Uint8Array>,
    options: PutOptions = {},
  ): Promise<ObjectInfo> {
    const temp = await receiveTemp(this.#tmp, body, options);
    const path = this.#dataPath(bucket, key);
    try {
      return await this.#locks.run(`${bucket}/${key}`, async () => {
        if (options.ifMatch !== undefined && (await this.#currentEtag(path)) !== options.ifMatch) {
          throw new StoreError('PRECONDITION_FAILED', 'the object has changed (If-Match)');
        }
        await this.#commit(temp.path, path, options.ifNoneMatch === '*');
        const version = { ino: temp.ino, size: temp.size, mtimeNs: temp.mtimeNs };
        const meta = {
          ...(options.contentType === undefined ? {} : { contentType: options.contentType }),
          ...(temp.sha256 === undefined ? {} : { sha256: temp.sha256 }),
          ...(temp.md5 === undefined ? {} : { md5: temp.md5 }),
        };
        if (Object.keys(meta).length > 0)
          await this.#metaFiles.write(this.#metaPath(bucket, key), version, meta);
        return {
          key,
          size: temp.size,
          etag: etagOf(version),
          modified: Number(temp.mtimeNs / 1_000_000n),
          ...meta,
        };
      });
    } finally {
      await rm(temp.path, { force: true });
    }
  }

  // Move the finished temporary file into place: rename (replace), or link (create only).
  async #commit(temp: string, path: string, createOnly: boolean): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.#makeParents(path);
        if (createOnly) await link(temp, path);
        else await rename(temp, path);
        await this.#syncDirectory(dirname(path));
        return;
      } catch (error) {
        const code = errno(error);
        if (code === 'EEXIST' && createOnly) {
          throw new StoreError('PRECONDITION_FAILED', 'the object already exists (If-None-Match)');
        }
        if (code === 'EISDIR' || code === 'ENOTEMPTY' || code === 'EEXIST') {
          // A directory sits where the file goes: an empty leftover may go, a real one is a conflict.
          if (
            await rmdir(path).then(
              () => true,
              () => false,
            )
          )
            continue;
          throw new StoreError('KEY_CONFLICT', 'other objects exist under this name followed by "/"');
        }
        // A concurrent delete may have removed an empty parent directory: try again.
        if (code === 'ENOENT' && attempt < 3) continue;
        throw error;
      }
    }
  }

  async #makeParents(path: string): Promise<void> {
    try {
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    } catch (error) {
      if (errno(error) === 'ENOTDIR' || errno(error) === 'EEXIST') {
        throw new StoreError('KEY_CONFLICT', 'a part of this name before a "/" is itself an object');
      }
      throw error;
    }
  }

  async #syncDirectory(dir: string): Promise<void> {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  async open(bucket: string, key: string): Promise<OpenedObject | undefined> {
    let fd: number;
    try {
      const path = this.#dataPath(bucket, key);
      fd = this.#sync ? openSync(path, 'r') : await openAsync(path, 'r');
    } catch (error) {
      const code = errno(error);
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return undefined;
      throw error;
    }
    let info: ObjectInfo;
    try {
      const version = this.#sync ? fstatSync(fd, { bigint: true }) : await fstatAsync(fd, { bigint: true });
      if (!version.isFile()) {
        await closeAsync(fd);
        return undefined;
      }
      info = await this.#info(bucket, key, version);
    } catch (error) {
      await closeAsync(fd).catch(() => {});
      throw error;
    }
    return openedFile(fd, info, this.#sync);
  }

  async stat(bucket: string, key: string): Promise<ObjectInfo | undefined> {
    try {
      const path = this.#dataPath(bucket, key);
      const version = this.#sync ? statSync(path, { bigint: true }) : await stat(path, { bigint: true });
      return version.isFile() ? await this.#info(bucket, key, version) : undefined;
    } catch (error) {
      if (errno(error) === 'ENOENT' || errno(error) === 'ENOTDIR') return undefined;
      throw error;
    }
  }

  async list(bucket: string, options: ListOptions): Promise<ListResult> {
    return listDirectory(join(this.#objects, bucket), options);
  }

  async remove(bucket: string, key: string, options: { readonly ifMatch?: string } = {}): Promise<boolean> {
    const path = this.#dataPath(bucket, key);
    return this.#locks.run(`${bucket}/${key}`, async () => {
      const current = await this.#currentEtag(path);
      if (options.ifMatch !== undefined && current !== options.ifMatch) {
        throw new StoreError('PRECONDITION_FAILED', 'the object has changed (If-Match)');
      }
      if (current === undefined) return false;
      try {
        await unlink(path);
      } catch (error) {
        if (errno(error) === 'ENOENT') return false;
        throw error;
      }
      await this.#metaFiles.remove(this.#metaPath(bucket, key));
      await this.#pruneEmpty(dirname(path), join(this.#objects, bucket));
      await this.#pruneEmpty(dirname(this.#metaPath(bucket, key)), join(this.#meta, bucket));
      return true;
    });
  }

  // Remove now-empty directories up to (not including) the bucket directory.
  async #pruneEmpty(dir: string, stop: string): Promise<void> {
    let current = dir;
    while (current.length > stop.length && current.startsWith(stop)) {
      try {
        await rmdir(current);
      } catch {
        return;
      }
      current = dirname(current);
    }
  }

  async removeBucket(bucket: string): Promise<void> {
    await rm(join(this.#objects, bucket), { recursive: true, force: true });
    await rm(join(this.#meta, bucket), { recursive: true, force: true });
  }

  /** Release the data directory lock. */
  async close(): Promise<void> {
    if (this.#lockFile === undefined) return;
    const holder = (await readFile(this.#lockFile, 'utf8').catch(() => '')).trim();
    if (holder === String(process.pid)) await rm(this.#lockFile, { force: true });
  }

  /**
   * Names of leftover temporary files (diagnostics and tests).
   *
   * @internal
   */
  async temporaryFiles(): Promise<string[]> {
    return readdir(this.#tmp);
  }

  /**
   * Whether a path under the data directory exists (tests).
   *
   * @internal
   */
  async exists(relative: string): Promise<boolean> {
    return lstat(join(this.root, relative)).then(
      () => true,
      () => false,
    );
  }
}

function openedFile(fd: number, info: ObjectInfo, sync: boolean): OpenedObject {
  let used = false;
  return {
    info,
    stream(range) {
      used = true;
      return createReadStream('', {
        fd,
        autoClose: true,
        highWaterMark: READ_CHUNK,
        ...(range === undefined ? {} : { start: range.start, end: range.end }),
      }) as Readable;
    },
    async bytes(range) {
      used = true;
      const start = range?.start ?? 0;
      const length = (range?.end ?? info.size - 1) - start + 1;
      const buffer = Buffer.allocUnsafe(Math.max(length, 0));
      try {
        let filled = 0;
        while (filled < length) {
          const bytesRead = sync
            ? readSync(fd, buffer, filled, length - filled, start + filled)
            : (await readAsync(fd, buffer, filled, length - filled, start + filled)).bytesRead;
          if (bytesRead === 0) break;
          filled += bytesRead;
        }
        return filled === length ? buffer : buffer.subarray(0, filled);
      } finally {
        if (sync) closeSync(fd);
        else await closeAsync(fd);
      }
    },
    async close() {
      if (used) return;
      used = true;
      await closeAsync(fd);
    },
  };
}
