/**
 * Downloading signed Parquet files in parallel and putting their rows together: as records
 * (`json`, the Python client's format) or as columns. Every file that fails is named with its
 * key — never dropped as ds-stoa does.
 *
 * @module
 */
import { errorForResponse } from '../access/http.js';
import { StoaFetchError, type StoaFileFailure } from './errors.js';
import { type DecodedTable, decodeParquet } from './parquet.js';
import { settleAll } from './pool.js';
import { send, type Transport } from './transport.js';

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

interface Downloaded {
  readonly key: string;
  readonly table: DecodedTable;
  readonly bytes: number;
}

/**
 * Download and decode one signed file (plain GET: the signature is in the URL, no bearer token).
 *
 * @param transport - fetch and timeout
 * @param key - the order key
 * @param url - the pre-signed URL
 * @param signal - cancellation
 */
async function downloadOne(
  transport: Transport,
  key: string,
  url: string,
  signal: AbortSignal | undefined,
): Promise<Downloaded> {
  const response = await send(
    transport,
    url,
    { method: 'GET' },
    { action: `download ${JSON.stringify(key)}`, signal },
  );
  if (!response.ok) throw await errorForResponse(response, { method: 'GET', url });
  const bytes = new Uint8Array(await response.arrayBuffer());
  return { key, table: await decodeParquet(bytes), bytes: bytes.length };
}

function asRecords(downloads: readonly Downloaded[]): StoaRecord[] {
  const rows: StoaRecord[] = [];
  for (const { table } of downloads) {
    for (const row of table.rows)
      rows.push(Object.fromEntries(table.columns.map((name, i) => [name, row[i]])));
  }
  return rows;
}

function asColumns(downloads: readonly Downloaded[]): {
  columns: Record<string, unknown[]>;
  rowCount: number;
} {
  const names = [...new Set(downloads.flatMap(({ table }) => table.columns))];
  const columns: Record<string, unknown[]> = Object.fromEntries(names.map((name) => [name, []]));
  let rowCount = 0;
  for (const { table } of downloads) {
    for (const name of names) {
      const index = table.columns.indexOf(name);
      const target = columns[name] as unknown[];
      for (const row of table.rows) target.push(index === -1 ? null : row[index]);
    }
    rowCount += table.rows.length;
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
  const entries = Object.entries(signed);
  const settled = await settleAll(entries, plan.concurrency, ([key, url]) =>
    downloadOne(transport, key, url, plan.signal),
  );
  plan.signal?.throwIfAborted();
  const downloads: Downloaded[] = [];
  const failures: StoaFileFailure[] = [];
  settled.forEach((result, index) => {
    const key = (entries[index] as [string, string])[0];
    if (result.status === 'fulfilled') downloads.push(result.value);
    else
      failures.push({
        key,
        error: result.reason instanceof Error ? result.reason : new Error(String(result.reason)),
      });
  });
  if (failures.length > 0 && !plan.partial) throw new StoaFetchError(failures, entries.length);
  const files = downloads.map(({ key, table, bytes }) => ({ key, rows: table.rows.length, bytes }));
  if (plan.format === 'json') return { format: 'json', rows: asRecords(downloads), files, failures };
  return { format: 'columns', ...asColumns(downloads), files, failures };
}
