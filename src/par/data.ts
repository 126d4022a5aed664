/**
 * `toData` / `fromData`: a Par as JSON-serialisable data, through a private superjson instance
 * (so luxon times and bytes keep their types) with a format version.
 *
 * @module
 */
import { DateTime } from 'luxon';
import { SuperJSON, type SuperJSONResult } from 'superjson';
import { fromBase64, toBase64 } from './encoding.js';
import { FormatError } from './errors.js';
import { assertSafeKeys, FORMAT_VERSION, isoUtc, parseIsoUtc, parseMetadata } from './metadata.js';
import { MAX_ENCODED_LENGTH, type ParRecord } from './record.js';

/** A Par as data: superjson's `{ json, meta }` pair, safe to `JSON.stringify`. */
export type ParData = SuperJSONResult;

const serializer = new SuperJSON();
serializer.registerCustom<DateTime, string>(
  {
    isApplicable: (value): value is DateTime => DateTime.isDateTime(value),
    serialize: isoUtc,
    deserialize: (text) => {
      try {
        return parseIsoUtc(text, 'time');
      } catch {
        return DateTime.invalid('not a canonical UTC timestamp');
      }
    },
  },
  'parkit.DateTime',
);
serializer.registerCustom<Uint8Array, string>(
  {
    isApplicable: (value): value is Uint8Array => value instanceof Uint8Array,
    serialize: toBase64,
    deserialize: (text) => {
      const bytes = typeof text === 'string' ? fromBase64(text) : undefined;
      if (bytes === undefined) throw new FormatError('bytes must be canonical base64');
      return bytes;
    },
  },
  'parkit.Bytes',
);

const FIELDS = new Set([
  'v',
  'uid',
  'name',
  'id',
  'driver',
  'target',
  'permissions',
  'created',
  'expires',
  'bind',
  'sealed',
]);

/**
 * Encode a Par record as data.
 *
 * @param record - the record to encode
 * @returns `{ json, meta }`
 */
export function recordToData(record: ParRecord): ParData {
  const { metadata } = record;
  const plain: Record<string, unknown> = { v: FORMAT_VERSION, uid: metadata.uid };
  if (metadata.name !== undefined) plain.name = metadata.name;
  if (metadata.id !== undefined) plain.id = metadata.id;
  plain.driver = metadata.driver;
  plain.target = { ...metadata.target };
  plain.permissions = [...metadata.permissions];
  plain.created = metadata.created;
  plain.expires = metadata.expires;
  plain.bind = record.bindingTag;
  if (record.sealed !== undefined) plain.sealed = record.sealed;
  return serializer.serialize(plain);
}

/**
 * Decode and validate data made by {@link recordToData}.
 *
 * @param data - untrusted data
 * @returns the record
 * @throws FormatError naming the first bad field
 */
export function dataToRecord(data: unknown): ParRecord {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new FormatError('Par data must be an object like { json, meta }');
  }
  let size: number;
  try {
    size = JSON.stringify(data).length;
  } catch (cause) {
    throw new FormatError('Par data must be JSON-serialisable', { cause });
  }
  if (size > MAX_ENCODED_LENGTH)
    throw new FormatError(`Par data is larger than ${MAX_ENCODED_LENGTH} characters`);
  assertSafeKeys(data);
  const { json, meta, ...rest } = data as Record<string, unknown>;
  const extra = Object.keys(rest)[0];
  if (extra !== undefined) throw new FormatError(`unknown field "${extra}"`, { field: extra });
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new FormatError('Par data must have a json object', { field: 'json' });
  }
  if ((json as { v?: unknown }).v !== FORMAT_VERSION) {
    throw new FormatError(
      `unsupported Par format version ${JSON.stringify((json as { v?: unknown }).v)} (this release reads 1)`,
      { field: 'v' },
    );
  }
  if (meta !== undefined && (typeof meta !== 'object' || meta === null || Array.isArray(meta))) {
    throw new FormatError('Par data meta must be an object', { field: 'meta' });
  }
  let plain: unknown;
  try {
    plain = serializer.deserialize(
      meta === undefined ? { json: json as never } : ({ json, meta } as SuperJSONResult),
    );
  } catch (cause) {
    if (cause instanceof FormatError) throw cause;
    throw new FormatError('Par data is not valid superjson', { cause });
  }
  const metadata = parseMetadata(plain, readTime, FIELDS);
  const fields = plain as Record<string, unknown>;
  const bindingTag = fields.bind;
  if (!(bindingTag instanceof Uint8Array) || bindingTag.length !== 32) {
    throw new FormatError('bind must be 32 bytes', { field: 'bind' });
  }
  const sealed = fields.sealed;
  if (sealed !== undefined && (!(sealed instanceof Uint8Array) || sealed.length === 0)) {
    throw new FormatError('sealed must be non-empty bytes', { field: 'sealed' });
  }
  return { metadata, bindingTag, sealed };
}

function readTime(value: unknown, field: string): DateTime {
  if (!DateTime.isDateTime(value) || !value.isValid) {
    throw new FormatError(`${field} must be a UTC timestamp like 2026-01-31T12:00:00.000Z`, { field });
  }
  return value;
}
