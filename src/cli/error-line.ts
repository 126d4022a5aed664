/**
 * The one line a failed command prints on standard error: `parkit: CODE: message`, or with
 * `--json` a JSON object `{"error":{"code","message","exitCode"}}` — never a secret.
 *
 * @module
 */
import { isParkitError } from '../par/errors.js';
import { exitCodeFor } from './exit-codes.js';
import { scrubSecrets } from './scrub.js';

/** What is printed for an error. */
export interface ErrorReport {
  readonly code: string;
  readonly message: string;
  readonly exitCode: number;
}

/**
 * Describe an error for the terminal.
 *
 * @param error - what was thrown
 */
export function describeError(error: unknown): ErrorReport {
  const code = isParkitError(error) ? error.code : error instanceof Error ? error.name : 'Error';
  const raw = error instanceof Error ? error.message : String(error);
  const message = scrubSecrets(raw.replace(/\s+/g, ' ').trim()).slice(0, 1000);
  return { code, message, exitCode: exitCodeFor(error) };
}

/**
 * Print the error line and return the exit code.
 *
 * @param error - what was thrown
 * @param json - print JSON instead of text
 * @param write - where the line goes (default standard error)
 */
export function reportError(
  error: unknown,
  json: boolean,
  write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): number {
  const report = describeError(error);
  write(json ? JSON.stringify({ error: report }) : `parkit: ${report.code}: ${report.message}`);
  return report.exitCode;
}
