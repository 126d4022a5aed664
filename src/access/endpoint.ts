/**
 * What a dialect provides: the operations on one object and on one bucket, in the same shape
 * whoever minted the Par. Reader and writer classes are written against these interfaces only,
 * so a new URL family is a new file under `dialects/`, not a change to the classes.
 *
 * @module
 */
import type { DateTime } from 'luxon';

/** What is known about a stored object. */
export interface ObjectStat {
  /** Size in bytes, when known. */
  readonly size?: number;
  /** The store's version tag (quotes removed). */
  readonly etag?: string;
  readonly contentType?: string;
  readonly lastModified?: DateTime;
  /** Hex SHA-256 of the content, when the store reports one. */
  readonly sha256?: string;
  /** Hex MD5 of the content, when the store reports one (e.g. `Content-MD5`). */
  readonly md5?: string;
}

/** A byte range, `end` inclusive as in HTTP. */
export interface ByteRange {
  readonly start: number;
  readonly end?: number;
}

/** Options for one read. */
export interface ReadRequest {
  readonly signal?: AbortSignal;
  /** Read only these bytes. */
  readonly range?: ByteRange;
  /**
   * With `range`: the ETag the bytes must come from (HTTP `If-Range`). A store whose object has
   * changed then answers with the whole new object, which the reader detects by `start`.
   */
  readonly ifRange?: string;
}

/** A body being read. */
export interface ReadResult {
  /** What the store says of the whole object (size is the whole object's size). */
  readonly stat: ObjectStat;
  /** The bytes asked for. */
  readonly body: ReadableStream<Uint8Array>;
  /**
   * Offset in the object of the body's first byte: 0 when a store ignored `range` (or `ifRange`
   * did not match) and sent the whole object. Absent means the range asked for was honoured.
   */
  readonly start?: number;
}

/** Options for one write. */
export interface WriteRequest {
  readonly signal?: AbortSignal;
  readonly contentType?: string;
  /** Size of the body in bytes, when known in advance. */
  readonly size?: number;
}

/** Options for one listing page. */
export interface ListRequest {
  readonly signal?: AbortSignal;
  /** Only keys starting with this (already checked against the Par's own prefix). */
  readonly prefix?: string;
  /** Group keys by this separator into `prefixes`. */
  readonly delimiter?: string;
  /** Largest page wanted. */
  readonly pageSize?: number;
  /** Where the previous page stopped. */
  readonly continuation?: string;
}

/** One listed object. */
export interface ListedObject {
  readonly key: string;
  readonly size?: number;
  readonly etag?: string;
  readonly lastModified?: DateTime;
}

/** One page of a listing. */
export interface ListPage {
  readonly objects: readonly ListedObject[];
  /** Common prefixes, when a delimiter was given. */
  readonly prefixes: readonly string[];
  /** Pass back to get the next page; absent on the last page. */
  readonly continuation?: string;
}

/** Size rules of a store's upload in parts (S3 multipart, Azure block blobs). */
export interface PartLimits {
  /** Smallest size of every part but the last, in bytes. */
  readonly minPartSize: number;
  /** Largest size of one part, in bytes. */
  readonly maxPartSize: number;
  /** Most parts one upload may have. */
  readonly maxParts: number;
}

/** One part that arrived. `partNumber` counts from 1, as in S3. */
export interface UploadedPart {
  readonly partNumber: number;
  /** What the store answered for the part (S3 ETag, Azure block id). */
  readonly etag: string;
  readonly size: number;
}

/** One upload in parts in progress. Parts may be sent in parallel and in any order. */
export interface PartUpload {
  uploadPart(
    partNumber: number,
    body: Uint8Array,
    request: { readonly signal?: AbortSignal },
  ): Promise<UploadedPart>;
  /** Commit the parts (in part-number order): the object appears only now. */
  complete(parts: readonly UploadedPart[], request: { readonly signal?: AbortSignal }): Promise<ObjectStat>;
  /** Give up: nothing becomes visible and the store frees the parts. */
  abort(request: { readonly signal?: AbortSignal }): Promise<void>;
}

/** What an endpoint offers when its store takes uploads in parts. */
export interface PartUploader {
  readonly limits: PartLimits;
  /** Start one upload of an object of `request.size` bytes. */
  begin(request: WriteRequest): Promise<PartUpload>;
}

/** Operations on one object. */
export interface ObjectEndpoint {
  read(request: ReadRequest): Promise<ReadResult>;
  stat(request: { readonly signal?: AbortSignal }): Promise<ObjectStat>;
  write(body: Uint8Array | ReadableStream<Uint8Array>, request: WriteRequest): Promise<ObjectStat>;
  remove(request: { readonly signal?: AbortSignal }): Promise<void>;
  /** Present when the store takes large uploads in parts; the writers then use it. */
  readonly parts?: PartUploader;
  /**
   * True when the store must know a body's length before it arrives (S3 and GCS PUT). A stream
   * of unknown length is then read into memory up to `parts.threshold` first, or refused.
   */
  readonly requiresLength?: boolean;
}

/** Operations on a bucket. Keys are full keys within the bucket. */
export interface BucketEndpoint {
  object(key: string): ObjectEndpoint;
  list(request: ListRequest): Promise<ListPage>;
}
