/**
 * The storage interface every server component is written against. One implementation keeps
 * objects on the local filesystem ({@link FileSystemStore}); each operation maps to one S3
 * operation, so an S3-backed store (several server replicas on one cluster) can follow:
 *
 * | here | S3 |
 * |---|---|
 * | `put` (streamed, committed atomically, optional `ifMatch` / `ifNoneMatch: '*'`) | PutObject (or multipart) with `If-Match` / `If-None-Match` |
 * | `open` + `stream(range)` | HeadObject, then GetObject with `Range` and `If-Match` |
 * | `stat` | HeadObject |
 * | `list` (prefix, start, end, delimiter, limit) | ListObjectsV2 (`start-after`, `delimiter`, `max-keys`) |
 * | `remove` (optional `ifMatch`) | DeleteObject with `If-Match` |
 *
 * Besides user buckets the store holds the server's own state as JSON documents in the
 * reserved bucket {@link SYSTEM_BUCKET} (see `records.ts`): no second database.
 *
 * @module
 */
import type { Readable } from 'node:stream';

/** The bucket holding the server's own records. User bucket names can never take this name. */
export const SYSTEM_BUCKET = '.parkit';

/** What is known about one stored object version. */
export interface ObjectInfo {
  /** Full key within its bucket. */
  readonly key: string;
  readonly size: number;
  /** Opaque version tag, unquoted; changes with every write. */
  readonly etag: string;
  /** Last modification, epoch milliseconds. */
  readonly modified: number;
  readonly contentType?: string;
  /** Hex SHA-256 of the content, when it was computed at write time. */
  readonly sha256?: string;
  /** Base64 MD5 of the content, when it was computed at write time. */
  readonly md5?: string;
}

/** Options for one write. */
export interface PutOptions {
  readonly contentType?: string;
  /** Commit only if the current version has this etag. */
  readonly ifMatch?: string;
  /** `'*'`: commit only if no version exists (atomic create). */
  readonly ifNoneMatch?: '*';
  /** Refuse (and discard) a body longer than this many bytes. */
  readonly maxBytes?: number;
  /** The body must be exactly this long (a declared Content-Length). */
  readonly expectedSize?: number;
  /** Hex SHA-256 the body must have. */
  readonly expectedSha256?: string;
  /** Base64 MD5 the body must have. */
  readonly expectedMd5?: string;
  /** Compute and keep the SHA-256 (default true; records skip it). */
  readonly digest?: boolean;
}

/** Options for a listing. Keys come in byte order of their UTF-8 form. */
export interface ListOptions {
  readonly prefix?: string;
  /** Only keys (or grouped prefixes) at or after this. */
  readonly start?: string;
  /** Only keys strictly before this. */
  readonly end?: string;
  /** Group keys by this (only `/` is supported) into `prefixes`. */
  readonly delimiter?: '/';
  /** Most entries (objects plus prefixes) in the page. */
  readonly limit: number;
}

/** One page of a listing. */
export interface ListResult {
  readonly objects: readonly ObjectInfo[];
  readonly prefixes: readonly string[];
  /** Pass as `start` for the next page; absent on the last page. */
  readonly next?: string;
}

/** An opened object version: its facts, and its bytes streamed on demand. */
export interface OpenedObject {
  readonly info: ObjectInfo;
  /** Stream the bytes (`end` inclusive). Call once, or `close()` instead. */
  stream(range?: { readonly start: number; readonly end: number }): Readable;
  /** Read the bytes into memory (for small objects), then release the version. Call once. */
  bytes(range?: { readonly start: number; readonly end: number }): Promise<Uint8Array>;
  /** Release the version without reading it. */
  close(): Promise<void>;
}

/** Where objects and the server's records live. */
export interface ObjectStore {
  /** Store a body; the new version becomes visible only once complete and verified. */
  put(
    bucket: string,
    key: string,
    body: AsyncIterable<Uint8Array>,
    options?: PutOptions,
  ): Promise<ObjectInfo>;
  /** Open the current version for reading; undefined when there is none. */
  open(bucket: string, key: string): Promise<OpenedObject | undefined>;
  /** Facts of the current version; undefined when there is none. */
  stat(bucket: string, key: string): Promise<ObjectInfo | undefined>;
  /** One page of keys. */
  list(bucket: string, options: ListOptions): Promise<ListResult>;
  /** Delete the current version; false when there was none. */
  remove(bucket: string, key: string, options?: { readonly ifMatch?: string }): Promise<boolean>;
  /** Delete every object of a bucket (used when a bucket is deleted with force). */
  removeBucket(bucket: string): Promise<void>;
  /** Release resources (locks, handles). */
  close(): Promise<void>;
}
