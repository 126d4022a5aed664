/**
 * Real Parquet files for tests and benchmarks, written with hyparquet-writer. Snappy is the
 * writer's own codec; gzip and brotli come from Node's zlib, zstd from the Debian `zstd` tool —
 * real compressors, so the reader is checked against real encoders.
 */
import { execFileSync } from 'node:child_process';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';

/** The codecs the fixtures use. */
export type Codec = 'UNCOMPRESSED' | 'SNAPPY' | 'GZIP' | 'BROTLI' | 'ZSTD';

const compressors = {
  GZIP: (input: Uint8Array) => new Uint8Array(gzipSync(input)),
  BROTLI: (input: Uint8Array) => new Uint8Array(brotliCompressSync(input)),
  ZSTD: (input: Uint8Array) => new Uint8Array(execFileSync('zstd', ['-q', '-c', '-3'], { input })),
};

/** One row of the fixture table. */
export interface Reading {
  id: number;
  station: string;
  temperature: number;
  ok: boolean;
}

/**
 * Deterministic rows: `count` readings starting at id `first`.
 *
 * @param first - the first id
 * @param count - how many rows
 */
export function readings(first: number, count: number): Reading[] {
  return Array.from({ length: count }, (_, i) => {
    const id = first + i;
    return {
      id,
      station: `station-${id % 7}-${(id * 2654435761) % 100000}`,
      temperature: (id % 400) / 10 - 5,
      ok: id % 3 !== 0,
    };
  });
}

/**
 * Write rows as a Parquet file.
 *
 * @param rows - the readings
 * @param codec - the compression codec
 */
export function writeReadings(rows: readonly Reading[], codec: Codec = 'SNAPPY'): Uint8Array {
  const buffer = parquetWriteBuffer({
    codec,
    compressors,
    columnData: [
      { name: 'id', data: rows.map((row) => row.id), type: 'INT32' },
      { name: 'station', data: rows.map((row) => row.station), type: 'STRING' },
      { name: 'temperature', data: rows.map((row) => row.temperature), type: 'DOUBLE' },
      { name: 'ok', data: rows.map((row) => row.ok), type: 'BOOLEAN' },
    ],
  });
  return new Uint8Array(buffer);
}
