/**
 * Downloading signed Parquet files in parallel and putting their rows together: as records
 * (`json`, the Python client's format) or as columns. Every file that fails is named with its
 * key — never dropped as ds-stoa does.
 *
 * @module
 */
import { errorForResponse } from '../access/http.js';
import { bodyBytes, send, type Transport } from '../remote/transport.js';
import { StoaFetchError, type StoaFileFailure } from './errors.js';
import { type DecodedColumns, decodeColumns, decodeRows } from './parquet.js';
import { settleAll } from './pool.js';

/** How {@link StoaClient.fetch} returns the data: records, or one array per column. */
export type StoaFormat = 'json' | 'columns';

/** One decoded row: column name → value (INT64 as bigint, timestamps as Date, as hyparquet decodes). */
export type StoaRecord = Record<string, unknown>;

/** One file that was fetched and decoded. */
export interface StoaFileSummary {
  /** The order key. */
  readonly key: string;
  /** How many rows it held. */
  readonly rows: number;
  /** Its size in bytes. */
  readonly bytes: number;
}

interface StoaResultBase {
  /** The files that were decoded, in order-key order. */
  readonly files: readonly StoaFileSummary[];
  /** The files that failed (only ever non-empty with `partial: true`). */
  readonly failures: readonly StoaFileFailure[];
}

/** Rows of every file, as records, in order-key order. */
export interface StoaJsonResult extends StoaResultBase {
  readonly format: 'json';
  readonly rows: StoaRecord[];
}

/** Every file's rows as columns: one array per column name, all of length `rowCount`. */
export interface StoaColumnsResult extends StoaResultBase {
  readonly format: 'columns';
  /** Column name → values; a file without a column contributes `null`s. */
  readonly columns: Record<string, unknown[]>;
  readonly rowCount: number;
}

/** What {@link StoaClient.fetch} returns. */
export type StoaFetchResult = StoaJsonResult | StoaColumnsResult;

interface Downloaded<T> {
  readonly key: string;
  readonly table: T;
  readonly rows: number;
  readonly bytes: number;
}

/**
 * Download one signed file (plain GET: the signature is in the URL, no bearer token).
 *
 * @param transport - fetch and timeout
 * @param key - the order key
 * @param url - the pre-signed URL
 * @param signal - cancellation
 */
async function download(
  transport: Transport,
  key: string,
  url: string,
  signal: AbortSignal | undefined,
): Promise<ArrayBuffer> {
  const response = await send(
    transport,
    url,
    { method: 'GET' },
    { action: `download ${JSON.stringify(key)}`, signal },
  );
  if (!response.ok) throw await errorForResponse(response, { method: 'GET', url });
  return bodyBytes(response, url, signal);
}

function concatColumns(tables: readonly DecodedColumns[]): {
  columns: Record<string, unknown[]>;
  rowCount: number;
} {
  const names = [...new Set(tables.flatMap((table) => table.names))];
  const rowCount = tables.reduce((total, table) => total + table.rowCount, 0);
  const columns: Record<string, unknown[]> = Object.fromEntries(
    names.map((name) => [name, new Array<unknown>(rowCount)]),
  );
  let offset = 0;
  for (const table of tables) {
    for (const name of names) {
      const target = columns[name] as unknown[];
      const source = table.columns.get(name);
      for (let i = 0; i < table.rowCount; i++) target[offset + i] = source === undefined ? null : source[i];
    }
    offset += table.rowCount;
  }
  return { columns, rowCount };
}

/** Options of {@link fetchSigned}. @internal */
export interface FetchPlan {
  readonly format: StoaFormat;
  readonly concurrency: number;
  readonly partial: boolean;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Download and decode every signed file, `concurrency` at a time.
 *
 * @param transport - fetch and timeout
 * @param signed - order key → pre-signed URL
 * @param plan - format, parallelism, whether partial results are acceptable
 * @returns the rows, the files and (with `partial`) the failures
 * @throws StoaFetchError naming every failed key, unless `partial`
 * @internal
 */
export async function fetchSigned(
  transport: Transport,
  signed: Readonly<Record<string, string>>,
  plan: FetchPlan,
): Promise<StoaFetchResult> {
  if (plan.format === 'json') {
    const { downloads, files, failures } = await fetchAll(
      transport,
      signed,
      plan,
      decodeRows,
      (table) => table.rows.length,
    );
    const rows: StoaRecord[] = [];
    for (const download of downloads) for (const row of download.table.rows) rows.push(row);
    return { format: 'json', rows, files, failures };
  }
  const { downloads, files, failures } = await fetchAll(
    transport,
    signed,
    plan,
    decodeColumns,
    (table) => table.rowCount,
  );
  return {
    format: 'columns',
    ...concatColumns(downloads.map((download) => download.table)),
    files,
    failures,
  };
}

async function fetchAll<T>(
  transport: Transport,
  signed: Readonly<Record<string, string>>,
  plan: FetchPlan,
  decode: (file: ArrayBuffer) => Promise<T>,
  count: (table: T) => number,
): Promise<{ downloads: Downloaded<T>[]; files: StoaFileSummary[]; failures: StoaFileFailure[] }> {
  const entries = Object.entries(signed);
  const settled = await settleAll(entries, plan.concurrency, async ([key, url]): Promise<Downloaded<T>> => {
    const file = await download(transport, key, url, plan.signal);
    const table = await decode(file);
    return { key, table, rows: count(table), bytes: file.byteLength };
  });
  plan.signal?.throwIfAborted();
  const downloads: Downloaded<T>[] = [];
  const failures: StoaFileFailure[] = [];
  settled.forEach((result, index) => {
    const key = (entries[index] as [string, string])[0];
    if (result.status === 'fulfilled') downloads.push(result.value);
    else {
      const error = result.reason instanceof Error ? result.reason : new Error(String(result.reason));
      failures.push({ key, error });
    }
  });
  if (failures.length > 0 && !plan.partial) throw new StoaFetchError(failures, entries.length);
  const files = downloads.map(({ key, rows, bytes }) => ({ key, rows, bytes }));
  return { downloads, files, failures };
}
