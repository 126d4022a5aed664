/**
 * Running one async task per item with at most `limit` in flight, results in item order.
 *
 * @internal
 * @module
 */

/**
 * Check a concurrency argument.
 *
 * @param value - the requested limit, or undefined for the default
 * @param fallback - the default
 * @param argument - the argument's name for the error
 * @throws RangeError unless a positive integer
 */
export function checkConcurrency(value: number | undefined, fallback: number, argument: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1)
    throw new RangeError(`${argument} must be a positive integer`);
  return value;
}

const SKIPPED = Symbol('skipped after an earlier failure');

/**
 * Settle `task` for every item, at most `limit` at a time. Never rejects.
 *
 * @param items - the inputs
 * @param limit - the most tasks in flight at once
 * @param task - the work for one item
 * @returns one settled result per item, in item order
 */
export async function settleAll<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = { status: 'fulfilled', value: await task(items[index] as T, index) };
      } catch (reason) {
        results[index] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Run `task` for every item, at most `limit` at a time; after the first failure no new task
 * starts, the ones in flight finish, and the first failure (in item order) is thrown.
 *
 * @param items - the inputs
 * @param limit - the most tasks in flight at once
 * @param task - the work for one item
 * @returns the results, in item order
 * @throws the first failure
 */
export async function mapAll<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  let failed = false;
  const settled = await settleAll(items, limit, async (item, index) => {
    if (failed) throw SKIPPED;
    try {
      return await task(item, index);
    } catch (error) {
      failed = true;
      throw error;
    }
  });
  const failure = settled.find(
    (result): result is PromiseRejectedResult => result.status === 'rejected' && result.reason !== SKIPPED,
  );
  if (failure !== undefined) throw failure.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<R>).value);
}
