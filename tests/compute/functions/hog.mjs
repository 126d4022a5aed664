// Fills the JavaScript heap until the worker's limit stops it. Few large arrays rather than many
// small objects: the limit is reached in a few collections, not after seconds of GC on a busy machine.
export const limits = { memoryMb: 64 };
export async function hog(_args, context) {
  context.progress({ fraction: 0, message: 'allocating' });
  await new Promise((done) => setTimeout(done, 20));
  const kept = [];
  for (;;) kept.push(new Array(1_000_000).fill(kept.length));
}
