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
}

/** A body being read. */
export interface ReadResult {
  /** What the store says of the whole object (size is the whole object's size). */
  readonly stat: ObjectStat;
  /** The bytes asked for. */
  readonly body: ReadableStream<Uint8Array>;
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

/** Operations on one object. */
export interface ObjectEndpoint {
  read(request: ReadRequest): Promise<ReadResult>;
  stat(request: { readonly signal?: AbortSignal }): Promise<ObjectStat>;
  write(body: Uint8Array | ReadableStream<Uint8Array>, request: WriteRequest): Promise<ObjectStat>;
  remove(request: { readonly signal?: AbortSignal }): Promise<void>;
}

/** Operations on a bucket. Keys are full keys within the bucket. */
export interface BucketEndpoint {
  object(key: string): ObjectEndpoint;
  list(request: ListRequest): Promise<ListPage>;
}
