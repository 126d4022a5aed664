/**
 * Progress on standard error for long transfers: a redrawn bar when standard error is a
 * terminal, a plain line at every quarter of transfers of 1 MiB or more otherwise (for logs),
 * nothing with `--quiet`.
 * No dependency: one line of text, redrawn at most ten times a second.
 *
 * @module
 */

/** What a transfer reports. */
export interface ProgressUpdate {
  readonly loaded: number;
  readonly total: number | undefined;
  /** Files finished and in all, for multi-file transfers. */
  readonly files?: number;
  readonly filesTotal?: number;
  /** A few words shown after the amount (a job's progress message). */
  readonly detail?: string;
}

/** A progress display. */
export interface ProgressDisplay {
  update(progress: ProgressUpdate): void;
  /** Draw the final state and end the line. */
  finish(): void;
}

/** Where and how to draw. */
export interface ProgressOptions {
  /** What is moving ("download report.csv"). */
  readonly label: string;
  /** `tty` (bar), `plain` (lines), or `off`. */
  readonly mode: 'tty' | 'plain' | 'off';
  readonly write?: (text: string) => void;
  /** Columns available (default 80). */
  readonly columns?: number;
  /** Clock, milliseconds (for the rate). */
  readonly now?: () => number;
  /** What `loaded` and `total` count: bytes (default; a rate is shown) or steps (a job's progress). */
  readonly units?: 'bytes' | 'steps';
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
/** Transfers smaller than this print no plain lines (logs stay short). */
const PLAIN_MINIMUM = 1 << 20;

/**
 * A byte count for people: `1.5 MiB`.
 *
 * @param bytes - the count
 */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${UNITS[unit]}`;
}

/**
 * The display mode for this process: `off` when asked, `tty` when standard error is a
 * terminal, `plain` otherwise.
 *
 * @param quiet - `--quiet` was given
 * @param json - `--json` was given (machine runs get no plain lines)
 */
export function progressMode(quiet: boolean, json: boolean): 'tty' | 'plain' | 'off' {
  if (quiet) return 'off';
  if (process.stderr.isTTY) return 'tty';
  return json ? 'off' : 'plain';
}

/**
 * Make a progress display.
 *
 * @param options - label, mode, output
 */
export function createProgress(options: ProgressOptions): ProgressDisplay {
  const write = options.write ?? ((text: string) => process.stderr.write(text));
  const now = options.now ?? Date.now;
  const started = now();
  let last: ProgressUpdate = { loaded: 0, total: undefined };
  let drawn = 0;
  let quarter = 0;
  let printed = false;
  let finished = false;
  const columns = Math.max(40, options.columns ?? process.stderr.columns ?? 80);

  const steps = options.units === 'steps';
  const format = steps ? (n: number) => String(Math.round(n * 1000) / 1000) : formatBytes;
  const line = (progress: ProgressUpdate): string => {
    const seconds = Math.max((now() - started) / 1000, 0.001);
    const rate = steps ? '' : ` ${formatBytes(Math.round(progress.loaded / seconds))}/s`;
    const files =
      progress.filesTotal !== undefined && progress.filesTotal > 1
        ? ` ${progress.files ?? 0}/${progress.filesTotal} files`
        : '';
    const amount =
      progress.total === undefined
        ? format(progress.loaded)
        : `${format(progress.loaded)}/${format(progress.total)}`;
    const detail = progress.detail === undefined ? '' : ` ${progress.detail.slice(0, 60)}`;
    const tail = ` ${amount}${rate}${files}${detail}`;
    if (progress.total === undefined || progress.total === 0) return `${options.label}${tail}`;
    const fraction = Math.min(1, progress.loaded / progress.total);
    const percent = `${Math.floor(fraction * 100)}`.padStart(3);
    const width = Math.max(10, columns - options.label.length - tail.length - 10);
    const filled = Math.round(fraction * width);
    return `${options.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${percent}%${tail}`;
  };

  return {
    update(progress) {
      last = progress;
      if (options.mode === 'tty') {
        const time = now();
        if (time - drawn < 100) return;
        drawn = time;
        write(`\r\x1b[2K${line(progress)}`);
      } else if (
        options.mode === 'plain' &&
        progress.total !== undefined &&
        (steps ? progress.total > 0 : progress.total >= PLAIN_MINIMUM)
      ) {
        const reached = Math.floor((progress.loaded / progress.total) * 4);
        if (reached > quarter && reached < 4) {
          quarter = reached;
          printed = true;
          write(`${line(progress)}\n`);
        }
      }
    },
    finish() {
      if (finished || options.mode === 'off') return;
      finished = true;
      if (options.mode === 'tty') write(`\r\x1b[2K${line(last)}\n`);
      else if (printed || last.loaded >= PLAIN_MINIMUM || (steps && last.total !== undefined))
        write(`${line(last)}\n`);
    },
  };
}
