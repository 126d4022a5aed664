// Fills the JavaScript heap until the worker's limit stops it.
export const limits = { memoryMb: 64 };
export async function hog(_args, context) {
  context.progress({ fraction: 0, message: 'allocating' });
  await new Promise((done) => setTimeout(done, 20));
  const kept = [];
  for (;;) kept.push(Array.from({ length: 100000 }, (_, i) => ({ i, text: `item ${i}` })));
}
