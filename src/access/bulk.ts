/**
 * Running one task per item, at most `limit` at a time, stopping at the first failure.
 *
 * @internal
 * @module
 */

/**
 * Run `task` for every item with at most `limit` in flight. After the first failure no new
 * task starts, the signal handed to the running ones aborts, and that first failure is thrown
 * once they have settled.
 *
 * @param items - the inputs
 * @param limit - most tasks at once
 * @param task - the work for one item; gets the shared signal
 * @param signal - the caller's cancellation
 * @returns the results, in item order
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, signal: AbortSignal) => Promise<R>,
  signal?: AbortSignal,
): Promise<R[]> {
  const controller = new AbortController();
  const stop = () => controller.abort(signal?.reason);
  if (signal?.aborted) stop();
  signal?.addEventListener('abort', stop, { once: true });
  const results = new Array<R>(items.length);
  let failure: { readonly error: unknown } | undefined;
  let next = 0;
  const worker = async () => {
    while (failure === undefined && !controller.signal.aborted && next < items.length) {
      const index = next++;
      try {
        results[index] = await task(items[index] as T, controller.signal);
      } catch (error) {
        failure ??= { error };
        controller.abort(error);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  } finally {
    signal?.removeEventListener('abort', stop);
  }
  if (signal?.aborted) throw signal.reason;
  if (failure !== undefined) throw failure.error;
  return results;
}
