/**
 * Decoding Parquet files with hyparquet (pure JavaScript, web standards only) and the codecs of
 * hyparquet-compressors (snappy, gzip, brotli, zstd, lz4). Both are loaded on first use, so
 * importing parkit costs nothing for callers who never decode Parquet.
 *
 * @internal
 * @module
 */
import type { Compressors } from 'hyparquet';
import { FormatError } from '../par/errors.js';

/** One decoded file: its top-level column names and its rows as arrays in column order. */
export interface DecodedTable {
  readonly columns: readonly string[];
  readonly rows: readonly unknown[][];
}

let codecs: Promise<Compressors> | undefined;

function loadCodecs(): Promise<Compressors> {
  codecs ??= import('hyparquet-compressors').then((module) => module.compressors);
  return codecs;
}

// Every Parquet file starts and ends with the magic "PAR1" (Apache Parquet format spec).
function hasMagic(bytes: Uint8Array): boolean {
  const magic = [0x50, 0x41, 0x52, 0x31];
  return (
    bytes.length >= 12 &&
    magic.every((byte, index) => bytes[index] === byte && bytes[bytes.length - 4 + index] === byte)
  );
}

/**
 * Decode a whole Parquet file.
 *
 * @param bytes - the file
 * @returns column names and rows
 * @throws FormatError when the bytes are not a readable Parquet file
 */
export async function decodeParquet(bytes: Uint8Array): Promise<DecodedTable> {
  if (!hasMagic(bytes)) throw new FormatError('the file is not Parquet (no PAR1 magic)');
  const [{ parquetMetadata, parquetRead, parquetSchema }, compressors] = await Promise.all([
    import('hyparquet'),
    loadCodecs(),
  ]);
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  try {
    const metadata = parquetMetadata(file);
    const columns = parquetSchema(metadata).children.map((child) => child.element.name);
    let rows: unknown[][] = [];
    await parquetRead({
      file,
      metadata,
      compressors,
      rowFormat: 'array',
      onComplete: (decoded) => {
        rows = decoded;
      },
    });
    return { columns, rows };
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message.slice(0, 200) : 'unknown error';
    throw new FormatError(`the Parquet file cannot be decoded (${reason})`, { cause });
  }
}
