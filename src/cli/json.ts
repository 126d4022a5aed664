/**
 * Machine output for `--json`: one JSON document on standard output, with the values JSON has
 * no form for (bigint, Date, luxon DateTime, Uint8Array) written as strings.
 *
 * @module
 */

function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return value;
}

/**
 * A value as one line of JSON.
 *
 * @param value - anything
 */
export function toJsonLine(value: unknown): string {
  return JSON.stringify(value, replacer);
}

/**
 * Print a value as one line of JSON on standard output.
 *
 * @param value - anything
 */
export function printJson(value: unknown): void {
  process.stdout.write(`${toJsonLine(value)}\n`);
}
