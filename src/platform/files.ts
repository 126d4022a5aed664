/**
 * Local files, for the methods that read or write them (`getObjectAsFile`, `setObjectFromFile`,
 * the `file://` dialect). The core stays web-standard: the Node implementation
 * (`node-files.ts`, which Deno and Bun also run through their Node compatibility) is loaded only
 * when such a runtime is detected; in a browser these methods fail with NotSupportedError.
 *
 * @module
 */
import { NotSupportedError } from '../par/errors.js';

/** Size and modification time of a local file. */
export interface LocalFileStat {
  readonly size: number;
  /** Modification time, epoch milliseconds. */
  readonly modified: number;
}

/**
 * A file being written beside its destination, invisible under the destination's name until
 * {@link TemporaryFile.commit}. Whatever happens, {@link TemporaryFile.discard} leaves no trace.
 */
export interface TemporaryFile {
  /**
   * Write bytes (or several chunks, one after the other, in one call) at `position`, or after the
   * last byte written in order when it is omitted.
   */
  write(bytes: Uint8Array | readonly Uint8Array[], position?: number): Promise<void>;
  /** Throw away everything written so far, to start over. */
  truncate(): Promise<void>;
  /** Close (flushed to disk first when `durable`) and rename into place. */
  commit(options?: { readonly durable?: boolean }): Promise<void>;
  /** Close and remove the temporary file; does nothing after a commit. */
  discard(): Promise<void>;
}

/** The file operations parkit needs. Paths are native paths. */
export interface LocalFiles {
  /** Stat a regular file; undefined when it does not exist (or is not a regular file). */
  stat(path: string): Promise<LocalFileStat | undefined>;
  /** Stream a file, or part of it (`end` inclusive). */
  readStream(
    path: string,
    range?: { readonly start: number; readonly end?: number },
  ): ReadableStream<Uint8Array>;
  /**
   * Write a file atomically: to a temporary file beside it, flushed to disk, then renamed into
   * place. On any failure (or abort) the temporary file is removed and the previous file is
   * untouched. `verify` runs on the finished temporary file before the rename and may throw.
   *
   * @returns the number of bytes written
   */
  writeAtomic(
    path: string,
    source: Uint8Array | ReadableStream<Uint8Array>,
    options?: {
      readonly signal?: AbortSignal;
      readonly verify?: (written: number) => void | Promise<void>;
      readonly onProgress?: (written: number) => void;
    },
  ): Promise<number>;
  /**
   * Start writing a file that appears at `path` only when committed (a temporary file in the
   * same directory, renamed); missing directories are created.
   */
  createTemporary(path: string): Promise<TemporaryFile>;
  /** Delete a file; false when there was none. */
  remove(path: string): Promise<boolean>;
  /** Every regular file under `root`, as `/`-separated paths relative to it, in sorted order. */
  walk(root: string): AsyncIterable<string>;
  /** Native path of a `file:` URL. */
  fromFileUrl(url: string): string;
  /** `file:` URL of a native path (made absolute). */
  toFileUrl(path: string): string;
  /** Join a native root and a `/`-separated relative path. */
  join(root: string, relative: string): string;
}

interface RuntimeGlobals {
  process?: { versions?: { node?: string } };
  Deno?: unknown;
  Bun?: unknown;
}

let loaded: Promise<LocalFiles> | undefined;

/** Whether this runtime can reach local files (Node, Deno, Bun). */
export function hasLocalFiles(): boolean {
  const runtime = globalThis as RuntimeGlobals;
  return (
    typeof runtime.process?.versions?.node === 'string' ||
    runtime.Deno !== undefined ||
    runtime.Bun !== undefined
  );
}

/**
 * The local file operations of this runtime.
 *
 * @throws NotSupportedError in a browser or any runtime without file access
 */
export function localFiles(): Promise<LocalFiles> {
  if (!hasLocalFiles()) {
    return Promise.reject(
      new NotSupportedError('local files are not supported in this runtime (use a stream instead)'),
    );
  }
  // A computed specifier: bundlers for the browser leave it alone, and type-checking the core
  // never pulls in Node's types.
  const specifier = './node-files.js';
  loaded ??= (import(/* @vite-ignore */ specifier) as Promise<{ nodeFiles: LocalFiles }>).then(
    (m) => m.nodeFiles,
  );
  return loaded;
}
