/**
 * One progress stream for a download of many files: bytes moved (across parallel transfers)
 * and files finished.
 *
 * @module
 */

/** Progress of a whole download. */
export interface DownloadProgress {
  /** Bytes written so far (files skipped as already complete count in full). */
  readonly loaded: number;
  /** Bytes in all, when every size is known. */
  readonly total: number | undefined;
  /** Files finished (downloaded or skipped). */
  readonly files: number;
  /** Files in all. */
  readonly filesTotal: number;
}

/** Adds up per-file progress into one {@link DownloadProgress}. @internal */
export class ProgressTally {
  readonly #loaded = new Map<string, number>();
  readonly #report: ((progress: DownloadProgress) => void) | undefined;
  #done = 0;
  readonly #total: number | undefined;
  readonly #filesTotal: number;

  /**
   * @param sizes - every file's size (undefined where unknown)
   * @param report - the listener
   */
  constructor(
    sizes: readonly (number | undefined)[],
    report: ((progress: DownloadProgress) => void) | undefined,
  ) {
    this.#filesTotal = sizes.length;
    this.#total = sizes.every((size) => size !== undefined)
      ? sizes.reduce<number>((a, b) => a + (b ?? 0), 0)
      : undefined;
    this.#report = report;
  }

  /** Bytes written so far for one file. */
  bytes(file: string, loaded: number): void {
    this.#loaded.set(file, loaded);
    this.emit();
  }

  /** One file finished, with its final size. */
  finished(file: string, size: number): void {
    this.#loaded.set(file, size);
    this.#done++;
    this.emit();
  }

  /** One file finished whose bytes were already counted with {@link ProgressTally.bytes}. */
  fileDone(): void {
    this.#done++;
    this.emit();
  }

  /** The current totals. */
  snapshot(): DownloadProgress {
    let loaded = 0;
    for (const value of this.#loaded.values()) loaded += value;
    return { loaded, total: this.#total, files: this.#done, filesTotal: this.#filesTotal };
  }

  /** Report the current totals. */
  emit(): void {
    this.#report?.(this.snapshot());
  }
}
