// A synchronous infinite loop: no abort signal can reach it; only terminating the worker can.
export async function loop(_args, context) {
  context.progress({ fraction: 0, message: 'looping' });
  await new Promise((done) => setTimeout(done, 20));
  for (;;) {}
}
