/**
 * Decoding Parquet files with hyparquet (pure JavaScript, web standards only) and the codecs of
 * hyparquet-compressors (snappy, gzip, brotli, zstd, lz4). Both are loaded on first use, so
 * importing parkit costs nothing for callers who never decode Parquet.
 *
 * @internal
 * @module
 */
import type { Compressors, FileMetaData } from 'hyparquet';
import { FormatError } from '../par/errors.js';

/** One file decoded as records. */
export interface DecodedRows {
  /** Top-level column names, in schema order. */
  readonly names: readonly string[];
  readonly rows: Record<string, unknown>[];
}

/** One file decoded as columns, each an array of `rowCount` values. */
export interface DecodedColumns {
  /** Top-level column names, in schema order. */
  readonly names: readonly string[];
  readonly columns: ReadonlyMap<string, unknown[]>;
  readonly rowCount: number;
}

type Hyparquet = typeof import('hyparquet');

let loaded: Promise<{ hyparquet: Hyparquet; compressors: Compressors }> | undefined;

function load(): Promise<{ hyparquet: Hyparquet; compressors: Compressors }> {
  loaded ??= Promise.all([import('hyparquet'), import('hyparquet-compressors')]).then(
    ([hyparquet, codecs]) => ({ hyparquet, compressors: codecs.compressors }),
  );
  return loaded;
}

function asArrayBuffer(bytes: Uint8Array | ArrayBuffer): ArrayBuffer {
  if (bytes instanceof ArrayBuffer) return bytes;
  if (
    bytes.byteOffset === 0 &&
    bytes.byteLength === bytes.buffer.byteLength &&
    bytes.buffer instanceof ArrayBuffer
  )
    return bytes.buffer;
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

// Every Parquet file starts and ends with the magic "PAR1" (Apache Parquet format specification).
function hasMagic(file: ArrayBuffer): boolean {
  const bytes = new Uint8Array(file);
  const magic = [0x50, 0x41, 0x52, 0x31];
  return (
    bytes.length >= 12 &&
    magic.every((byte, index) => bytes[index] === byte && bytes[bytes.length - 4 + index] === byte)
  );
}

async function decode<T>(
  bytes: Uint8Array | ArrayBuffer,
  read: (
    file: ArrayBuffer,
    metadata: FileMetaData,
    names: string[],
    tools: Awaited<ReturnType<typeof load>>,
  ) => Promise<T>,
): Promise<T> {
  const file = asArrayBuffer(bytes);
  if (!hasMagic(file)) throw new FormatError('the file is not Parquet (no PAR1 magic)');
  const tools = await load();
  let metadata: FileMetaData;
  let names: string[];
  try {
    metadata = tools.hyparquet.parquetMetadata(file);
    names = tools.hyparquet.parquetSchema(metadata).children.map((child) => child.element.name);
  } catch (cause) {
    throw new FormatError(`the Parquet file cannot be decoded (${reason(cause)})`, { cause });
  }
  // A column named __proto__ would replace the prototype of every decoded record.
  if (names.includes('__proto__')) throw new FormatError('the Parquet file has a column named __proto__');
  try {
    return await read(file, metadata, names, tools);
  } catch (cause) {
    throw new FormatError(`the Parquet file cannot be decoded (${reason(cause)})`, { cause });
  }
}

function reason(cause: unknown): string {
  return cause instanceof Error ? cause.message.slice(0, 200) : 'unknown error';
}

/**
 * Decode a whole Parquet file as records (column name → value).
 *
 * @param bytes - the file
 * @returns the column names and one record per row
 * @throws FormatError when the bytes are not a readable Parquet file
 */
export function decodeRows(bytes: Uint8Array | ArrayBuffer): Promise<DecodedRows> {
  return decode(bytes, async (file, metadata, names, { hyparquet, compressors }) => {
    const rows = await hyparquet.parquetReadObjects({ file, metadata, compressors });
    return { names, rows };
  });
}

/**
 * Decode a whole Parquet file as columns, without building a record per row.
 *
 * @param bytes - the file
 * @returns the column names, one array per column, and the row count
 * @throws FormatError when the bytes are not a readable Parquet file
 */
export function decodeColumns(bytes: Uint8Array | ArrayBuffer): Promise<DecodedColumns> {
  return decode(bytes, async (file, metadata, names, { hyparquet, compressors }) => {
    const rowCount = Number(metadata.num_rows);
    const columns = new Map(names.map((name) => [name, new Array<unknown>(rowCount)]));
    await hyparquet.parquetRead({
      file,
      metadata,
      compressors,
      onChunk: ({ columnName, columnData, rowStart }) => {
        const target = columns.get(columnName);
        if (target === undefined) return;
        for (let i = 0; i < columnData.length && rowStart + i < rowCount; i++)
          target[rowStart + i] = columnData[i];
      },
    });
    return { names, columns, rowCount };
  });
}
