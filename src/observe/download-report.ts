/**
 * What a Downloader run records: metrics `bytes`, `objects`, `transferredObjects`,
 * `skippedObjects`, `totalBytes` and `durationSeconds` at the run's stage, and the checksum
 * verification as a quality result (tool `parkit-checksum`; action `continued`, or
 * `cancelled` when a file did not match its checksum). A single-object download (`parkit get`
 * of one key) records the same, for its one file.
 *
 * @internal
 * @module
 */
import type { ObjectStat } from '../access/endpoint.js';
import type { DownloadResult } from '../handoff/downloader.js';
import type { RunReporting } from './record-run.js';
import type { QualityInput } from './recorder.js';

/** Counted while a download runs. */
export interface ChecksumTally {
  /** Files checked against a checksum the source gave, and matching. */
  verified: number;
  /** Files the source gave no checksum for. */
  unverified: number;
  /** Files that did not match (the download fails). */
  mismatched: number;
  /** Files done (transferred or skipped). */
  objects: number;
  /** Bytes transferred. */
  bytes: number;
}

/** The quality tool name of checksum verification. */
export const CHECKSUM_TOOL = 'parkit-checksum';

function checksumQuality(tally: ChecksumTally, stage: string, dataset: string | undefined): QualityInput[] {
  const checked = tally.verified + tally.mismatched;
  if (checked + tally.unverified === 0) return [];
  return [
    {
      stage,
      tool: CHECKSUM_TOOL,
      results: {
        checked,
        verified: tally.verified,
        mismatched: tally.mismatched,
        unverified: tally.unverified,
      },
      ...(dataset === undefined ? {} : { dataset }),
      action: tally.mismatched > 0 ? 'cancelled' : 'continued',
    },
  ];
}

/**
 * The reporting of one download.
 *
 * @param tally - counted by the Downloader while it runs
 * @param dataset - named in the quality result
 * @param signal - the download's signal
 */
export function downloadReporting(
  tally: ChecksumTally,
  dataset: string | undefined,
  signal: AbortSignal | undefined,
): RunReporting<DownloadResult> {
  return {
    stage: 'Download',
    signal,
    success(result, seconds, stage) {
      const skipped = result.files.filter((file) => file.skipped).length;
      return {
        metrics: {
          bytes: result.transferred,
          objects: result.files.length,
          transferredObjects: result.files.length - skipped,
          skippedObjects: skipped,
          totalBytes: result.files.reduce((sum, file) => sum + file.size, 0),
          durationSeconds: seconds,
        },
        quality: checksumQuality(tally, stage, dataset),
      };
    },
    failure(_error, seconds, stage) {
      return {
        metrics: { bytes: tally.bytes, objects: tally.objects, durationSeconds: seconds },
        quality: tally.mismatched > 0 ? checksumQuality(tally, stage, dataset) : [],
      };
    },
  };
}

/** What a single-object download delivered: its size, and the store's facts it was checked against. */
export interface SingleDownload {
  readonly size: number;
  /** Absent when the bytes went to a stream nothing verified (e.g. standard output). */
  readonly stat?: ObjectStat;
}

function checksumMismatch(error: unknown): boolean {
  const context = (error as { context?: { reason?: unknown } } | null)?.context;
  return context?.reason === 'checksum';
}

/**
 * The reporting of one object downloaded on its own (not through a Downloader).
 *
 * @param dataset - named in the quality result
 * @param signal - the download's signal
 */
export function singleDownloadReporting<T extends SingleDownload>(
  dataset: string | undefined,
  signal: AbortSignal | undefined,
): RunReporting<T> {
  const tally = (verified: number, mismatched: number, bytes: number): ChecksumTally => ({
    verified,
    mismatched,
    unverified: 1 - verified - mismatched,
    objects: 1,
    bytes,
  });
  return {
    stage: 'Download',
    signal,
    success(result, seconds, stage) {
      const checked = result.stat?.sha256 !== undefined || result.stat?.md5 !== undefined;
      return {
        metrics: {
          bytes: result.size,
          objects: 1,
          transferredObjects: 1,
          skippedObjects: 0,
          totalBytes: result.size,
          durationSeconds: seconds,
        },
        quality:
          result.stat === undefined
            ? []
            : checksumQuality(tally(checked ? 1 : 0, 0, result.size), stage, dataset),
      };
    },
    failure(error, seconds, stage) {
      const mismatched = checksumMismatch(error);
      return {
        metrics: { bytes: 0, objects: 0, durationSeconds: seconds },
        quality: mismatched ? checksumQuality(tally(0, 1, 0), stage, dataset) : [],
      };
    },
  };
}
