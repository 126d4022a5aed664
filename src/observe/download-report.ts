/**
 * What a Downloader run records: metrics `bytes`, `objects`, `transferredObjects`,
 * `skippedObjects`, `totalBytes` and `durationSeconds` at the run's stage, and the checksum
 * verification as a quality result (tool `parkit-checksum`; action `continued`, or
 * `cancelled` when a file did not match its checksum).
 *
 * @internal
 * @module
 */
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
