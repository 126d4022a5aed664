/**
 * A streaming reader of tar archives (POSIX ustar, pax extended headers, GNU long names), as
 * Python's `tarfile` writes them for cartd. It only parses: what may be extracted is decided by
 * the caller (see `extract.ts`). Header checksums are verified; sizes of metadata records are
 * bounded so a hostile archive cannot exhaust memory.
 *
 * @module
 */
import { FormatError } from '../par/errors.js';
import { ByteSource } from './byte-source.js';

/** What an archive entry is. */
export type TarEntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

/** One entry's header, after pax and GNU records are applied. */
export interface TarEntry {
  /** The path as stored (untrusted: check it before use). */
  readonly path: string;
  readonly type: TarEntryType;
  /** Content size in bytes (0 for anything but files). */
  readonly size: number;
  /** Where a link points (untrusted). */
  readonly linkTarget?: string;
  /** The raw type flag, for messages. */
  readonly flag: string;
}

/** An entry and its content; read `body` fully (or not at all) before asking for the next. */
export interface TarItem {
  readonly entry: TarEntry;
  readonly body: AsyncIterable<Uint8Array>;
}

const BLOCK = 512;
/** Largest pax or GNU long-name record accepted. */
const MAX_META = 1 << 20;
const decoder = new TextDecoder('utf-8', { fatal: false });

function text(block: Uint8Array, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const end = field.indexOf(0);
  return decoder.decode(end < 0 ? field : field.subarray(0, end));
}

function number(block: Uint8Array, start: number, length: number, what: string): number {
  const field = block.subarray(start, start + length);
  if (((field[0] as number) & 0x80) !== 0) {
    // GNU base-256: big-endian, first byte's top bit set.
    let value = (field[0] as number) & 0x7f;
    for (let i = 1; i < field.length; i++) value = value * 256 + (field[i] as number);
    if (!Number.isSafeInteger(value)) throw new FormatError(`tar ${what} is too large`, { field: 'tar' });
    return value;
  }
  const digits = text(block, start, length).trim();
  if (digits === '') return 0;
  if (!/^[0-7]+$/.test(digits)) throw new FormatError(`tar ${what} is not an octal number`, { field: 'tar' });
  return Number.parseInt(digits, 8);
}

function checksumOk(block: Uint8Array): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (block[i] as number);
  return number(block, 148, 8, 'checksum') === sum;
}

function isZero(block: Uint8Array): boolean {
  return block.every((byte) => byte === 0);
}

function typeOf(flag: string): TarEntryType {
  if (flag === '0' || flag === '' || flag === '7') return 'file';
  if (flag === '5') return 'directory';
  if (flag === '1') return 'hardlink';
  if (flag === '2') return 'symlink';
  return 'other';
}

/** Parse pax records: `"<length> <key>=<value>\n"`, length counting the whole record. */
function paxRecords(bytes: Uint8Array): Map<string, string> {
  const records = new Map<string, string>();
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  let at = 0;
  while (at < bytes.length) {
    const space = bytes.indexOf(0x20, at);
    const length = space < 0 ? Number.NaN : Number(decoder.decode(bytes.subarray(at, space)));
    if (!Number.isInteger(length) || length <= space - at || at + length > bytes.length) {
      throw new FormatError('the archive has a malformed pax header', { field: 'tar' });
    }
    let record: string;
    try {
      record = utf8.decode(bytes.subarray(space + 1, at + length - 1));
    } catch {
      throw new FormatError('the archive has a pax header that is not UTF-8', { field: 'tar' });
    }
    const equals = record.indexOf('=');
    if (equals < 1) throw new FormatError('the archive has a malformed pax record', { field: 'tar' });
    records.set(record.slice(0, equals), record.slice(equals + 1));
    at += length;
  }
  return records;
}

async function metaBytes(source: ByteSource, size: number, what: string): Promise<Uint8Array> {
  if (size > MAX_META) throw new FormatError(`the archive's ${what} is too large`, { field: 'tar' });
  const bytes = (await source.exactly(size, what)) ?? new Uint8Array(0);
  const copy = bytes.slice();
  await source.skip(padding(size), what);
  return copy;
}

function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

/**
 * Read a tar stream entry by entry.
 *
 * @param stream - the archive bytes
 * @returns the entries in archive order; each `body` yields exactly `entry.size` bytes
 * @throws FormatError for a bad checksum, a malformed header or a truncated archive
 * @example
 * ```ts
 * for await (const { entry, body } of readTar(response.body)) {
 *   if (entry.type === 'file') for await (const chunk of body) hasher.update(chunk);
 * }
 * ```
 */
export async function* readTar(stream: ReadableStream<Uint8Array>): AsyncGenerator<TarItem> {
  const source = new ByteSource(stream);
  try {
    let longName: string | undefined;
    let longLink: string | undefined;
    let pax = new Map<string, string>();
    for (;;) {
      const block = await source.exactly(BLOCK, 'a header');
      if (block === undefined) return;
      if (isZero(block)) return;
      if (!checksumOk(block))
        throw new FormatError('the archive has a header with a bad checksum', { field: 'tar' });
      const flag = String.fromCharCode(block[156] as number).replace('\0', '');
      let size = number(block, 124, 12, 'size');
      if (flag === 'x' || flag === 'g') {
        const records = paxRecords(await metaBytes(source, size, 'pax header'));
        if (flag === 'x') pax = records;
        continue;
      }
      if (flag === 'L' || flag === 'K') {
        const value = text(await metaBytes(source, size, 'long name'), 0, size);
        if (flag === 'L') longName = value;
        else longLink = value;
        continue;
      }
      const ustar = text(block, 257, 6) === 'ustar';
      const prefix = ustar ? text(block, 345, 155) : '';
      const name = text(block, 0, 100);
      const path = pax.get('path') ?? longName ?? (prefix === '' ? name : `${prefix}/${name}`);
      const link = pax.get('linkpath') ?? longLink ?? text(block, 157, 100);
      const paxSize = pax.get('size');
      if (paxSize !== undefined) {
        if (!/^\d+$/.test(paxSize) || !Number.isSafeInteger(Number(paxSize)))
          throw new FormatError('the archive has a bad pax size', { field: 'tar' });
        size = Number(paxSize);
      }
      const type = typeOf(flag);
      // Only regular files carry content; directories and links never do.
      const contentSize = type === 'file' ? size : 0;
      const entry: TarEntry = {
        path,
        type,
        size: contentSize,
        flag: flag === '' ? '0' : flag,
        ...(type === 'symlink' || type === 'hardlink' ? { linkTarget: link } : {}),
      };
      longName = undefined;
      longLink = undefined;
      pax = new Map();
      let consumed = 0;
      const what = `the content of ${JSON.stringify(path.slice(0, 200))}`;
      const body = (async function* () {
        for await (const chunk of source.run(contentSize, what)) {
          consumed += chunk.length;
          yield chunk;
        }
      })();
      yield { entry, body };
      await source.skip(contentSize - consumed, what);
      // Files: the padding after their content; anything else: whatever it carried, unread.
      await source.skip(type === 'file' ? padding(size) : size + padding(size), what);
    }
  } finally {
    await source.cancel();
  }
}
