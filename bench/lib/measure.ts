/**
 * Measuring helpers for benchmarks: interleaved rounds (so machine noise hits every contender
 * alike) and medians.
 */

/** The median of a list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** One contender: a name and an async operation to repeat. */
export interface Contender {
  readonly name: string;
  readonly run: () => Promise<unknown> | unknown;
}

/**
 * Run each contender for `roundMs` per round, `rounds` times, interleaved, after a warm-up.
 *
 * @returns operations per second of every round, by contender name
 */
export async function opsPerSecond(
  contenders: readonly Contender[],
  { rounds = 7, roundMs = 1000, warmupMs = 500 } = {},
): Promise<Map<string, number[]>> {
  const results = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  const round = async (contender: Contender, ms: number) => {
    let count = 0;
    const start = performance.now();
    while (performance.now() - start < ms) {
      await contender.run();
      count++;
    }
    return count / ((performance.now() - start) / 1000);
  };
  for (const contender of contenders) await round(contender, warmupMs);
  for (let r = 0; r < rounds; r++) {
    // Alternate the order each round so neither side always runs first.
    const order = r % 2 === 0 ? contenders : [...contenders].reverse();
    for (const contender of order) results.get(contender.name)?.push(await round(contender, roundMs));
  }
  return results;
}

/** Format a number with thousands separators. */
export function formatNumber(value: number, digits = 0): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}
