/**
 * The Pacifica ingest CloudEvent (PROTOCOLS §5): only its `data` is read, a flat list of
 * metadata records; those with `destinationTable == "Files"` become cart entries
 * `{ id, path: subdir/name, hashtype, hashsum }`. Every record used is checked strictly.
 *
 * @module
 */
import { FormatError } from '../par/errors.js';
import { checkHashSum, checkHashType, type HashType } from './hashes.js';
import { safeRelativePath } from './safe-path.js';

/** The event type Pacifica Notifications forwards for accepted uploads. */
export const PACIFICA_INGEST_TYPE = 'org.pacifica.metadata.ingest';

/** One file to put in a cart (what cartd's `fileids` list holds, plus the size when known). */
export interface CartFile {
  /** The archive's id for the file. */
  readonly id: string | number;
  /** Where it lands below the cart's top folder: `subdir/name`. */
  readonly path: string;
  readonly hashtype: HashType;
  /** Lower-case hex digest. */
  readonly hashsum: string;
  /** Size in bytes, when the event says. */
  readonly size?: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Whether an event looks like a Pacifica ingest event (its `type`, or the older `eventType`).
 *
 * @param event - a decoded CloudEvent or plain object
 */
export function isPacificaEvent(event: unknown): boolean {
  if (!isRecord(event)) return false;
  return event.type === PACIFICA_INGEST_TYPE || event.eventType === PACIFICA_INGEST_TYPE;
}

function fileOf(item: Record<string, unknown>, index: number): CartFile {
  const field = (name: string) => `data[${index}].${name}`;
  const id = item._id;
  if (!(typeof id === 'string' && id !== '') && !(typeof id === 'number' && Number.isSafeInteger(id))) {
    throw new FormatError('a Files record has no usable _id', { field: field('_id') });
  }
  if (typeof item.name !== 'string' || item.name === '')
    throw new FormatError('a Files record has no name', { field: field('name') });
  const subdir = item.subdir ?? '';
  if (typeof subdir !== 'string')
    throw new FormatError('subdir must be a string', { field: field('subdir') });
  // The Python downloader joins "subdir/name"; an empty subdir must not make the path absolute.
  const path = safeRelativePath(subdir === '' ? item.name : `${subdir}/${item.name}`, field('name'));
  const hashtype = checkHashType(item.hashtype, field('hashtype'));
  const hashsum = checkHashSum(hashtype, item.hashsum, field('hashsum'));
  const size = item.size;
  if (size !== undefined && !(typeof size === 'number' && Number.isSafeInteger(size) && size >= 0)) {
    throw new FormatError('size must be a non-negative integer', { field: field('size') });
  }
  return { id, path, hashtype, hashsum, ...(size === undefined ? {} : { size }) };
}

/**
 * The cart entries of a Pacifica ingest event.
 *
 * @param event - the decoded event (a CloudEvent, or any object with `data`)
 * @returns one entry per `Files` record, in event order (possibly none)
 * @throws FormatError naming the first bad field (`data`, `data[3].hashsum`, …), or a path
 *   given twice
 * @example
 * ```ts
 * const files = pacificaCartFiles(JSON.parse(body));
 * // [{ id: 1100, path: 'subdir_1100/file.1100.txt', hashtype: 'sha1', hashsum: '…' }]
 * ```
 */
export function pacificaCartFiles(event: unknown): CartFile[] {
  if (!isRecord(event)) throw new FormatError('the event is not an object', { field: 'event' });
  let data = event.data;
  if (typeof data === 'string') {
    try {
      data = JSON.parse(data);
    } catch {
      throw new FormatError('the event data is not JSON', { field: 'data' });
    }
  }
  if (!Array.isArray(data))
    throw new FormatError('the event data must be a list of records', { field: 'data' });
  const files: CartFile[] = [];
  const seen = new Set<string>();
  for (const [index, item] of data.entries()) {
    if (!isRecord(item))
      throw new FormatError('every data record must be an object', { field: `data[${index}]` });
    if (item.destinationTable !== 'Files') continue;
    const file = fileOf(item, index);
    if (seen.has(file.path))
      throw new FormatError(`two Files records share the path ${JSON.stringify(file.path)}`, {
        field: `data[${index}]`,
      });
    seen.add(file.path);
    files.push(file);
  }
  return files;
}
