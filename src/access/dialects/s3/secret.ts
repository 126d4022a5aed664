/**
 * What the secret of an `s3` (or `gcs`) Par holds. A plain pre-signed URL stays a plain string;
 * everything else is a small versioned JSON bundle (`{"v":1,"kind":…}`):
 *
 * - `urls`: one pre-signed URL per method of one object (GET, HEAD, PUT, DELETE), optionally a
 *   multipart upload prepared by the issuer (part URL template + one signature per part);
 * - `post`: a pre-signed POST policy (write-only, a key prefix and a size range);
 * - `credentials`: temporary credentials scoped by a session policy to a bucket or prefix;
 *   the dialect signs each request itself.
 *
 * @internal
 * @module
 */
import { FormatError } from '../../../par/errors.js';

/** A multipart upload started by the issuer, its parts pre-signed. */
export interface PresignedParts {
  /** URL of UploadPart with `{partNumber}` and `{signature}` to fill in. */
  readonly partUrl: string;
  /** The signature of part `n` is at index `n - 1`. */
  readonly signatures: readonly string[];
  /** Pre-signed CompleteMultipartUpload (POST). */
  readonly complete: string;
  /** Pre-signed AbortMultipartUpload (DELETE). */
  readonly abort: string;
}

/** One pre-signed URL per method of one object. */
export interface UrlSetSecret {
  readonly v: 1;
  readonly kind: 'urls';
  readonly get?: string;
  readonly head?: string;
  readonly put?: string;
  readonly delete?: string;
  /** Headers signed into the PUT URL (content type, checksum): the writer sends exactly these. */
  readonly putHeaders?: Readonly<Record<string, string>>;
  readonly parts?: PresignedParts;
}

/** A pre-signed POST policy. */
export interface PostSecret {
  readonly v: 1;
  readonly kind: 'post';
  /** Where the form goes (the bucket URL). */
  readonly url: string;
  /** Form fields to send before `key` and `file` (policy, signature, credential, …). */
  readonly fields: Readonly<Record<string, string>>;
  /** The policy's size range, in bytes (the store enforces it; the dialect checks early). */
  readonly minSize: number;
  readonly maxSize: number;
}

/** Temporary credentials scoped to a bucket, a prefix or one key. */
export interface CredentialsSecret {
  readonly v: 1;
  readonly kind: 'credentials';
  readonly endpoint: string;
  readonly region: string;
  readonly bucket: string;
  readonly pathStyle: boolean;
  /** The one key of an object Par. */
  readonly key?: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  /** When the session policy stops allowing anything (ISO 8601). */
  readonly expires: string;
}

/** Any bundle. */
export type S3Secret = UrlSetSecret | PostSecret | CredentialsSecret;

const URL_FIELDS = ['get', 'head', 'put', 'delete'] as const;

function fail(field: string): never {
  throw new FormatError(`the Par's secret is not a valid S3 grant (${field})`, { field });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function string(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') fail(field);
  return value;
}

function httpUrl(value: unknown, field: string): string {
  const text = string(value, field);
  if (!/^https?:\/\//.test(text) || !URL.canParse(text)) fail(field);
  return text;
}

function instant(value: unknown, field: string): string {
  const text = string(value, field);
  if (Number.isNaN(Date.parse(text))) fail(field);
  return text;
}

function size(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) fail(field);
  return value;
}

function strings(value: unknown, field: string): Record<string, string> {
  if (!isRecord(value)) fail(field);
  for (const [name, entry] of Object.entries(value)) if (typeof entry !== 'string') fail(`${field}.${name}`);
  return value as Record<string, string>;
}

function parseParts(value: unknown): PresignedParts {
  if (!isRecord(value)) fail('parts');
  const signatures = value.signatures;
  if (!Array.isArray(signatures) || signatures.length === 0) fail('parts.signatures');
  for (const signature of signatures)
    if (typeof signature !== 'string' || !/^[0-9a-f]{64}$/.test(signature)) fail('parts.signatures');
  const partUrl = string(value.partUrl, 'parts.partUrl');
  if (!partUrl.includes('{partNumber}') || !partUrl.includes('{signature}')) fail('parts.partUrl');
  httpUrl(partUrl.replace('{partNumber}', '1').replace('{signature}', '0'), 'parts.partUrl');
  return {
    partUrl,
    signatures: signatures as string[],
    complete: httpUrl(value.complete, 'parts.complete'),
    abort: httpUrl(value.abort, 'parts.abort'),
  };
}

/**
 * Read a Par's secret: a plain URL, or a bundle.
 *
 * @param secret - the opened secret
 * @returns the URL string, or the parsed bundle
 * @throws FormatError naming the bad field
 */
export function parseS3Secret(secret: string): string | S3Secret {
  if (!secret.startsWith('{')) return httpUrl(secret, 'url');
  let data: unknown;
  try {
    data = JSON.parse(secret);
  } catch {
    fail('json');
  }
  if (!isRecord(data)) fail('json');
  if (Object.hasOwn(data, '__proto__') || Object.hasOwn(data, 'constructor')) fail('json');
  if (data.v !== 1) fail('v');
  switch (data.kind) {
    case 'urls': {
      const set: { -readonly [K in keyof UrlSetSecret]: UrlSetSecret[K] } = { v: 1, kind: 'urls' };
      for (const field of URL_FIELDS) if (data[field] !== undefined) set[field] = httpUrl(data[field], field);
      if (data.putHeaders !== undefined) set.putHeaders = strings(data.putHeaders, 'putHeaders');
      if (data.parts !== undefined) set.parts = parseParts(data.parts);
      return set;
    }
    case 'post':
      return {
        v: 1,
        kind: 'post',
        url: httpUrl(data.url, 'url'),
        fields: strings(data.fields, 'fields'),
        minSize: size(data.minSize, 'minSize'),
        maxSize: size(data.maxSize, 'maxSize'),
      };
    case 'credentials': {
      if (typeof data.pathStyle !== 'boolean') fail('pathStyle');
      return {
        v: 1,
        kind: 'credentials',
        endpoint: httpUrl(data.endpoint, 'endpoint'),
        region: string(data.region, 'region'),
        bucket: string(data.bucket, 'bucket'),
        pathStyle: data.pathStyle,
        ...(data.key === undefined ? {} : { key: string(data.key, 'key') }),
        accessKeyId: string(data.accessKeyId, 'accessKeyId'),
        secretAccessKey: string(data.secretAccessKey, 'secretAccessKey'),
        sessionToken: string(data.sessionToken, 'sessionToken'),
        expires: instant(data.expires, 'expires'),
      };
    }
    default:
      fail('kind');
  }
}
